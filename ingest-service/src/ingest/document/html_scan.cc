// CheckHtmlNesting: a linear pre-scan of the tag structure. gumbo 0.10.1 has
// no depth limit, and its scope checks walk the whole stack of open elements
// for every tag, so deep nesting costs quadratic time (100,000 nested <div>
// take about a minute). The scan follows the parts of the HTML5 tree
// construction that keep real pages shallow: void elements, implied end tags
// (p, li, dd/dt, td/th, tr, option, table sections, headings) and end tags
// that close several open elements; it errs towards counting too deep only
// for pages that misnest heavily.
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ingest/document/readers.h"

namespace newsevents::ingest::document_internal {
namespace {

// How far down the stack an implied or explicit end tag looks for its
// element. Bounded so that the scan stays linear.
constexpr std::size_t kSameNameWindow = 8;
constexpr std::size_t kEndTagWindow = 64;
// Longest tag name looked up in the tables below.
constexpr std::size_t kMaxKnownName = 10;

bool IsTagNameEnd(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' ||
         c == '/' || c == '>';
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

bool OneOf(absl::string_view name,
           std::initializer_list<absl::string_view> names) {
  for (absl::string_view candidate : names) {
    if (name == candidate) return true;
  }
  return false;
}

bool IsVoid(absl::string_view name) {
  return OneOf(name, {"area", "base", "br", "col", "embed", "hr", "img",
                      "image", "input", "keygen", "link", "meta", "param",
                      "source", "track", "wbr", "basefont", "bgsound",
                      "frame"});
}

bool IsRawText(absl::string_view name) {
  return OneOf(name, {"script", "style", "textarea", "title", "xmp", "iframe",
                      "noembed", "noframes"});
}

bool ClosesParagraph(absl::string_view name) {
  return OneOf(name, {"address", "article", "aside", "blockquote", "center",
                      "details", "dialog", "dir", "div", "dl", "fieldset",
                      "figcaption", "figure", "footer", "form", "h1", "h2",
                      "h3", "h4", "h5", "h6", "header", "hgroup", "main",
                      "menu", "nav", "ol", "p", "pre", "section", "summary",
                      "table", "ul", "li", "dd", "dt", "listing"});
}

bool IsHeading(absl::string_view name) {
  return name.size() == 2 && name[0] == 'h' && name[1] >= '1' &&
         name[1] <= '6';
}

// Elements that an open element of the same group closes implicitly.
int SameGroup(absl::string_view name) {
  if (name == "p") return 1;
  if (name == "li") return 2;
  if (name == "dd" || name == "dt") return 3;
  if (name == "td" || name == "th") return 4;
  if (name == "tr") return 5;
  if (name == "tbody" || name == "thead" || name == "tfoot") return 6;
  if (name == "option") return 7;
  if (name == "optgroup") return 8;
  if (name == "rb" || name == "rt" || name == "rp" || name == "rtc") return 9;
  if (name == "caption" || name == "colgroup") return 10;
  if (name == "a") return 11;
  if (name == "button") return 12;
  if (name == "nobr") return 13;
  if (name == "form") return 14;
  return 0;
}

// Open elements that stop the search for an element of `group` to close:
// a list item in an inner list does not close one of an outer list.
bool IsScopeBoundary(int group, absl::string_view name) {
  if (name == "table" || name == "template") return true;
  switch (group) {
    case 1:  // p
      return OneOf(name, {"button", "td", "th", "caption", "object", "applet",
                          "marquee"});
    case 2:  // li
      return OneOf(name, {"ul", "ol", "td", "th"});
    case 3:  // dd, dt
      return OneOf(name, {"dl", "td", "th"});
    case 7:  // option
    case 8:  // optgroup
      return name == "select";
    case 9:  // ruby annotations
      return name == "ruby";
    case 11:  // a
      return OneOf(name, {"td", "th", "caption"});
    default:
      return false;
  }
}

struct Open {
  std::string name;  // lower case, at most kMaxKnownName + 1 characters
  bool foreign = false;
};

class Scanner {
 public:
  Scanner(absl::string_view html, int max_depth)
      : html_(html), max_depth_(static_cast<std::size_t>(max_depth)) {}

  absl::Status Run() {
    const std::size_t n = html_.size();
    std::size_t i = 0;
    while (i < n) {
      const std::size_t lt = html_.find('<', i);
      if (lt == absl::string_view::npos || lt + 1 >= n) break;
      i = lt + 1;
      char c = html_[i];
      if (c == '!') {
        if (html_.substr(i, 3) == "!--") {
          const std::size_t end = html_.find("-->", i + 3);
          if (end == absl::string_view::npos) break;
          i = end + 3;
        } else {
          const std::size_t gt = html_.find('>', i);
          if (gt == absl::string_view::npos) break;
          i = gt + 1;
        }
        continue;
      }
      if (c == '?') {
        const std::size_t gt = html_.find('>', i);
        if (gt == absl::string_view::npos) break;
        i = gt + 1;
        continue;
      }
      const bool end_tag = c == '/';
      if (end_tag) {
        if (++i >= n) break;
        c = html_[i];
      }
      if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) {
        if (end_tag) {  // "</3" is a bogus comment up to '>'
          const std::size_t gt = html_.find('>', i);
          if (gt == absl::string_view::npos) break;
          i = gt + 1;
        }
        continue;  // "<" before a non-letter is text
      }
      const std::size_t name_start = i;
      while (i < n && !IsTagNameEnd(html_[i])) ++i;
      std::string name = LowerName(html_.substr(name_start, i - name_start));
      bool self_closing = false;
      if (!SkipAttributes(&i, &self_closing)) break;  // unterminated tag
      if (end_tag) {
        EndTag(name);
        continue;
      }
      if (!StartTag(std::move(name), self_closing, &i)) {
        return absl::InvalidArgumentError(
            absl::StrCat("html nesting deeper than ", max_depth_));
      }
      if (i >= n) break;
    }
    return absl::OkStatus();
  }

 private:
  static std::string LowerName(absl::string_view name) {
    // Long names match no table entry; keep them distinct but short.
    std::string lower(name.substr(0, kMaxKnownName + 1));
    absl::AsciiStrToLower(&lower);
    return lower;
  }

  // Moves `*i` past the '>' that ends the tag; false at end of input.
  bool SkipAttributes(std::size_t* i, bool* self_closing) {
    const std::size_t n = html_.size();
    std::size_t k = *i;
    while (k < n) {
      const char c = html_[k];
      if (c == '>') {
        *i = k + 1;
        return true;
      }
      if (c == '=') {
        ++k;
        while (k < n && IsSpace(html_[k])) ++k;
        if (k < n && (html_[k] == '"' || html_[k] == '\'')) {
          const std::size_t close = html_.find(html_[k], k + 1);
          if (close == absl::string_view::npos) return false;
          k = close + 1;
        }
        *self_closing = false;
        continue;
      }
      if (c == '/') {
        *self_closing = true;
      } else if (!IsSpace(c)) {
        *self_closing = false;
      }
      ++k;
    }
    return false;
  }

  bool InForeign() const { return !stack_.empty() && stack_.back().foreign; }

  void PopTo(std::size_t index) { stack_.resize(index); }

  // Pops the nearest open element of `group` within `window` entries.
  void CloseGroup(int group, std::size_t window) {
    const std::size_t limit = stack_.size() > window ? stack_.size() - window : 0;
    for (std::size_t k = stack_.size(); k-- > limit;) {
      if (SameGroup(stack_[k].name) == group) {
        PopTo(k);
        return;
      }
      if (IsScopeBoundary(group, stack_[k].name)) return;
    }
  }

  bool StartTag(std::string name, bool self_closing, std::size_t* i) {
    const bool foreign = InForeign();
    if (!foreign && IsVoid(name)) return true;
    if (foreign && self_closing) return true;
    if (name == "plaintext") {
      *i = html_.size();  // the rest is text
      return Push(std::move(name), foreign);
    }
    if (!foreign) {
      if (ClosesParagraph(name) && !stack_.empty() &&
          stack_.back().name == "p") {
        stack_.pop_back();
      }
      if (IsHeading(name) && !stack_.empty() && IsHeading(stack_.back().name)) {
        stack_.pop_back();
      }
      if (const int group = SameGroup(name); group != 0) {
        CloseGroup(group, kSameNameWindow);
      }
      if (name == "tr") {
        // <tr> directly in <table> gets an implied <tbody>.
        if (!stack_.empty() && stack_.back().name == "table" &&
            !Push("tbody", false)) {
          return false;
        }
      }
    }
    const bool opens_foreign = name == "svg" || name == "math";
    if (opens_foreign && self_closing) return true;
    const bool raw = !foreign && IsRawText(name);
    if (raw) {
      // The element's content is text up to its end tag.
      SkipRawText(name, i);
      return stack_.size() < max_depth_;
    }
    return Push(std::move(name), foreign || opens_foreign);
  }

  void SkipRawText(absl::string_view name, std::size_t* i) {
    std::size_t k = *i;
    while (true) {
      const std::size_t close = html_.find("</", k);
      if (close == absl::string_view::npos) {
        *i = html_.size();
        return;
      }
      const std::size_t after = close + 2 + name.size();
      if (after <= html_.size() &&
          absl::EqualsIgnoreCase(html_.substr(close + 2, name.size()), name) &&
          (after == html_.size() || IsTagNameEnd(html_[after]))) {
        *i = close;  // the end tag itself is scanned normally
        return;
      }
      k = close + 2;
    }
  }

  bool Push(std::string name, bool foreign) {
    stack_.push_back({std::move(name), foreign});
    // html and body are always open as well.
    return stack_.size() + 2 <= max_depth_;
  }

  void EndTag(absl::string_view name) {
    const std::size_t limit =
        stack_.size() > kEndTagWindow ? stack_.size() - kEndTagWindow : 0;
    for (std::size_t k = stack_.size(); k-- > limit;) {
      if (stack_[k].name == name) {
        PopTo(k);
        return;
      }
    }
  }

  absl::string_view html_;
  std::size_t max_depth_;
  std::vector<Open> stack_;
};

}  // namespace

absl::Status CheckHtmlNesting(absl::string_view html, int max_depth) {
  return Scanner(html, max_depth).Run();
}

}  // namespace newsevents::ingest::document_internal
