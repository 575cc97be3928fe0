// Fuzzes document reading. The first input byte picks the content type; the
// rest is the article. Beyond crashes and sanitizer reports, the fuzzer
// checks the Document invariants that later stages rely on and aborts when
// one is broken.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ingest/document/document.h"

namespace {

using newsevents::ingest::Document;

void Check(bool condition) {
  if (!condition) std::abort();
}

bool IsValidUtf8(std::string text) {
  return !newsevents::ingest::RepairUtf8(text).has_value();
}

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t'; }

void CheckDocument(const Document& doc) {
  Check(!doc.body.empty());
  Check(!doc.language.empty());
  Check(IsValidUtf8(doc.title));
  Check(IsValidUtf8(doc.body));
  Check(IsValidUtf8(doc.id));
  Check(IsValidUtf8(doc.outlet));
  Check(IsValidUtf8(doc.url));
  for (const std::string& author : doc.authors) {
    Check(!author.empty() && IsValidUtf8(author));
  }
  for (const std::string& warning : doc.warnings) Check(IsValidUtf8(warning));
  Check(doc.title.find('\n') == std::string::npos);
  // Paragraphs are trimmed and separated by exactly one blank line.
  Check(!IsSpace(doc.body.front()) && !IsSpace(doc.body.back()));
  Check(doc.body.find("\n\n\n") == std::string::npos);
  Check(doc.body.find('\r') == std::string::npos);
  Check(doc.body.find('\0') == std::string::npos);
  std::size_t previous = 0;
  for (const newsevents::ingest::Section& section : doc.sections) {
    Check(!section.heading.empty() && IsValidUtf8(section.heading));
    Check(section.offset >= previous && section.offset < doc.body.size());
    Check(section.offset == 0 ||
          (section.offset >= 2 &&
           doc.body.compare(section.offset - 2, 2, "\n\n") == 0));
    previous = section.offset;
  }
}

void CheckDate(absl::string_view text) {
  bool has_time = false;
  std::optional<absl::Time> t = newsevents::ingest::ParseDate(text, &has_time);
  if (!t.has_value()) {
    Check(!has_time);
    return;
  }
  // Offsets of up to 14 hours can move a date across a year boundary.
  const absl::CivilYear year =
      absl::ToCivilYear(*t, absl::UTCTimeZone());
  Check(year.year() >= 1899 && year.year() <= 2101);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr const char* kTypes[] = {
      "text/plain", "text/html", "application/json",
      "text/markdown; charset=utf-8"};
  const char* type = kTypes[data[0] % 4];
  const absl::string_view raw(reinterpret_cast<const char*>(data + 1),
                              size - 1);

  newsevents::ingest::ReadOptions options;
  options.max_bytes = 1 << 20;
  absl::StatusOr<Document> doc =
      newsevents::ingest::ReadDocument(raw, type, options);
  if (doc.ok()) {
    CheckDocument(*doc);
  } else {
    Check(doc.status().code() == absl::StatusCode::kInvalidArgument);
    Check(IsValidUtf8(std::string(doc.status().message())));
  }

  const std::size_t newline = raw.find('\n');
  absl::StatusOr<Document> fields = newsevents::ingest::FromFields(
      std::string(raw.substr(0, newline)),
      newline == absl::string_view::npos ? std::string()
                                         : std::string(raw.substr(newline + 1)),
      options);
  if (fields.ok()) {
    CheckDocument(*fields);
    Check(fields->sections.empty());
  } else {
    Check(fields.status().code() == absl::StatusCode::kInvalidArgument);
  }

  CheckDate(raw);
  CheckDate(raw.substr(0, newline));
  return 0;
}
