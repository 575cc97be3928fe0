#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "ingest/document/document.h"

namespace newsevents::ingest {
namespace {

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

constexpr char kJson[] = "application/json";

TEST(JsonReaderTest, ReadsAllCommonFields) {
  absl::StatusOr<Document> doc = ReadDocument(
      R"({"id": "a-17", "title": " Floods  Hit Valencia ",
          "maintext": "Heavy rain flooded the city.\nHundreds were rescued.",
          "date_publish": "2024-10-30 08:15:00",
          "authors": ["Ana Ruiz", "Tom Lee", "Ana Ruiz"],
          "url": "https://example.com/floods",
          "source_domain": "example.com", "language": "es-ES",
          "extra": {"ignored": [1, 2, 3]}})",
      kJson);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->id, "a-17");
  EXPECT_EQ(doc->title, "Floods Hit Valencia");
  EXPECT_EQ(doc->body, "Heavy rain flooded the city.\n\nHundreds were rescued.");
  ASSERT_TRUE(doc->published.has_value());
  EXPECT_EQ(Utc(*doc->published), "2024-10-30T08:15:00Z");
  EXPECT_TRUE(doc->published_has_time);
  EXPECT_EQ(doc->authors, (std::vector<std::string>{"Ana Ruiz", "Tom Lee"}));
  EXPECT_EQ(doc->url, "https://example.com/floods");
  EXPECT_EQ(doc->outlet, "example.com");
  EXPECT_EQ(doc->language, "es");
  EXPECT_TRUE(doc->sections.empty());
  EXPECT_TRUE(doc->warnings.empty());
}

struct FieldCase {
  const char* name;
  const char* json;
  const char* title;
  const char* body;
  const char* published;  // UTC or ""
  std::vector<std::string> authors;
  const char* outlet;
  const char* language;
  const char* id;
};

class JsonFieldTest : public testing::TestWithParam<FieldCase> {};

TEST_P(JsonFieldTest, Reads) {
  const FieldCase& c = GetParam();
  absl::StatusOr<Document> doc = ReadDocument(c.json, kJson);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->title, c.title);
  EXPECT_EQ(doc->body, c.body);
  EXPECT_EQ(doc->published.has_value() ? Utc(*doc->published) : "",
            c.published);
  EXPECT_EQ(doc->authors, c.authors);
  EXPECT_EQ(doc->outlet, c.outlet);
  EXPECT_EQ(doc->language, c.language);
  EXPECT_EQ(doc->id, c.id);
}

