#include "ingest/document/text.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "ingest/document/document.h"

namespace newsevents::ingest::document_internal {
namespace {

enum class CharKind { kVisible, kSpace, kLineBreak, kDrop };

bool IsVisibleAscii(unsigned char c) { return c > 0x20 && c < 0x7f; }

// Classifies the character starting at `p` (valid UTF-8 expected; stray
// bytes are passed through as visible) and stores its length in `*len`.
CharKind Classify(const unsigned char* p, const unsigned char* end,
                  std::size_t* len) {
  const unsigned char c = p[0];
  if (c < 0x80) {
    *len = 1;
    if (IsVisibleAscii(c)) return CharKind::kVisible;
    switch (c) {
      case ' ':
      case '\t':
      case '\v':
      case '\f':
        return CharKind::kSpace;
      case '\n':
      case '\r':
        return CharKind::kLineBreak;
      default:
        return CharKind::kDrop;  // other C0 controls and DEL
    }
  }
  std::size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  if (n > static_cast<std::size_t>(end - p)) n = 1;
  *len = n;
  if (n == 2 && c == 0xc2) {
    const unsigned char d = p[1];
    if (d < 0xa0) return CharKind::kDrop;         // C1 controls
    if (d == 0xa0) return CharKind::kSpace;       // no-break space
    if (d == 0xad) return CharKind::kDrop;        // soft hyphen
    return CharKind::kVisible;
  }
  if (n == 3) {
    const unsigned char d = p[1];
    const unsigned char e = p[2];
    if (c == 0xe2 && d == 0x80) {
      if (e <= 0x8a) return CharKind::kSpace;     // U+2000..U+200A
      if (e == 0x8b || e == 0x8e || e == 0x8f) return CharKind::kDrop;
      if (e == 0xa8 || e == 0xa9) return CharKind::kLineBreak;
      if (e >= 0xaa && e <= 0xae) return CharKind::kDrop;  // bidi controls
      if (e == 0xaf) return CharKind::kSpace;     // narrow no-break space
      return CharKind::kVisible;
    }
    if (c == 0xe2 && d == 0x81) {
      if (e == 0x9f) return CharKind::kSpace;     // medium math space
      if (e == 0xa0 || (e >= 0xa6 && e <= 0xa9)) return CharKind::kDrop;
      return CharKind::kVisible;
    }
    if (c == 0xe1 && d == 0x9a && e == 0x80) return CharKind::kSpace;
    if (c == 0xe3 && d == 0x80 && e == 0x80) return CharKind::kSpace;
    if (c == 0xef && d == 0xbb && e == 0xbf) return CharKind::kDrop;  // BOM
  }
  return CharKind::kVisible;
}

bool IsAsciiAlpha(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

void InlineText::Append(absl::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* end = p + text.size();
  while (p < end) {
    if (IsVisibleAscii(*p)) {
      const unsigned char* run = p;
      do {
        ++p;
      } while (p < end && IsVisibleAscii(*p));
      if (pending_space_) {
        if (!empty()) out_->push_back(' ');
        pending_space_ = false;
      }
      out_->append(reinterpret_cast<const char*>(run),
                   static_cast<std::size_t>(p - run));
      continue;
    }
    std::size_t len = 1;
    switch (Classify(p, end, &len)) {
      case CharKind::kVisible:
        if (pending_space_) {
          if (!empty()) out_->push_back(' ');
          pending_space_ = false;
        }
        out_->append(reinterpret_cast<const char*>(p), len);
        break;
      case CharKind::kSpace:
      case CharKind::kLineBreak:
        pending_space_ = true;
        break;
      case CharKind::kDrop:
        break;
    }
    p += len;
  }
}

std::string CollapseWhitespace(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  InlineText builder(&out);
  builder.Append(text);
  return out;
}

std::string Excerpt(absl::string_view text, std::size_t max_bytes) {
  std::size_t cut = text.size();
  if (cut > max_bytes) {
    cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) {
      --cut;
    }
  }
  std::string piece(text.substr(0, cut));
  RepairUtf8(piece);
  std::string out = CollapseWhitespace(piece);
  if (cut < text.size()) out.append("...");
  return out;
}

std::string NormalizeLines(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* end = p + text.size();
  std::size_t line_start = 0;
  bool pending_space = false;
  auto flush_space = [&] {
    if (pending_space) {
      if (out.size() > line_start) out.push_back(' ');
      pending_space = false;
    }
  };
  while (p < end) {
    if (IsVisibleAscii(*p)) {
      const unsigned char* run = p;
      do {
        ++p;
      } while (p < end && IsVisibleAscii(*p));
      flush_space();
      out.append(reinterpret_cast<const char*>(run),
                 static_cast<std::size_t>(p - run));
      continue;
    }
    std::size_t len = 1;
    switch (Classify(p, end, &len)) {
      case CharKind::kVisible:
        flush_space();
        out.append(reinterpret_cast<const char*>(p), len);
        break;
      case CharKind::kSpace:
        pending_space = true;
        break;
      case CharKind::kLineBreak:
        if (*p == '\r' && p + 1 < end && p[1] == '\n') ++len;
        out.push_back('\n');
        line_start = out.size();
        pending_space = false;
        break;
      case CharKind::kDrop:
        break;
    }
    p += len;
  }
  return out;
}

std::vector<absl::string_view> SplitLines(absl::string_view text) {
  std::vector<absl::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == absl::string_view::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

bool UsesBlankLineParagraphs(const std::vector<absl::string_view>& lines) {
  bool seen_text = false;
  bool blank_after_text = false;
  for (absl::string_view line : lines) {
    if (line.empty()) {
      if (seen_text) blank_after_text = true;
    } else {
      if (blank_after_text) return true;
      seen_text = true;
    }
  }
  return false;
}

void AppendParagraphs(const std::vector<absl::string_view>& lines,
                      std::string& body) {
  const bool blank_mode = UsesBlankLineParagraphs(lines);
  bool in_block = false;
  for (absl::string_view line : lines) {
    if (line.empty()) {
      in_block = false;
      continue;
    }
    if (blank_mode && in_block) {
      body.push_back(' ');
    } else if (!body.empty()) {
      body.append("\n\n");
    }
    body.append(line.data(), line.size());
    in_block = true;
  }
}

std::string AsciiLower(absl::string_view text) {
  std::string out(text.data(), text.size());
  absl::AsciiStrToLower(&out);
  return out;
}

std::vector<std::string> SplitAuthors(absl::string_view text) {
  const std::string clean = CollapseWhitespace(text);
  std::vector<std::string> names;
  std::string current;
  auto flush = [&] {
    while (!current.empty() &&
           (current.back() == '.' || current.back() == ':')) {
      current.pop_back();
    }
    if (!current.empty()) names.push_back(std::move(current));
    current.clear();
  };
  absl::string_view rest = clean;
  bool first = true;
  while (!rest.empty()) {
    std::size_t sp = rest.find(' ');
    absl::string_view word = rest.substr(0, sp);
    rest = sp == absl::string_view::npos ? absl::string_view()
                                         : rest.substr(sp + 1);
    const bool was_first = first;
    first = false;
    if (was_first && !rest.empty() &&
        (absl::EqualsIgnoreCase(word, "by") ||
         absl::EqualsIgnoreCase(word, "by:"))) {
      continue;
    }
    if (absl::EqualsIgnoreCase(word, "and") || word == "&" || word == "|" ||
        word == "/") {
      flush();
      continue;
    }
    bool ends_name = false;
    while (!word.empty() &&
           (word.back() == ',' || word.back() == ';' || word.back() == '|')) {
      word.remove_suffix(1);
      ends_name = true;
    }
    // Separators glued between names ("A,B") split too.
    while (!word.empty()) {
      std::size_t sep = word.find_first_of(",;|");
      absl::string_view piece = word.substr(0, sep);
      if (!piece.empty()) {
        if (!current.empty()) current.push_back(' ');
        current.append(piece.data(), piece.size());
      }
      if (sep == absl::string_view::npos) break;
      flush();
      word.remove_prefix(sep + 1);
    }
    if (ends_name) flush();
  }
  flush();
  return names;
}

void AddAuthor(std::string name, std::vector<std::string>& authors) {
  if (name.empty()) return;
  for (const std::string& existing : authors) {
    if (absl::EqualsIgnoreCase(existing, name)) return;
  }
  authors.push_back(std::move(name));
}

std::string NormalizeLanguage(absl::string_view tag) {
  tag = absl::StripAsciiWhitespace(tag);
  std::size_t end = tag.find_first_of("-_");
  absl::string_view primary = tag.substr(0, end);
  if (primary.size() < 2 || primary.size() > 3 || !IsAsciiAlpha(primary)) {
    return "";
  }
  return AsciiLower(primary);
}

}  // namespace newsevents::ingest::document_internal
