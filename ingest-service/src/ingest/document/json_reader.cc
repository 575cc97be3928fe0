// JSON articles: one object with the fields that news crawlers and APIs
// commonly use. Each logical field has a list of accepted keys, tried in
// order; null counts as absent. A value of the wrong JSON type is an error
// naming the key, never silently dropped.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ingest/document/document.h"
#include "ingest/document/json_parse.h"
#include "ingest/document/readers.h"
#include "ingest/document/text.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"

namespace newsevents::ingest::document_internal {
namespace {

using Value = rapidjson::Value;

constexpr absl::string_view kTitleKeys[] = {"title", "headline"};
constexpr absl::string_view kBodyKeys[] = {
    "text", "body", "maintext", "content", "article_body", "articleBody"};
constexpr absl::string_view kDateKeys[] = {
    "date_publish", "published", "published_at", "publishedAt",
    "datePublished", "date",
    "pubDate"};
constexpr absl::string_view kAuthorKeys[] = {"authors", "author", "byline"};
constexpr absl::string_view kUrlKeys[] = {"url"};
constexpr absl::string_view kOutletKeys[] = {"source_domain", "outlet",
                                             "source", "publisher"};
constexpr absl::string_view kLanguageKeys[] = {"language", "lang"};
constexpr absl::string_view kIdKeys[] = {"id"};

// Unix times above this are taken as milliseconds (year 5138 in seconds).
constexpr double kMillisecondsThreshold = 1e11;

absl::string_view TypeName(const Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "boolean";
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kNumberType:
      return "number";
  }
  return "unknown";
}

absl::string_view View(const Value& v) {
  return absl::string_view(v.GetString(), v.GetStringLength());
}

struct Field {
  absl::string_view key;
  const Value* value = nullptr;
};

// The first accepted key present with a non-null value.
template <std::size_t N>
Field Find(const Value& object, const absl::string_view (&keys)[N]) {
  for (absl::string_view key : keys) {
    const auto it = object.FindMember(
        Value(rapidjson::StringRef(key.data(), key.size())));
    if (it != object.MemberEnd() && !it->value.IsNull()) {
      return {key, &it->value};
    }
  }
  return {};
}

absl::Status TypeError(absl::string_view field, absl::string_view expected,
                       const Value& got) {
  return absl::InvalidArgumentError(absl::StrCat(
      "field '", field, "' must be ", expected, ", got ", TypeName(got)));
}

// A string field, collapsed to one line.
absl::Status ReadString(const Field& field, std::string* out) {
  if (field.value == nullptr) return absl::OkStatus();
  if (!field.value->IsString()) {
    return TypeError(field.key, "a string", *field.value);
  }
  *out = CollapseWhitespace(View(*field.value));
  return absl::OkStatus();
}

// A string or an object with a string "name" (schema.org style).
absl::Status ReadName(const Value& v, absl::string_view field,
                      std::string* out) {
  if (v.IsString()) {
    *out = CollapseWhitespace(View(v));
    return absl::OkStatus();
  }
  if (v.IsObject()) {
    const auto it = v.FindMember("name");
    if (it != v.MemberEnd() && it->value.IsString()) {
      *out = CollapseWhitespace(View(it->value));
      return absl::OkStatus();
    }
  }
  return TypeError(field, "a string or an object with a string name", v);
}

absl::Status ReadBody(const Field& field, Document& doc) {
  if (field.value == nullptr) return absl::OkStatus();
  const Value& v = *field.value;
  std::string joined;
  if (v.IsString()) {
    joined = NormalizeLines(View(v));
  } else if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      const Value& item = v[i];
      if (item.IsNull()) continue;
      if (!item.IsString()) {
        return TypeError(absl::StrCat(field.key, "[", i, "]"), "a string",
                         item);
      }
      // Blank lines keep the items apart as paragraphs.
      if (!joined.empty()) joined.append("\n\n");
      joined.append(NormalizeLines(View(item)));
    }
  } else {
    return TypeError(field.key, "a string or an array of strings", v);
  }
  AppendParagraphs(SplitLines(joined), doc.body);
  return absl::OkStatus();
}

