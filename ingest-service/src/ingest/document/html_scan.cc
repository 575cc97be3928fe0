// CheckHtmlNesting: a linear pre-scan of the tag structure that rejects
// inputs on which gumbo 0.10.1 (no depth limit, no other bounds) would spend
// quadratic time:
//   - deep nesting: gumbo's scope checks walk the whole stack of open
//     elements for every tag (100,000 nested <div> take about a minute);
//   - many attributes on one tag: each is checked against all earlier ones;
//   - many elements misplaced in a table: each is inserted before the table
//     after a linear search of the table's siblings.
// The scan models the parts of HTML5 tree construction that decide how deep
// the tree gets: void elements, implied end tags (p, li, dd/dt, td/th, tr,
// option, table sections, headings), end tags that close several elements,
// end tags that are ignored, and the adoption agency (a misnested </b> or a
// second <a> leaves the block elements opened inside open). It does not
// track the active formatting list itself (Noah's ark, list markers), so on
// soups of misnested formatting elements its estimate can be low; in random
// and shrunk searches gumbo's depth stayed within about three times the
// estimate, which keeps gumbo near a second per megabyte in the worst case
// found. On ordinary pages, including thousands of real ones checked, it
// rejects nothing.
#include <cstddef>
#include <initializer_list>
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
constexpr int kMaxAttributes = 512;
constexpr int kMaxFosterParented = 5000;

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

bool IsFormatting(absl::string_view name) {
  return OneOf(name, {"a", "b", "big", "code", "em", "font", "i", "nobr", "s",
                      "small", "strike", "strong", "tt", "u"});
}

// The HTML5 "special" category (elements with their own parsing rules).
bool IsSpecial(absl::string_view name) {
  return OneOf(
      name,
      {"address", "applet",   "article",  "aside",    "blockquote", "body",
       "button",  "caption",  "center",   "colgroup", "dd",         "details",
       "dir",     "div",      "dl",       "dt",       "fieldset",   "figcaption",
       "figure",  "footer",   "form",     "frameset", "h1",         "h2",
       "h3",      "h4",       "h5",       "h6",       "head",       "header",
       "hgroup",  "html",     "li",       "listing",  "main",       "marquee",
       "menu",    "nav",      "noscript", "object",   "ol",         "p",
       "pre",     "section",  "select",   "summary",  "table",      "tbody",
       "td",      "template", "tfoot",    "th",       "thead",      "tr",
       "ul",      "svg",      "math"});
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

// Elements whose start tag implicitly closes an open element of the same
// group.
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
  if (name == "button") return 12;
  return 0;
}

// Open elements that stop the search for an element of `group` to close:
// a list item in an inner list does not close one of an outer list.
bool IsGroupBoundary(int group, absl::string_view name) {
  if (name == "table" || name == "template") return true;
  switch (group) {
    case 1:  // p
      return OneOf(name, {"button", "td", "th", "caption", "object", "applet",
                          "marquee"});
    case 2:  // li
    case 3:  // dd, dt
      // Any special element but address, div and p stops the search.
      return IsSpecial(name) && name != "address" && name != "div" &&
             name != "p";
    case 7:  // option
    case 8:  // optgroup
      return true;  // only the current node is closed
    case 9:  // ruby annotations
      return name == "ruby";
    default:
      return false;
  }
}

// Scope boundaries for end tags of special elements ("has an element in
// scope").
bool IsScopeBoundary(absl::string_view name) {
  return OneOf(name, {"applet", "caption", "html", "table", "td", "th",
                      "marquee", "object", "template"});
}

// Where a start tag other than these is moved in front of the table.
bool IsTableContext(absl::string_view name) {
  return OneOf(name, {"table", "tbody", "thead", "tfoot", "tr"});
}

bool BelongsInTable(absl::string_view name) {
  return OneOf(name, {"caption", "colgroup", "col", "tbody", "thead", "tfoot",
                      "tr", "td", "th", "table", "script", "style", "template",
                      "input", "form"});
}

struct Open {
  std::string name;  // lower case, at most kMaxKnownName + 1 characters
  bool foreign = false;
};

// Table parts whose start tags are ignored outside a table.
bool IsTablePart(absl::string_view name) {
  return OneOf(name, {"caption", "col", "colgroup", "tbody", "td", "tfoot",
                      "th", "thead", "tr"});
}

class Scanner {
 public:
  Scanner(absl::string_view html, int max_depth)
      : html_(html), max_depth_(static_cast<std::size_t>(max_depth)) {}

