// The reference plain-text layout (also used for text/markdown):
//
//   Title line
//   2024-12-27                      (optional date line, "Published: ..." too)
//   Author: Jia                     (optional: "By X", "Authors: A, B and C")
//   Introduction                    (optional heading lines)
//   First paragraph ...
//
// Header lines are only looked for at the top. Markdown "#" headings are
// understood: "# X" as the first line is the title, "## X" a heading.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "ingest/document/document.h"
#include "ingest/document/readers.h"
#include "ingest/document/text.h"
#include "unicode/uchar.h"
#include "unicode/utf8.h"

namespace newsevents::ingest::document_internal {
namespace {

// Lines further down than this are never header lines.
constexpr int kMaxHeaderLines = 6;
constexpr std::size_t kMaxHeadingWords = 8;
constexpr std::size_t kMaxHeadingBytes = 160;
constexpr std::size_t kMaxHeadlineWords = 25;
constexpr std::size_t kMaxHeadlineBytes = 300;
constexpr std::size_t kMaxTitleWords = 40;
constexpr std::size_t kMaxBylineWords = 12;
constexpr std::size_t kMaxAuthorNameWords = 5;

// Counts space-separated words (text is collapsed), stopping after `limit`.
std::size_t CountWords(absl::string_view text, std::size_t limit) {
  if (text.empty()) return 0;
  std::size_t words = 1;
  for (char c : text) {
    if (c == ' ' && ++words > limit) break;
  }
  return words;
}

// The first code point of `text`, or -1.
int32_t FirstCodePoint(absl::string_view text) {
  if (text.empty()) return -1;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  int32_t i = 0;
  const auto length = static_cast<int32_t>(text.size() > 8 ? 8 : text.size());
  UChar32 c = 0;
  U8_NEXT(s, i, length, c);
  return c;
}

// Strips closing quote marks at the end.
absl::string_view StripClosingQuotes(absl::string_view text) {
  while (true) {
    if (absl::EndsWith(text, "\"") || absl::EndsWith(text, "'")) {
      text.remove_suffix(1);
    } else if (absl::EndsWith(text, "\xE2\x80\x9D") ||   // ”
               absl::EndsWith(text, "\xE2\x80\x99") ||   // ’
               absl::EndsWith(text, "\xC2\xBB")) {       // »
      text.remove_suffix(absl::EndsWith(text, "\xC2\xBB") ? 2 : 3);
    } else {
      return text;
    }
  }
}

bool HasQuoteMark(absl::string_view text) {
  return text.find('"') != absl::string_view::npos ||
         absl::StrContains(text, "\xE2\x80\x9C") ||  // “
         absl::StrContains(text, "\xE2\x80\x9D") ||  // ”
         absl::StrContains(text, "\xE2\x80\x9E") ||  // „
         absl::StrContains(text, "\xC2\xAB") ||      // «
         absl::StrContains(text, "\xC2\xBB");        // »
}

bool IsMinorWord(absl::string_view word) {
  static constexpr absl::string_view kMinor[] = {
      "a",    "an",   "the",  "and",  "or",   "nor",  "but",  "of",
      "in",   "on",   "at",   "to",   "for",  "with", "by",   "from",
      "as",   "into", "over", "via",  "vs",   "vs.",  "per",  "than",
      "up",   "off",  "out",  "amid", "onto", "upon", "after", "about"};
  for (absl::string_view minor : kMinor) {
    if (absl::EqualsIgnoreCase(word, minor)) return true;
  }
  return false;
}

// The text of a Markdown ATX heading line ("## X ##" -> "X") and its level
// (2), or level 0 when the line is not one (an empty heading is not one).
absl::string_view MarkdownHeading(absl::string_view line, int* level) {
  std::size_t hashes = 0;
  while (hashes < line.size() && line[hashes] == '#') ++hashes;
  *level = 0;
  if (hashes == 0 || hashes > 6 || hashes >= line.size() ||
      line[hashes] != ' ') {
    return line;
  }
  absl::string_view text = line.substr(hashes + 1);
  // Optional closing sequence: "## Heading ##".
  while (!text.empty() && text.back() == '#') text.remove_suffix(1);
  text = absl::StripTrailingAsciiWhitespace(text);
  if (text.empty()) return line;
  *level = static_cast<int>(hashes);
  return text;
}

int MarkdownLevel(absl::string_view line) {
  int level = 0;
  MarkdownHeading(line, &level);
  return level;
}

absl::string_view MarkdownText(absl::string_view line) {
  int level = 0;
  return MarkdownHeading(line, &level);
}

// A headline: a short line that does not end like a sentence.
bool IsHeadline(absl::string_view line) {
  if (line.size() > kMaxHeadlineBytes) return false;
  if (CountWords(line, kMaxHeadlineWords) > kMaxHeadlineWords) return false;
  const absl::string_view core = StripClosingQuotes(line);
  if (core.empty()) return false;
  const char last = core.back();
  if (last == '.' || last == ',' || last == ';' || last == ':') return false;
  const int32_t first = FirstCodePoint(line);
  return first >= 0 && !u_islower(first);
}

// Strips a case-insensitive `prefix` (e.g. "author:") and following spaces.
bool ConsumePrefix(absl::string_view& line, absl::string_view prefix) {
  if (line.size() < prefix.size() ||
      !absl::EqualsIgnoreCase(line.substr(0, prefix.size()), prefix)) {
    return false;
  }
  line.remove_prefix(prefix.size());
  line = absl::StripLeadingAsciiWhitespace(line);
  return true;
}

bool ParseDateLine(absl::string_view line, absl::Time* time, bool* has_time) {
  if (line.size() > 120) return false;
  static constexpr absl::string_view kPrefixes[] = {
      "published on ", "published:", "published ", "posted on ",
      "posted:",       "date:",      "dated "};
  for (absl::string_view prefix : kPrefixes) {
    if (ConsumePrefix(line, prefix)) break;
  }
  std::optional<absl::Time> parsed = ParseDate(line, has_time);
  if (!parsed.has_value()) return false;
  *time = *parsed;
  return true;
}

bool ParseAuthorLine(absl::string_view line,
                     std::vector<std::string>* authors) {
  if (line.size() > 300) return false;
  absl::string_view rest = line;
  const bool labelled = ConsumePrefix(rest, "authors:") ||
                        ConsumePrefix(rest, "author:") ||
                        ConsumePrefix(rest, "byline:") ||
                        ConsumePrefix(rest, "by:") ||
                        ConsumePrefix(rest, "written by ");
  if (!labelled) {
    // "By Jane Doe and John Roe": short, no final period.
    if (!ConsumePrefix(rest, "by ")) return false;
    if (CountWords(line, kMaxBylineWords) > kMaxBylineWords) return false;
    if (line.back() == '.' && !(line.size() > 2 && line[line.size() - 3] == ' ')) {
      return false;  // a sentence, unless it ends in an initial ("J.")
    }
  }
  std::vector<std::string> names = SplitAuthors(rest);
  if (names.empty()) return false;
  for (const std::string& name : names) {
    if (CountWords(name, kMaxAuthorNameWords) > kMaxAuthorNameWords) {
      return false;
    }
  }
  for (std::string& name : names) AddAuthor(std::move(name), *authors);
  return true;
}

// "Source: X", "URL: X", "Language: X".
bool ParseOtherMetaLine(absl::string_view line, Document* doc) {
  if (line.size() > 300) return false;
  absl::string_view rest = line;
  if (ConsumePrefix(rest, "source:") || ConsumePrefix(rest, "outlet:") ||
      ConsumePrefix(rest, "publisher:")) {
    if (rest.empty()) return false;
    if (doc != nullptr) doc->outlet = std::string(rest);
    return true;
  }
  if (ConsumePrefix(rest, "url:") || ConsumePrefix(rest, "link:")) {
    if (!absl::StartsWithIgnoreCase(rest, "http://") &&
        !absl::StartsWithIgnoreCase(rest, "https://")) {
      return false;
    }
    if (doc != nullptr) doc->url = std::string(rest);
    return true;
  }
  if (ConsumePrefix(rest, "language:")) {
    std::string language = NormalizeLanguage(rest);
    if (language.empty()) return false;
    if (doc != nullptr) doc->language = std::move(language);
    return true;
  }
  return false;
}

bool IsMetaLine(absl::string_view line) {
  absl::Time t;
  bool has_time = false;
  std::vector<std::string> authors;
  return ParseDateLine(line, &t, &has_time) ||
         ParseAuthorLine(line, &authors) || ParseOtherMetaLine(line, nullptr);
}

// A unit of the body: a run of lines that forms a paragraph, or one line
// that may be a heading.
struct Unit {
  std::size_t begin = 0;  // index into lines
  std::size_t end = 0;    // one past the last line
  bool heading_like = false;
};

}  // namespace

bool IsHeadingLine(absl::string_view line) {
  if (line.empty() || line.size() > kMaxHeadingBytes) return false;
  if (CountWords(line, kMaxHeadingWords) > kMaxHeadingWords) return false;
  const char last = line.back();
  if (last == '.' || last == '?' || last == '!' || last == ',' ||
      last == ';') {
    return false;
  }
  if (HasQuoteMark(line)) return false;
  const int32_t first = FirstCodePoint(line);
  if (first < 0 || !(u_isupper(first) || u_istitle(first) ||
                     u_isdigit(first))) {
    return false;
  }
  // Title case: at least half of the words that are not minor words and
  // start with a letter are capitalised.
  std::size_t significant = 0;
  std::size_t capitalised = 0;
  absl::string_view rest = line;
  while (!rest.empty()) {
    const std::size_t sp = rest.find(' ');
    const absl::string_view word = rest.substr(0, sp);
    rest = sp == absl::string_view::npos ? absl::string_view()
                                         : rest.substr(sp + 1);
    if (IsMinorWord(word)) continue;
    const int32_t c = FirstCodePoint(word);
    if (c < 0 || !u_isalpha(c)) continue;
    ++significant;
    if (u_isupper(c) || u_istitle(c)) ++capitalised;
  }
  return significant > 0 && capitalised * 2 >= significant;
}

absl::Status ReadPlainText(absl::string_view text, Document& doc) {
  const std::string normalized = NormalizeLines(text);
  const std::vector<absl::string_view> lines = SplitLines(normalized);
  const std::size_t n = lines.size();
  auto next_non_blank = [&](std::size_t k) {
    while (k < n && lines[k].empty()) ++k;
    return k;
  };

  // Header: title, then date / author / other metadata lines in any order.
  std::size_t body_start = next_non_blank(0);
  bool have_date = false;
  bool have_authors = false;
  int examined = 0;
  for (std::size_t k = body_start; k < n && examined < kMaxHeaderLines;
       k = next_non_blank(k + 1)) {
    const absl::string_view line = lines[k];
    ++examined;
    absl::Time t;
    bool has_time = false;
    if (!have_date && ParseDateLine(line, &t, &has_time)) {
      doc.published = t;
      doc.published_has_time = has_time;
      have_date = true;
    } else if (!have_authors && ParseAuthorLine(line, &doc.authors)) {
      have_authors = true;
    } else if (ParseOtherMetaLine(line, &doc)) {
      // recorded
    } else if (examined == 1) {
      const std::size_t next = next_non_blank(k + 1);
      if (next >= n) break;  // a single block of text has no title
      const int level = MarkdownLevel(line);
      const bool title =
          level == 1 || (level == 0 && IsHeadline(line)) ||
          (level == 0 && CountWords(line, kMaxTitleWords) <= kMaxTitleWords &&
           IsMetaLine(lines[next]));
      if (!title) break;
      doc.title = std::string(MarkdownText(line));
    } else {
      break;
    }
    body_start = k + 1;
  }

  // Body units.
  const std::vector<absl::string_view> body_lines(lines.begin() + static_cast<std::ptrdiff_t>(body_start),
                                                  lines.end());
  const bool blank_mode = UsesBlankLineParagraphs(body_lines);
  std::vector<Unit> units;
  for (std::size_t k = 0; k < body_lines.size();) {
    if (body_lines[k].empty()) {
      ++k;
      continue;
    }
    std::size_t end = k + 1;
    if (blank_mode && MarkdownLevel(body_lines[k]) == 0) {
      while (end < body_lines.size() && !body_lines[end].empty() &&
             MarkdownLevel(body_lines[end]) == 0) {
        ++end;
      }
    }
    const absl::string_view first = body_lines[k];
    const bool heading_like =
        MarkdownLevel(first) > 0 || IsHeadingLine(first);
    if (heading_like && end > k + 1) {
      // A heading line directly above its paragraph.
      units.push_back({k, k + 1, true});
      units.push_back({k + 1, end, false});
    } else {
      units.push_back({k, end, heading_like && end == k + 1});
    }
    k = end;
  }

  // A heading needs a paragraph after it; trailing heading-like lines are
  // text (sign-offs, credits).
  std::vector<bool> paragraph_after(units.size() + 1, false);
  for (std::size_t u = units.size(); u-- > 0;) {
    paragraph_after[u] = paragraph_after[u + 1] || !units[u].heading_like;
  }
  std::vector<std::string> pending;
  for (std::size_t u = 0; u < units.size(); ++u) {
    const Unit& unit = units[u];
    if (unit.heading_like && paragraph_after[u + 1]) {
      pending.emplace_back(MarkdownText(body_lines[unit.begin]));
      continue;
    }
    if (!doc.body.empty()) doc.body.append("\n\n");
    for (std::string& heading : pending) {
      doc.sections.push_back({std::move(heading), doc.body.size()});
    }
    pending.clear();
    for (std::size_t k = unit.begin; k < unit.end; ++k) {
      if (k > unit.begin) doc.body.push_back(' ');
      const absl::string_view line =
          unit.end == unit.begin + 1 ? MarkdownText(body_lines[k])
                                     : body_lines[k];
      doc.body.append(line.data(), line.size());
    }
  }
  return absl::OkStatus();
}

}  // namespace newsevents::ingest::document_internal
