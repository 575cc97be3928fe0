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
  // Primary language subtag in lower case ("en-GB" -> "en"); "en" when
  // unknown.
  std::string language;
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
// in the content type (charset) are ignored and case does not matter;
// "text/markdown" reads as plain text, "application/xhtml+xml" as HTML.
//
// Plain text: the first line is the title when a date or author line
// follows it or when it is a short headline (no final period); date and
// author lines ("Author: X", "By X", "Authors: A, B and C", "Published: D")
// are only looked for at the top. A line of at most 8 title-case words with
// no final period, question mark or quote marks is a section heading when a
// paragraph follows it. Paragraphs are lines; when blank lines separate
// paragraphs anywhere, lines of one block are joined instead (wrapped text).
// HTML: the paragraph text of the article element (see html_reader.cc),
// h2/h3 as section headings, page furniture dropped.
//
// In all formats: CRLF and CR become LF, control and invisible format
// characters are removed, white space inside a paragraph is collapsed to
// one space (tabs and no-break spaces included), and paragraphs are
// trimmed. Every stage is linear in the input.
//
// Errors (INVALID_ARGUMENT, message names the field):
//   input over options.max_bytes (checked first; message names the limit),
//   unknown content type, malformed JSON (message gives the byte offset),
//   JSON that is not an object, a JSON field of the wrong type ("field
//   'title' must be a string, got number"), HTML nested deeper than 512
//   elements or too complex to parse within a memory budget proportional to
//   its size, a document with no text after reading ("article is empty
//   after reading").
// Invalid UTF-8 is replaced by U+FFFD and reported in `warnings`, as are
// dates that do not parse and malformed JSON-LD blocks.
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
// "Fri, 27 Dec 2024 10:00:00 GMT", "12/27/2024". Also: ISO 8601 with
// fractions and offsets ("2024-12-27T10:00:00.123+02:00"), "27.12.2024",
// "27/12/2024" (day first only when the first number exceeds 12),
// "Friday, December 27, 2024", and a trailing time of day with am/pm and a
// zone ("December 27, 2024 at 3:05 p.m. EST"). A time without a zone is
// taken as UTC. Returns nullopt for anything else, for impossible dates
// (2024-02-30) and for years outside 1900..2100. `has_time` (optional)
// receives whether a time was given.
std::optional<absl::Time> ParseDate(absl::string_view text,
                                    bool* has_time = nullptr);

// Replaces invalid UTF-8 sequences by U+FFFD. Returns the byte offset of the
// first repair, or nullopt when the input was valid.
std::optional<std::size_t> RepairUtf8(std::string& text);

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_DOCUMENT_DOCUMENT_H_
