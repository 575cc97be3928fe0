// The per-format readers behind ReadDocument. Internal to the document
// library: not part of its contract and not for use by other libraries.
//
// Each reader receives valid UTF-8 whose size was already checked, fills the
// fields it finds and appends to doc.warnings; ReadDocument then applies the
// common checks (empty body, default language).
#ifndef NEWSEVENTS_INGEST_DOCUMENT_READERS_H_
#define NEWSEVENTS_INGEST_DOCUMENT_READERS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ingest/document/document.h"

namespace newsevents::ingest::document_internal {

// Deepest element nesting accepted in HTML, as estimated before parsing.
inline constexpr int kMaxHtmlDepth = 512;

absl::Status ReadPlainText(absl::string_view text, Document& doc);
absl::Status ReadHtml(absl::string_view html, Document& doc);
absl::Status ReadJson(absl::string_view json, Document& doc);

// Estimates the element nesting that an HTML5 parser builds for `html`
// (void elements, implied and ignored end tags, the adoption agency,
// raw-text elements and comments are taken into account) and fails with
// INVALID_ARGUMENT "html nesting deeper than N" when it exceeds `max_depth`.
// Also rejects a tag with more than 512 attributes and more than 5000
// elements misplaced inside tables, on which gumbo takes quadratic time.
// Linear time.
absl::Status CheckHtmlNesting(absl::string_view html, int max_depth);

// Whether a whole line is a heading in the reference plain-text layout: at
// most 8 words, title case, no final period, question mark or exclamation
// mark, no quote marks.
bool IsHeadingLine(absl::string_view line);

}  // namespace newsevents::ingest::document_internal

#endif  // NEWSEVENTS_INGEST_DOCUMENT_READERS_H_