INSTANTIATE_TEST_SUITE_P(
    Variants, JsonFieldTest,
    testing::Values(
        FieldCase{"HeadlineAndBody",
                  R"({"headline": "H", "body": "B."})", "H", "B.", "", {}, "",
                  "en", ""},
        FieldCase{"TitleWinsOverHeadline",
                  R"({"headline": "H", "title": "T", "text": "B."})", "T", "B.",
                  "", {}, "", "en", ""},
        FieldCase{"TextIsPreferredBody",
                  R"({"content": "C.", "text": "T."})", "", "T.", "", {}, "",
                  "en", ""},
        FieldCase{"NullFieldFallsThrough",
                  R"({"text": null, "content": "C.", "title": null})", "", "C.",
                  "", {}, "", "en", ""},
        FieldCase{"ParagraphArray",
                  R"({"article_body": ["One.", " Two ", null, "", "Three."]})",
                  "", "One.\n\nTwo\n\nThree.", "", {}, "", "en", ""},
        FieldCase{"ArticleBodyCamelCase", R"({"articleBody": "A."})", "", "A.",
                  "", {}, "", "en", ""},
        FieldCase{"PublishedAt",
                  R"({"text": "x", "published_at": "2024-12-27T10:00:00+02:00"})",
                  "", "x", "2024-12-27T08:00:00Z", {}, "", "en", ""},
        FieldCase{"DatePublished",
                  R"({"text": "x", "datePublished": "Dec 27, 2024"})", "", "x",
                  "2024-12-27T00:00:00Z", {}, "", "en", ""},
        FieldCase{"PubDateRfc822",
                  R"({"text": "x", "pubDate": "Fri, 27 Dec 2024 10:00:00 GMT"})",
                  "", "x", "2024-12-27T10:00:00Z", {}, "", "en", ""},
        FieldCase{"UnixSeconds",
                  R"({"text": "x", "date": 1735293600})", "", "x",
                  "2024-12-27T10:00:00Z", {}, "", "en", ""},
        FieldCase{"UnixMilliseconds",
                  R"({"text": "x", "published": 1735293600500})", "", "x",
                  "2024-12-27T10:00:00.5Z", {}, "", "en", ""},
        FieldCase{"AuthorString",
                  R"({"text": "x", "author": "By Jane Doe and John Roe"})", "",
                  "x", "", {"Jane Doe", "John Roe"}, "", "en", ""},
        FieldCase{"AuthorObjects",
                  R"({"text": "x", "authors": [{"name": "A B"}, "C D"]})", "",
                  "x", "", {"A B", "C D"}, "", "en", ""},
        FieldCase{"AuthorObject",
                  R"({"text": "x", "author": {"@type": "Person", "name": "E F"}})",
                  "", "x", "", {"E F"}, "", "en", ""},
        FieldCase{"Byline", R"({"text": "x", "byline": "By G H"})", "", "x", "",
                  {"G H"}, "", "en", ""},
        FieldCase{"PublisherObject",
                  R"({"text": "x", "publisher": {"name": "The Daily"}})", "",
                  "x", "", {}, "The Daily", "en", ""},
        FieldCase{"SourceString", R"({"text": "x", "source": "Reuters"})", "",
                  "x", "", {}, "Reuters", "en", ""},
        FieldCase{"Outlet", R"({"text": "x", "outlet": "AP"})", "", "x", "", {},
                  "AP", "en", ""},
        FieldCase{"Lang", R"({"text": "x", "lang": "EN_us"})", "", "x", "", {},
                  "", "en", ""},
        FieldCase{"NumericId", R"({"text": "x", "id": 12345})", "", "x", "", {},
                  "", "en", "12345"},
        FieldCase{"EscapedText",
                  R"({"text": "caf\u00e9 \u201cquoted\u201d\u00a0text\u0000!"})",
                  "", "caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D text!", "",
                  {}, "", "en", ""},
        FieldCase{"CrLfBody", R"({"text": "One.\r\nTwo.\rThree."})", "",
                  "One.\n\nTwo.\n\nThree.", "", {}, "", "en", ""},
        FieldCase{"LoneSurrogateEscapeIsRepaired",
                  R"({"text": "a\udc00b"})", "",
                  // One U+FFFD per byte of the encoded surrogate.
                  "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b", "", {},
                  "", "en", ""}),
    [](const testing::TestParamInfo<FieldCase>& info) {
      return std::string(info.param.name);
    });

struct ErrorCase {
  const char* name;
  const char* json;
  const char* message;
};

class JsonErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(JsonErrorTest, IsInvalidArgument) {
  absl::StatusOr<Document> doc = ReadDocument(GetParam().json, kJson);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(doc.status().message()), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, JsonErrorTest,
    testing::Values(
        ErrorCase{"TitleNumber", R"({"title": 5, "text": "x"})",
                  "field 'title' must be a string, got number"},
        ErrorCase{"HeadlineArray", R"({"headline": [], "text": "x"})",
                  "field 'headline' must be a string, got array"},
        ErrorCase{"BodyNumber", R"({"text": 5})",
                  "field 'text' must be a string or an array of strings, got "
                  "number"},
        ErrorCase{"BodyObject", R"({"body": {}})",
                  "field 'body' must be a string or an array of strings, got "
                  "object"},
        ErrorCase{"BodyArrayItem", R"({"maintext": ["a", true]})",
                  "field 'maintext[1]' must be a string, got boolean"},
        ErrorCase{"DateBoolean", R"({"text": "x", "date": false})",
                  "field 'date' must be a string or a number, got boolean"},
        ErrorCase{"AuthorsNumber", R"({"text": "x", "authors": 3})",
                  "field 'authors' must be a string, an object or an array, "
                  "got number"},
        ErrorCase{"AuthorsItem", R"({"text": "x", "authors": ["a", 3]})",
                  "field 'authors[1]' must be a string or an object with a "
                  "string name, got number"},
        ErrorCase{"UrlNumber", R"({"text": "x", "url": 1})",
                  "field 'url' must be a string, got number"},
        ErrorCase{"OutletArray", R"({"text": "x", "source_domain": []})",
                  "field 'source_domain' must be a string or an object with a "
                  "string name, got array"},
        ErrorCase{"LanguageNumber", R"({"text": "x", "language": 1})",
                  "field 'language' must be a string, got number"},
        ErrorCase{"IdFloat", R"({"text": "x", "id": 1.5})",
                  "field 'id' must be a string or an integer, got number"},
        ErrorCase{"NotAnObject", R"(["text"])",
                  "json document must be an object, got array"},
        ErrorCase{"StringDocument", R"("text")",
                  "json document must be an object, got string"},
        ErrorCase{"Malformed", R"({"text": "x",})",
                  "malformed json at byte 13: missing a name for object member"},
        ErrorCase{"Truncated", R"({"text": "x)",
                  "malformed json at byte 11: missing a closing quotation mark "
                  "in string"},
        ErrorCase{"Empty", "", "malformed json at byte 0: the document is empty"},
        ErrorCase{"TrailingGarbage", R"({"text": "x"} x)",
                  "malformed json at byte 14: the document root must not be "
                  "followed by other values"},
        ErrorCase{"NoBody", R"({"title": "T"})", "article is empty after reading"},
        ErrorCase{"BlankBody", R"({"title": "T", "text": " \n\t "})",
                  "article is empty after reading"}),
    [](const testing::TestParamInfo<ErrorCase>& info) {
      return std::string(info.param.name);
    });

TEST(JsonReaderTest, UnrecognisedDateIsAWarning) {
  absl::StatusOr<Document> doc =
      ReadDocument(R"({"text": "x", "date_publish": "last Friday"})", kJson);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_FALSE(doc->published.has_value());
  EXPECT_EQ(doc->warnings,
            std::vector<std::string>{
                "field 'date_publish' is not a recognised date: 'last Friday'"});
}

TEST(JsonReaderTest, OutOfRangeUnixTimeIsAWarning) {
  absl::StatusOr<Document> doc =
      ReadDocument(R"({"text": "x", "date": -1e300})", kJson);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_FALSE(doc->published.has_value());
  EXPECT_EQ(doc->warnings, std::vector<std::string>{
                               "field 'date' is out of range as a unix time"});
}

TEST(JsonReaderTest, BadLanguageTagIsAWarning) {
  absl::StatusOr<Document> doc =
      ReadDocument(R"({"text": "x", "language": "english!"})", kJson);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->language, "en");
  EXPECT_EQ(doc->warnings,
            std::vector<std::string>{
                "field 'language' is not a language tag: 'english!'"});
}

TEST(JsonReaderTest, DeepNestingDoesNotOverflowTheStack) {
  std::string json = R"({"text": "x", "deep": )";
  json.append(200'000, '[');
  json.append(200'000, ']');
  json.append("}");
  absl::StatusOr<Document> doc = ReadDocument(json, kJson, {.max_bytes = 1 << 20});
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->body, "x");

  std::string unclosed(500'000, '[');
  doc = ReadDocument(unclosed, kJson);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(JsonReaderTest, ManyParagraphs) {
  std::string json = R"({"text": [)";
  for (int k = 0; k < 20'000; ++k) {
    if (k > 0) json += ",";
    json += absl::StrCat("\"p", k, "\"");
  }
  json += "]}";
  absl::StatusOr<Document> doc = ReadDocument(json, kJson);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->body.substr(0, 10), "p0\n\np1\n\np2");
  EXPECT_EQ(doc->body.substr(doc->body.size() - 6), "p19999");
}

}  // namespace
}  // namespace newsevents::ingest