  absl::Status Run() {
    const std::size_t n = html_.size();
    std::size_t i = 0;
    while (i < n && error_.empty()) {
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
      } else {
        StartTag(std::move(name), self_closing, &i);
      }
    }
    if (!error_.empty()) return absl::InvalidArgumentError(error_);
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
    int attributes = 0;
    bool in_name = false;
    while (k < n) {
      const char c = html_[k];
      if (c == '>') {
        *i = k + 1;
        return true;
      }
      if (c == '=') {
        in_name = false;
        ++k;
        while (k < n && IsSpace(html_[k])) ++k;
        if (k < n && (html_[k] == '"' || html_[k] == '\'')) {
          const std::size_t close = html_.find(html_[k], k + 1);
          if (close == absl::string_view::npos) return false;
          k = close + 1;
        } else {
          while (k < n && !IsSpace(html_[k]) && html_[k] != '>') ++k;
        }
        *self_closing = false;
        continue;
      }
      if (c == '/') {
        *self_closing = true;
        in_name = false;
      } else if (IsSpace(c)) {
        in_name = false;
      } else {
        *self_closing = false;
        if (!in_name && ++attributes > kMaxAttributes) {
          error_ = absl::StrCat("html tag with more than ", kMaxAttributes,
                                " attributes");
          *i = n;
          return false;
        }
        in_name = true;
      }
      ++k;
    }
    return false;
  }

  bool InForeign() const { return !stack_.empty() && stack_.back().foreign; }

  void PopTo(std::size_t index) {
    for (std::size_t k = index; k < stack_.size(); ++k) {
      if (stack_[k].name == "table") --tables_open_;
    }
    stack_.resize(index);
  }

  void PopBack() { PopTo(stack_.size() - 1); }

  std::size_t WindowStart(std::size_t window) const {
    return stack_.size() > window ? stack_.size() - window : 0;
  }

  // Index of the nearest open `name` within the end tag window, or npos.
  std::size_t FindOpen(absl::string_view name) const {
    for (std::size_t k = stack_.size(); k-- > WindowStart(kEndTagWindow);) {
      if (stack_[k].name == name) return k;
    }
    return std::string::npos;
  }

  // Pops the nearest open element of `group` within a short window.
  void CloseGroup(int group) {
    for (std::size_t k = stack_.size(); k-- > WindowStart(kSameNameWindow);) {
      if (SameGroup(stack_[k].name) == group) {
        PopTo(k);
        return;
      }
      if (IsGroupBoundary(group, stack_[k].name)) return;
    }
  }


  // The adoption agency for an open formatting element: without a special
  // element above it, everything above it closes, but the formatting
  // elements among them stay in the active formatting list and are reopened
  // by the next text or tag (gumbo nests <a><b>x</a> repeated n times n
  // deep); with a special element above it, only the formatting element
  // goes and the block stays open.
  void Adopt(std::size_t k) {
    bool special_above = false;
    for (std::size_t j = k + 1; j < stack_.size(); ++j) {
      if (IsSpecial(stack_[j].name)) special_above = true;
    }
    if (special_above) {
      stack_.erase(stack_.begin() + static_cast<std::ptrdiff_t>(k));
      return;
    }
    std::vector<Open> reopened;
    for (std::size_t j = k + 1; j < stack_.size(); ++j) {
      if (IsFormatting(stack_[j].name)) reopened.push_back(stack_[j]);
    }
    PopTo(k);
    for (Open& open : reopened) stack_.push_back(std::move(open));
  }

  void StartTag(std::string name, bool self_closing, std::size_t* i) {
    const bool foreign = InForeign();
    if (!foreign && tables_open_ == 0 && IsTablePart(name)) return;
    if (!foreign && !stack_.empty() && IsTableContext(stack_.back().name) &&
        !BelongsInTable(name) && ++foster_parented_ > kMaxFosterParented) {
      error_ = absl::StrCat("html table with more than ", kMaxFosterParented,
                            " misplaced elements");
      return;
    }
    if (!foreign && IsVoid(name)) return;
    if (foreign && self_closing) return;
    if (name == "plaintext") {
      *i = html_.size();  // the rest is text
      Push(std::move(name), foreign);
      return;
    }
    if (!foreign) {
      if (ClosesParagraph(name) && !stack_.empty() &&
          stack_.back().name == "p") {
        PopBack();
      }
      if (IsHeading(name) && !stack_.empty() && IsHeading(stack_.back().name)) {
        PopBack();
      }
      if (const int group = SameGroup(name); group != 0) CloseGroup(group);
      if (name == "a" || name == "nobr") {
        if (const std::size_t k = FindOpen(name); k != std::string::npos) {
          Adopt(k);
        }
      }
      if (name == "form" && FindOpen("form") != std::string::npos) {
        return;  // a form inside a form is ignored
      }
      if (name == "tr" && !stack_.empty() && stack_.back().name == "table") {
        Push("tbody", false);  // implied
      }
    }
    const bool opens_foreign = name == "svg" || name == "math";
    if (opens_foreign && self_closing) return;
    if (!foreign && IsRawText(name)) {
      // The element's content is text up to its end tag.
      SkipRawText(name, i);
      return;
    }
    Push(std::move(name), foreign || opens_foreign);
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

  void Push(std::string name, bool foreign) {
    if (name == "table") ++tables_open_;
    stack_.push_back({std::move(name), foreign});
    // html and body are always open as well.
    if (stack_.size() + 2 > max_depth_ && error_.empty()) {
      error_ = absl::StrCat("html nesting deeper than ", max_depth_);
    }
  }

  void EndTag(absl::string_view name) {
    if (IsFormatting(name)) {
      if (const std::size_t k = FindOpen(name); k != std::string::npos) {
        Adopt(k);
      }
      return;
    }
    const bool special = IsSpecial(name);
    const bool table_part = OneOf(name, {"table", "tbody", "thead", "tfoot",
                                         "tr", "td", "th", "caption",
                                         "colgroup"});
    for (std::size_t k = stack_.size(); k-- > WindowStart(kEndTagWindow);) {
      const absl::string_view open = stack_[k].name;
      if (open == name) {
        PopTo(k);
        return;
      }
      // A special element's end tag closes what is open inside it, up to a
      // scope boundary (for the parts of a table: the table); any other end
      // tag is ignored when a special element is open inside it.
      const bool stop =
          !special     ? IsSpecial(open)
          : table_part ? OneOf(open, {"table", "template", "html"})
                       : IsScopeBoundary(open);
      if (stop) return;
    }
  }

  absl::string_view html_;
  std::size_t max_depth_;
  std::vector<Open> stack_;
  int foster_parented_ = 0;
  int tables_open_ = 0;
  std::string error_;
};

}  // namespace

absl::Status CheckHtmlNesting(absl::string_view html, int max_depth) {
  return Scanner(html, max_depth).Run();
}

}  // namespace newsevents::ingest::document_internal