absl::Status ReadAuthors(const Field& field, Document& doc) {
  if (field.value == nullptr) return absl::OkStatus();
  const Value& v = *field.value;
  if (v.IsString()) {
    for (std::string& name : SplitAuthors(View(v))) {
      AddAuthor(std::move(name), doc.authors);
    }
    return absl::OkStatus();
  }
  if (v.IsObject()) {
    std::string name;
    absl::Status status = ReadName(v, field.key, &name);
    if (!status.ok()) return status;
    AddAuthor(std::move(name), doc.authors);
    return absl::OkStatus();
  }
  if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      if (v[i].IsNull()) continue;
      std::string name;
      absl::Status status =
          ReadName(v[i], absl::StrCat(field.key, "[", i, "]"), &name);
      if (!status.ok()) return status;
      AddAuthor(std::move(name), doc.authors);
    }
    return absl::OkStatus();
  }
  return TypeError(field.key, "a string, an object or an array", v);
}

absl::Status ReadDate(const Field& field, Document& doc) {
  if (field.value == nullptr) return absl::OkStatus();
  const Value& v = *field.value;
  if (v.IsString()) {
    bool has_time = false;
    std::optional<absl::Time> t = ParseDate(View(v), &has_time);
    if (t.has_value()) {
      doc.published = t;
      doc.published_has_time = has_time;
    } else {
      doc.warnings.push_back(absl::StrCat("field '", field.key,
                                          "' is not a recognised date: '",
                                          Excerpt(View(v), 64), "'"));
    }
    return absl::OkStatus();
  }
  if (v.IsNumber()) {
    double seconds = v.GetDouble();
    if (std::fabs(seconds) >= kMillisecondsThreshold) seconds /= 1000;
    // 1900-01-01 .. 2100-12-31 in Unix seconds.
    if (!(seconds >= -2208988800.0 && seconds < 4133980800.0)) {
      doc.warnings.push_back(absl::StrCat(
          "field '", field.key, "' is out of range as a unix time"));
      return absl::OkStatus();
    }
    doc.published = absl::FromUnixSeconds(0) + absl::Seconds(seconds);
    doc.published_has_time = true;
    return absl::OkStatus();
  }
  return TypeError(field.key, "a string or a number", v);
}

absl::Status ReadId(const Field& field, Document& doc) {
  if (field.value == nullptr) return absl::OkStatus();
  const Value& v = *field.value;
  if (v.IsString()) {
    doc.id = CollapseWhitespace(View(v));
  } else if (v.IsInt64()) {
    doc.id = absl::StrCat(v.GetInt64());
  } else if (v.IsUint64()) {
    doc.id = absl::StrCat(v.GetUint64());
  } else {
    return TypeError(field.key, "a string or an integer", v);
  }
  return absl::OkStatus();
}

std::string ParseErrorMessage(const rapidjson::Document& json) {
  std::string message = rapidjson::GetParseError_En(json.GetParseError());
  if (!message.empty() && message.back() == '.') message.pop_back();
  if (!message.empty()) {
    message[0] = absl::ascii_tolower(static_cast<unsigned char>(message[0]));
  }
  return absl::StrCat("malformed json at byte ", json.GetErrorOffset(), ": ",
                      message);
}

}  // namespace

absl::Status ReadJson(absl::string_view text, Document& doc) {
  rapidjson::Document json;
  ParseJsonText(text, json);
  if (json.HasParseError()) {
    return absl::InvalidArgumentError(ParseErrorMessage(json));
  }
  if (!json.IsObject()) {
    return absl::InvalidArgumentError(
        absl::StrCat("json document must be an object, got ", TypeName(json)));
  }
  absl::Status status = ReadString(Find(json, kTitleKeys), &doc.title);
  if (status.ok()) status = ReadBody(Find(json, kBodyKeys), doc);
  if (status.ok()) status = ReadDate(Find(json, kDateKeys), doc);
  if (status.ok()) status = ReadAuthors(Find(json, kAuthorKeys), doc);
  if (status.ok()) status = ReadString(Find(json, kUrlKeys), &doc.url);
  if (status.ok()) {
    const Field outlet = Find(json, kOutletKeys);
    if (outlet.value != nullptr) {
      status = ReadName(*outlet.value, outlet.key, &doc.outlet);
    }
  }
  if (status.ok()) {
    const Field language = Find(json, kLanguageKeys);
    std::string tag;
    status = ReadString(language, &tag);
    if (status.ok() && !tag.empty()) {
      doc.language = NormalizeLanguage(tag);
      if (doc.language.empty()) {
        doc.warnings.push_back(absl::StrCat("field '", language.key,
                                            "' is not a language tag: '",
                                            Excerpt(tag, 32), "'"));
      }
    }
  }
  if (status.ok()) status = ReadId(Find(json, kIdKeys), doc);
  return status;
}

}  // namespace newsevents::ingest::document_internal
