#include "ingest/document/document.h"

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ingest/document/readers.h"
#include "ingest/document/text.h"

namespace newsevents::ingest {
namespace {

using document_internal::AsciiLower;

enum class Format { kPlain, kHtml, kJson, kUnknown };

Format FormatOf(absl::string_view content_type) {
  const std::size_t semicolon = content_type.find(';');
  const std::string type =
      AsciiLower(absl::StripAsciiWhitespace(content_type.substr(0, semicolon)));
  if (type == "text/plain" || type == "text/markdown" || type == "text/x-markdown") {
    return Format::kPlain;
  }
  if (type == "text/html" || type == "application/xhtml+xml") {
    return Format::kHtml;
  }
  if (type == "application/json") return Format::kJson;
  return Format::kUnknown;
}

absl::Status SizeError(std::size_t size, std::size_t limit) {
  return absl::InvalidArgumentError(absl::StrCat(
      "article is ", size, " bytes, over the limit of ", limit, " bytes"));
}

// Repairs a field that a reader produced from decoded data (JSON escapes can
// encode lone surrogates) so that every output string is valid UTF-8.
void EnsureUtf8(std::string& text) { RepairUtf8(text); }

absl::Status Finish(Document& doc) {
  EnsureUtf8(doc.id);
  EnsureUtf8(doc.title);
  EnsureUtf8(doc.body);
  EnsureUtf8(doc.outlet);
  EnsureUtf8(doc.url);
  for (std::string& author : doc.authors) EnsureUtf8(author);
  for (Section& section : doc.sections) EnsureUtf8(section.heading);
  if (doc.body.empty()) {
    return absl::InvalidArgumentError("article is empty after reading");
  }
  if (doc.language.empty()) doc.language = "en";
  return absl::OkStatus();
}

std::string RepairWarning(std::size_t offset, absl::string_view where) {
  return absl::StrCat("invalid utf-8 ", where, "repaired at byte ", offset);
}

}  // namespace

absl::StatusOr<Document> ReadDocument(absl::string_view raw,
                                      absl::string_view content_type,
                                      const ReadOptions& options) {
  if (raw.size() > options.max_bytes) {
    return SizeError(raw.size(), options.max_bytes);
  }
  const Format format = FormatOf(content_type);
  if (format == Format::kUnknown) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown content_type '", document_internal::Excerpt(content_type, 100),
        "'; expected text/plain, text/html or application/json"));
  }
  Document doc;
  std::string text(raw.data(), raw.size());
  if (std::optional<std::size_t> at = RepairUtf8(text)) {
    doc.warnings.push_back(RepairWarning(*at, ""));
  }
  absl::Status status;
  switch (format) {
    case Format::kPlain:
      status = document_internal::ReadPlainText(text, doc);
      break;
    case Format::kHtml:
      status = document_internal::ReadHtml(text, doc);
      break;
    case Format::kJson:
      status = document_internal::ReadJson(text, doc);
      break;
    case Format::kUnknown:
      break;
  }
  if (!status.ok()) return status;
  status = Finish(doc);
  if (!status.ok()) return status;
  return doc;
}

absl::StatusOr<Document> FromFields(std::string title, std::string body,
                                    const ReadOptions& options) {
  if (title.size() + body.size() > options.max_bytes) {
    return SizeError(title.size() + body.size(), options.max_bytes);
  }
  Document doc;
  if (std::optional<std::size_t> at = RepairUtf8(title)) {
    doc.warnings.push_back(RepairWarning(*at, "in title "));
  }
  if (std::optional<std::size_t> at = RepairUtf8(body)) {
    doc.warnings.push_back(RepairWarning(*at, ""));
  }
  doc.title = document_internal::CollapseWhitespace(title);
  const std::string normalized = document_internal::NormalizeLines(body);
  document_internal::AppendParagraphs(
      document_internal::SplitLines(normalized), doc.body);
  absl::Status status = Finish(doc);
  if (!status.ok()) return status;
  return doc;
}

}  // namespace newsevents::ingest
