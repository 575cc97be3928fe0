// Text clean-up shared by the document readers. Internal to the document
// library: not part of its contract and not for use by other libraries.
//
// Every function here runs in one linear pass and expects valid UTF-8
// (RepairUtf8 first).
#ifndef NEWSEVENTS_INGEST_DOCUMENT_TEXT_H_
#define NEWSEVENTS_INGEST_DOCUMENT_TEXT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace newsevents::ingest::document_internal {

// Appends text to a string while collapsing every run of white space
// (ASCII white space, line breaks, no-break and other Unicode spaces) into
// one space, dropping white space at the start and the end, and removing
// control characters and invisible format characters (soft hyphen,
// zero-width space, byte order mark, direction marks).
//
// Usage: construct over the string, Append() any number of pieces (a space
// inside one piece and at the border of two count alike), then Finish().
class InlineText {
 public:
  // Appends to `*out`, which must outlive this object.
  explicit InlineText(std::string* out) : out_(out), start_(out->size()) {}

  void Append(absl::string_view text);
  // Requests a space before the next visible character (for element
  // boundaries that separate words).
  void Space() { pending_space_ = true; }
  // True when nothing visible has been appended since construction.
  bool empty() const { return out_->size() == start_; }
  // Bytes appended since construction.
  std::size_t size() const { return out_->size() - start_; }

 private:
  std::string* out_;
  std::size_t start_;
  bool pending_space_ = false;
};

// Returns `text` on one line, cleaned as by InlineText.
std::string CollapseWhitespace(absl::string_view text);

// A short excerpt of untrusted text for messages: at most `max_bytes` bytes
// cut at a character boundary, repaired to valid UTF-8 and collapsed as by
// InlineText, with "..." appended when cut.
std::string Excerpt(absl::string_view text, std::size_t max_bytes);

// Cleans multi-line text: CRLF, CR and U+2028/U+2029 become LF; within each
// line white space is collapsed and trimmed and control characters are
// removed, as by InlineText. Tabs count as white space. Lines that end up
// empty are kept (as empty lines), so paragraph breaks survive.
std::string NormalizeLines(absl::string_view text);

// Splits normalised text into lines (views into `text`).
std::vector<absl::string_view> SplitLines(absl::string_view text);

// Appends paragraphs built from normalised lines to `body`, separated by
// "\n\n". When a blank line separates two non-blank lines anywhere, blank
// lines separate paragraphs and the lines of one block are joined by a space
// (wrapped text); otherwise every line is a paragraph.
void AppendParagraphs(const std::vector<absl::string_view>& lines,
                      std::string& body);

// True when the lines use blank lines as paragraph separators (see above).
bool UsesBlankLineParagraphs(const std::vector<absl::string_view>& lines);

// Lower-cases ASCII letters.
std::string AsciiLower(absl::string_view text);

// Splits a byline into names: "A, B and C", "A & B", "A; B"; drops a
// leading "By" and empty names. Names are collapsed as by InlineText.
std::vector<std::string> SplitAuthors(absl::string_view text);

// Adds `name` to `authors` unless empty or already present (ASCII case
// ignored).
void AddAuthor(std::string name, std::vector<std::string>& authors);

// Normalises a language tag to its primary subtag in lower case ("en-GB" ->
// "en"). Returns an empty string when the tag is not 2 or 3 ASCII letters
// before an optional "-" or "_" suffix.
std::string NormalizeLanguage(absl::string_view tag);

}  // namespace newsevents::ingest::document_internal

#endif  // NEWSEVENTS_INGEST_DOCUMENT_TEXT_H_
