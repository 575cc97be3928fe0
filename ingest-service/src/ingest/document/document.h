// Document reading: raw article bytes (reference plain-text layout, HTML or
// JSON) or structured fields -> one normalised Document.
//
// Pure: depends on Abseil, gumbo and RapidJSON only. Thread-safe: the
// functions keep no state.
#ifndef NEWSEVENTS_INGEST_DOCUMENT_DOCUMENT_H_
#define NEWSEVENTS_INGEST_DOCUMENT_DOCUMENT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace newsevents::ingest {

// A section heading and the byte offset into Document::body where the
// section's first paragraph starts.
struct Section {
  std::string heading;
  std::size_t offset = 0;
};

// An article after reading. All text is valid UTF-8.
struct Document {
  std::string id;     // client-given id; empty if none
  std::string title;
  // The running text: paragraphs separated by "\n\n", headings excluded
  // (they are in `sections`). Event and quote offsets index this string.
  std::string body;
  // Publication time (UTC). Absent when the document gives none.
  std::optional<absl::Time> published;
  // True when `published` came with a time of day, false for a bare date.
  bool published_has_time = false;
  std::vector<std::string> authors;
  std::string outlet;
  std::string url;
  std::string language;  // "en" when unknown
  std::vector<Section> sections;
  // Non-fatal problems, lower case, e.g. "invalid utf-8 repaired at byte 17".
  std::vector<std::string> warnings;
};

struct ReadOptions {
  // Largest accepted input (raw bytes, or body bytes for structured input).
  std::size_t max_bytes = 1 << 20;
};

// Reads raw bytes of the given content type: "text/plain" (the reference
// layout: title line, date line, "Author:" line, short heading lines between
// paragraphs), "text/html" or "application/json" (common news fields:
// title, text/body/maintext/content, date_publish/published/date,
// authors/author, url, source_domain/outlet, language). Parameters after ';'
// in the content type (charset) are ignored.
//
// Errors (INVALID_ARGUMENT, message names the field):
//   unknown content type, input over options.max_bytes (message names the
//   limit), JSON that is not an object, a document with no text after
//   reading ("article is empty after reading").
// Invalid UTF-8 is replaced by U+FFFD and reported in `warnings`.
absl::StatusOr<Document> ReadDocument(absl::string_view raw,
                                      absl::string_view content_type,
                                      const ReadOptions& options = {});

// Builds a Document from structured fields already split by the client:
// repairs UTF-8, normalises line breaks and white space in the body, finds
// nothing else. Same errors as ReadDocument for size and emptiness.
absl::StatusOr<Document> FromFields(std::string title, std::string body,
                                    const ReadOptions& options = {});

// Parses a publication date or date-time as found in news metadata:
// "2024-12-27", "2024-12-27T10:00:00Z", "2024-12-27 10:00:00",
// "December 27, 2024", "27 December 2024", "Dec. 27, 2024",
// "Fri, 27 Dec 2024 10:00:00 GMT", "12/27/2024". Returns nullopt for
// anything else. `has_time` (optional) receives whether a time was given.
std::optional<absl::Time> ParseDate(absl::string_view text,
                                    bool* has_time = nullptr);

// Replaces invalid UTF-8 sequences by U+FFFD. Returns the byte offset of the
// first repair, or nullopt when the input was valid.
std::optional<std::size_t> RepairUtf8(std::string& text);

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_DOCUMENT_DOCUMENT_H_
