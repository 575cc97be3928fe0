// HTML articles, parsed with gumbo.
//
// Metadata comes from <head> (Open Graph, article:*, name=author/date,
// canonical link), <html lang>, <time datetime>, rel=author links and
// schema.org JSON-LD. The body is the paragraph text of the element that
// holds the article: among <article>, <main>, role=main and containers
// marked as the article body, the one with the most paragraph text (an inner
// one when it holds nearly all of it); <body> when there is none. Page
// chrome (navigation, asides, forms, figures, share/related/comment/
// newsletter/cookie/advert/promo blocks) is dropped.
//
// Resource bounds: a pre-scan rejects deep nesting (CheckHtmlNesting), gumbo
// allocates from a budget proportional to the input (misnested formatting
// elements make gumbo build a tree quadratic in the input), and every tree
// walk here uses an explicit stack.
#include <algorithm>
#include <csetjmp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gumbo.h"
#include "ingest/document/document.h"
#include "ingest/document/json_parse.h"
#include "ingest/document/readers.h"
#include "ingest/document/text.h"
#include "rapidjson/document.h"

namespace newsevents::ingest::document_internal {
namespace {

// gumbo needs about 16 bytes of memory per input byte for ordinary pages.
constexpr std::size_t kArenaBaseBytes = std::size_t{32} << 20;
constexpr std::size_t kArenaBytesPerInputByte = 48;
// A candidate nested in the best one is preferred when it holds at least
// this share of the best one's paragraph text.
constexpr double kInnerCandidateShare = 0.8;
// Elements remembered for title and date (first few in document order).
constexpr std::size_t kMaxRemembered = 16;
constexpr std::size_t kMaxShortText = 2048;

// ---------------------------------------------------------------------------
// gumbo with a memory budget.

// Owns every allocation gumbo makes during one parse: a bump allocator whose
// memory is released all at once when the arena goes away (gumbo's own frees
// are ignored; they return little, and skipping them is much faster than
// malloc/free per node). When the budget is exhausted the parse is abandoned
// with longjmp, since gumbo offers no way to stop from a callback.
class GumboArena {
 public:
  // `input_bytes` sizes the chunks: small pages need little memory.
  GumboArena(std::size_t budget, std::size_t input_bytes)
      : budget_(budget),
        chunk_bytes_(std::clamp(input_bytes * 16, kMinChunkBytes,
                                kMaxChunkBytes)) {}
  GumboArena(const GumboArena&) = delete;
  GumboArena& operator=(const GumboArena&) = delete;
  ~GumboArena() {
    while (chunks_ != nullptr) {
      Chunk* next = chunks_->next;
      std::free(chunks_);
      chunks_ = next;
    }
  }

  GumboOptions Options() {
    GumboOptions options = kGumboDefaultOptions;
    options.allocator = &Allocate;
    options.deallocator = &Deallocate;
    options.userdata = this;
    options.max_errors = 0;  // the error list is not used
    return options;
  }

  std::jmp_buf jump;

 private:
  struct alignas(16) Chunk {
    Chunk* next;
  };
  static constexpr std::size_t kAlign = 16;
  static constexpr std::size_t kMinChunkBytes = std::size_t{16} << 10;
  static constexpr std::size_t kMaxChunkBytes = std::size_t{1} << 20;

  static void* Allocate(void* userdata, std::size_t size) {
    auto* self = static_cast<GumboArena*>(userdata);
    if (size > self->budget_ - self->used_) std::longjmp(self->jump, 1);
    size = (size + kAlign - 1) & ~(kAlign - 1);
    if (size > self->remaining_) {
      const std::size_t bytes =
          sizeof(Chunk) + std::max(size, self->chunk_bytes_);
      auto* chunk = static_cast<Chunk*>(std::malloc(bytes));
      if (chunk == nullptr) std::longjmp(self->jump, 1);
      chunk->next = self->chunks_;
      self->chunks_ = chunk;
      self->cursor_ = reinterpret_cast<char*>(chunk + 1);
      self->remaining_ = bytes - sizeof(Chunk);
    }
    void* p = self->cursor_;
    self->cursor_ += size;
    self->remaining_ -= size;
    self->used_ += size;
    return p;
  }

  static void Deallocate(void* /*userdata*/, void* /*ptr*/) {}

  std::size_t budget_;
  std::size_t chunk_bytes_;
  std::size_t used_ = 0;
  Chunk* chunks_ = nullptr;
  char* cursor_ = nullptr;
  std::size_t remaining_ = 0;
};

// Only trivially destructible locals here: longjmp skips destructors.
GumboOutput* ParseInArena(GumboArena* arena, const GumboOptions* options,
                          const char* data, std::size_t size) {
  if (setjmp(arena->jump) != 0) return nullptr;
  return gumbo_parse_with_options(options, data, size);
}

// ---------------------------------------------------------------------------
// Element accessors and classification.

const GumboVector* Children(const GumboNode* node) {
  if (node->type == GUMBO_NODE_DOCUMENT) return &node->v.document.children;
  if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
    return &node->v.element.children;
  }
  return nullptr;
}

bool IsElement(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT ||
         node->type == GUMBO_NODE_TEMPLATE;
}

GumboTag TagOf(const GumboNode* node) {
  return IsElement(node) ? node->v.element.tag : GUMBO_TAG_UNKNOWN;
}

absl::string_view Attr(const GumboNode* node, const char* name) {
  if (!IsElement(node)) return {};
  const GumboAttribute* attr =
      gumbo_get_attribute(&node->v.element.attributes, name);
  if (attr == nullptr || attr->value == nullptr) return {};
  return attr->value;
}

bool HasAttr(const GumboNode* node, const char* name) {
  return IsElement(node) &&
         gumbo_get_attribute(&node->v.element.attributes, name) != nullptr;
}

// Whether the space-separated attribute value contains `token` (ASCII case
// ignored).
bool HasToken(absl::string_view value, absl::string_view token) {
  while (!value.empty()) {
    std::size_t start = 0;
    while (start < value.size() &&
           absl::ascii_isspace(static_cast<unsigned char>(value[start]))) {
      ++start;
    }
    value.remove_prefix(start);
    std::size_t end = 0;
    while (end < value.size() &&
           !absl::ascii_isspace(static_cast<unsigned char>(value[end]))) {
      ++end;
    }
    if (end > 0 && absl::EqualsIgnoreCase(value.substr(0, end), token)) {
      return true;
    }
    value.remove_prefix(end);
  }
  return false;
}

// Elements never part of the body, and never searched for metadata text.
bool IsChromeTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_MENU:
      return true;
    default:
      return false;
  }
}

// Further elements that are not running text.
bool IsNonTextTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_MAP:
    case GUMBO_TAG_APPLET:
    case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_DATALIST:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
      return true;
    default:
      return false;
  }
}

bool IsInlineTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_ABBR:
    case GUMBO_TAG_ACRONYM:
    case GUMBO_TAG_B:
    case GUMBO_TAG_BDI:
    case GUMBO_TAG_BDO:
    case GUMBO_TAG_BIG:
    case GUMBO_TAG_CITE:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_DATA:
    case GUMBO_TAG_DEL:
    case GUMBO_TAG_DFN:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_FONT:
    case GUMBO_TAG_I:
    case GUMBO_TAG_INS:
    case GUMBO_TAG_KBD:
    case GUMBO_TAG_LABEL:
    case GUMBO_TAG_MARK:
    case GUMBO_TAG_NOBR:
    case GUMBO_TAG_Q:
    case GUMBO_TAG_RB:
    case GUMBO_TAG_RP:
    case GUMBO_TAG_RT:
    case GUMBO_TAG_RTC:
    case GUMBO_TAG_RUBY:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SAMP:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_TIME:
    case GUMBO_TAG_TT:
    case GUMBO_TAG_U:
    case GUMBO_TAG_VAR:
    case GUMBO_TAG_WBR:
    case GUMBO_TAG_IMG:
      return true;
    default:
      return false;
  }
}

// Words in class and id values that mark page furniture. A class or id is
// split into parts at '-', '_' and lower-to-upper case changes; a part that
// starts with a prefix word, or equals an exact word, matches.
bool IsBoilerplatePart(absl::string_view part) {
  static constexpr absl::string_view kPrefixes[] = {
      "share",     "sharing",   "social",   "related",  "newsletter",
      "cookie",    "advert",    "promo",    "sponsor",  "subscribe",
      "subscription", "recommend", "outbrain", "taboola", "breadcrumb",
      "byline",    "caption",   "popup",    "paywall",  "consent"};
  static constexpr absl::string_view kExact[] = {
      "comment", "comments", "commenting", "ad",     "ads",   "adslot",
      "adunit",  "nav",      "navbar",     "menu",   "sidebar", "footer",
      "header",  "masthead", "toolbar",    "hidden", "sr",    "signup"};
  for (absl::string_view prefix : kPrefixes) {
    if (absl::StartsWith(part, prefix)) return true;
  }
  for (absl::string_view exact : kExact) {
    if (part == exact) return true;
  }
  return false;
}

bool HasBoilerplateName(absl::string_view value) {
  std::string part;
  auto check = [&]() {
    const bool match = !part.empty() && IsBoilerplatePart(part);
    part.clear();
    return match;
  };
  char previous = '\0';
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '-' || c == '_' || absl::ascii_isspace(u) || c == ':') {
      if (check()) return true;
    } else {
      if (absl::ascii_isupper(u) && absl::ascii_islower(static_cast<unsigned char>(previous))) {
        if (check()) return true;
      }
      part.push_back(absl::ascii_tolower(u));
    }
    previous = c;
  }
  return check();
}

// Page furniture by tag, class/id, or hidden state. Structural containers
// (body, main, article) are judged by tag only: their classes often say
// things like "has-comments".
bool IsChrome(const GumboNode* node) {
  const GumboTag tag = TagOf(node);
  if (IsChromeTag(tag)) return true;
  if (HasAttr(node, "hidden")) return true;
  if (absl::EqualsIgnoreCase(Attr(node, "aria-hidden"), "true")) return true;
  const absl::string_view role = Attr(node, "role");
  if (HasToken(role, "navigation") || HasToken(role, "complementary") ||
      HasToken(role, "contentinfo") || HasToken(role, "banner") ||
      HasToken(role, "dialog")) {
    return true;
  }
  if (tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_BODY ||
      tag == GUMBO_TAG_MAIN || tag == GUMBO_TAG_ARTICLE) {
    return false;
  }
  if (!Attr(node, "itemprop").empty() &&
      HasToken(Attr(node, "itemprop"), "articleBody")) {
    return false;
  }
  return HasBoilerplateName(Attr(node, "class")) ||
         HasBoilerplateName(Attr(node, "id"));
}

// Text content of a small element (title, heading, link), bounded.
std::string ShortText(const GumboNode* node) {
  std::string out;
  InlineText text(&out);
  std::vector<const GumboNode*> stack = {node};
  while (!stack.empty() && out.size() < kMaxShortText) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA ||
        n->type == GUMBO_NODE_WHITESPACE) {
      text.Append(n->v.text.text);
      continue;
    }
    const GumboVector* children = Children(n);
    if (children == nullptr) continue;
    if (IsElement(n) && n != node && !IsInlineTag(TagOf(n))) text.Space();
    for (unsigned k = children->length; k-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children->data[k]));
    }
  }
  return out;
}

// Raw text of a script element.
std::string ScriptText(const GumboNode* node) {
  std::string out;
  const GumboVector* children = Children(node);
  if (children == nullptr) return out;
  for (unsigned k = 0; k < children->length; ++k) {
    const auto* child = static_cast<const GumboNode*>(children->data[k]);
    if (!IsElement(child) && child->type != GUMBO_NODE_DOCUMENT) {
      out.append(child->v.text.text);
    }
  }
  return out;
}

bool IsAbsoluteUrl(absl::string_view url) {
  return absl::StartsWithIgnoreCase(url, "http://") ||
         absl::StartsWithIgnoreCase(url, "https://");
}

// ---------------------------------------------------------------------------
// JSON-LD (schema.org).

struct JsonLd {
  std::string headline;
  std::string date;
  std::vector<std::string> authors;
  std::string publisher;
  std::string url;
  std::string language;
  std::string body;
  bool found = false;
};

using JsonValue = rapidjson::Value;

absl::string_view JsonString(const JsonValue& object, const char* key) {
  if (!object.IsObject()) return {};
  const auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return absl::string_view(it->value.GetString(),
                           it->value.GetStringLength());
}

// A string, or an object's "name".
absl::string_view JsonName(const JsonValue& value) {
  if (value.IsString()) {
    return absl::string_view(value.GetString(), value.GetStringLength());
  }
  return JsonString(value, "name");
}

bool IsArticleType(const JsonValue& object) {
  const auto it = object.FindMember("@type");
  if (it == object.MemberEnd()) return false;
  auto matches = [](const JsonValue& v) {
    if (!v.IsString()) return false;
    const absl::string_view type(v.GetString(), v.GetStringLength());
    return absl::StrContains(type, "Article") || type == "BlogPosting" ||
           type == "LiveBlogPosting" || type == "Report";
  };
  if (matches(it->value)) return true;
  if (it->value.IsArray()) {
    for (const JsonValue& v : it->value.GetArray()) {
      if (matches(v)) return true;
    }
  }
  return false;
}

void ReadJsonLdObject(const JsonValue& object, JsonLd* out) {
  out->found = true;
  out->headline = CollapseWhitespace(JsonString(object, "headline"));
  if (out->headline.empty()) {
    out->headline = CollapseWhitespace(JsonString(object, "name"));
  }
  out->date = CollapseWhitespace(JsonString(object, "datePublished"));
  if (out->date.empty()) {
    out->date = CollapseWhitespace(JsonString(object, "dateCreated"));
  }
  const auto author = object.FindMember("author");
  if (author != object.MemberEnd()) {
    if (author->value.IsArray()) {
      for (const JsonValue& v : author->value.GetArray()) {
        AddAuthor(CollapseWhitespace(JsonName(v)), out->authors);
      }
    } else if (author->value.IsString()) {
      for (std::string& name : SplitAuthors(JsonName(author->value))) {
        AddAuthor(std::move(name), out->authors);
      }
    } else {
      AddAuthor(CollapseWhitespace(JsonName(author->value)), out->authors);
    }
  }
  const auto publisher = object.FindMember("publisher");
  if (publisher != object.MemberEnd()) {
    out->publisher = CollapseWhitespace(JsonName(publisher->value));
  }
  out->url = CollapseWhitespace(JsonString(object, "url"));
  out->language = CollapseWhitespace(JsonString(object, "inLanguage"));
  const absl::string_view body = JsonString(object, "articleBody");
  if (!body.empty()) out->body = NormalizeLines(body);
}

// Reads the first article object of a JSON-LD block: the root, an element
// of a root array, or an element of an "@graph" array in either.
void ReadJsonLd(absl::string_view text, JsonLd* out,
                std::vector<std::string>* warnings) {
  rapidjson::Document json;
  ParseJsonText(text, json);
  if (json.HasParseError()) {
    warnings->push_back(absl::StrCat("ignored malformed json-ld at byte ",
                                     json.GetErrorOffset()));
    return;
  }
  std::vector<const JsonValue*> objects;
  auto add = [&](const JsonValue& v) {
    if (!v.IsObject()) return;
    objects.push_back(&v);
    const auto graph = v.FindMember("@graph");
    if (graph != v.MemberEnd() && graph->value.IsArray()) {
      for (const JsonValue& item : graph->value.GetArray()) {
        if (item.IsObject()) objects.push_back(&item);
      }
    }
  };
  if (json.IsArray()) {
    for (const JsonValue& v : json.GetArray()) add(v);
  } else {
    add(json);
  }
  for (const JsonValue* object : objects) {
    if (IsArticleType(*object)) {
      ReadJsonLdObject(*object, out);
      return;
    }
  }
}

// ---------------------------------------------------------------------------
// Walk 1: metadata and the choice of the article element.

struct Candidate {
  const GumboNode* node = nullptr;
  int parent = -1;          // enclosing candidate
  std::size_t enter = 0;    // document order of the element
  std::size_t exit = 0;     // document order after its last descendant
  std::size_t score = 0;    // bytes of <p> text inside, nested ones included
};

struct Remembered {
  const GumboNode* node = nullptr;
  bool marked = false;  // <time> marked as the publication time
};

struct PageFacts {
  std::string og_title;
  std::string title_tag;
  std::string site_name;
  std::string og_url;
  std::string canonical;
  std::string published_article;  // meta article:published_time
  std::string published_meta;     // meta name=date and similar
  std::vector<std::string> meta_authors;
  std::vector<std::string> link_authors;
  std::string html_lang;
  std::string meta_lang;
  std::vector<Remembered> h1s;
  std::vector<Remembered> times;
  std::vector<Candidate> candidates;
  JsonLd json_ld;
};

bool IsCandidate(const GumboNode* node) {
  const GumboTag tag = TagOf(node);
  if (tag == GUMBO_TAG_ARTICLE || tag == GUMBO_TAG_MAIN) return true;
  if (HasToken(Attr(node, "role"), "main")) return true;
  if (HasToken(Attr(node, "itemprop"), "articleBody")) return true;
  static constexpr absl::string_view kBodyClasses[] = {
      "article-body", "articlebody", "article__body", "story-body",
      "storybody",    "entry-content", "post-content", "article-content",
      "story-content", "article-text"};
  const absl::string_view cls = Attr(node, "class");
  for (absl::string_view name : kBodyClasses) {
    if (HasToken(cls, name)) return true;
  }
  return false;
}

void ReadMeta(const GumboNode* node, PageFacts* facts) {
  const absl::string_view content = Attr(node, "content");
  if (content.empty()) return;
  absl::string_view key = Attr(node, "property");
  if (key.empty()) key = Attr(node, "name");
  if (key.empty()) key = Attr(node, "itemprop");
  const absl::string_view http_equiv = Attr(node, "http-equiv");
  if (absl::EqualsIgnoreCase(http_equiv, "content-language")) {
    if (facts->meta_lang.empty()) facts->meta_lang = std::string(content);
    return;
  }
  auto set_once = [&](std::string& field) {
    if (field.empty()) field = CollapseWhitespace(content);
  };
  if (absl::EqualsIgnoreCase(key, "og:title")) {
    set_once(facts->og_title);
  } else if (absl::EqualsIgnoreCase(key, "og:site_name")) {
    set_once(facts->site_name);
  } else if (absl::EqualsIgnoreCase(key, "og:url")) {
    set_once(facts->og_url);
  } else if (absl::EqualsIgnoreCase(key, "article:published_time")) {
    set_once(facts->published_article);
  } else if (absl::EqualsIgnoreCase(key, "date") ||
             absl::EqualsIgnoreCase(key, "pubdate") ||
             absl::EqualsIgnoreCase(key, "publishdate") ||
             absl::EqualsIgnoreCase(key, "publish-date") ||
             absl::EqualsIgnoreCase(key, "datePublished") ||
             absl::EqualsIgnoreCase(key, "dc.date") ||
             absl::EqualsIgnoreCase(key, "dc.date.issued") ||
             absl::EqualsIgnoreCase(key, "dcterms.date") ||
             absl::EqualsIgnoreCase(key, "dcterms.issued") ||
             absl::EqualsIgnoreCase(key, "parsely-pub-date") ||
             absl::EqualsIgnoreCase(key, "sailthru.date")) {
    set_once(facts->published_meta);
  } else if (absl::EqualsIgnoreCase(key, "author") ||
             absl::EqualsIgnoreCase(key, "article:author") ||
             absl::EqualsIgnoreCase(key, "dc.creator") ||
             absl::EqualsIgnoreCase(key, "parsely-author") ||
             absl::EqualsIgnoreCase(key, "sailthru.author")) {
    if (IsAbsoluteUrl(content)) return;  // article:author is often a profile
    for (std::string& name : SplitAuthors(content)) {
      AddAuthor(std::move(name), facts->meta_authors);
    }
  } else if (absl::EqualsIgnoreCase(key, "language") ||
             absl::EqualsIgnoreCase(key, "og:locale")) {
    if (facts->meta_lang.empty()) facts->meta_lang = std::string(content);
  }
}

PageFacts CollectFacts(const GumboOutput* output,
                       std::vector<std::string>* warnings) {
  PageFacts facts;
  if (output->root != nullptr) {
    facts.html_lang = std::string(Attr(output->root, "lang"));
  }
  struct Frame {
    const GumboNode* node;
    bool chrome;  // inside page furniture
    bool in_p;
    int candidate;
    bool exit;  // the candidate's exit marker
  };
  std::vector<Frame> stack = {{output->document, false, false, -1, false}};
  std::size_t order = 0;
  while (!stack.empty()) {
    const Frame frame = stack.back();
    stack.pop_back();
    const GumboNode* node = frame.node;
    if (frame.exit) {
      facts.candidates[static_cast<std::size_t>(frame.candidate)].exit = order;
      continue;
    }
    ++order;
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
      if (frame.in_p && !frame.chrome && frame.candidate >= 0) {
        facts.candidates[static_cast<std::size_t>(frame.candidate)].score +=
            std::strlen(node->v.text.text);
      }
      continue;
    }
    const GumboVector* children = Children(node);
    if (children == nullptr) continue;
    Frame child = frame;
    if (IsElement(node)) {
      const GumboTag tag = TagOf(node);
      switch (tag) {
        case GUMBO_TAG_META:
          ReadMeta(node, &facts);
          break;
        case GUMBO_TAG_LINK:
          if (HasToken(Attr(node, "rel"), "canonical") &&
              facts.canonical.empty()) {
            facts.canonical = CollapseWhitespace(Attr(node, "href"));
          }
          break;
        case GUMBO_TAG_TITLE:
          if (facts.title_tag.empty()) facts.title_tag = ShortText(node);
          continue;
        case GUMBO_TAG_SCRIPT:
          if (absl::EqualsIgnoreCase(
                  absl::StripAsciiWhitespace(Attr(node, "type")),
                  "application/ld+json") &&
              !facts.json_ld.found) {
            ReadJsonLd(ScriptText(node), &facts.json_ld, warnings);
          }
          continue;
        case GUMBO_TAG_STYLE:
          continue;
        default:
          break;
      }
      child.chrome = frame.chrome || IsChrome(node);
      if (tag == GUMBO_TAG_A && HasToken(Attr(node, "rel"), "author") &&
          !child.chrome) {
        for (std::string& name : SplitAuthors(ShortText(node))) {
          AddAuthor(std::move(name), facts.link_authors);
        }
      }
      if (tag == GUMBO_TAG_H1 && !child.chrome &&
          facts.h1s.size() < kMaxRemembered) {
        facts.h1s.push_back({node, false});
      }
      if (tag == GUMBO_TAG_TIME && !child.chrome && HasAttr(node, "datetime") &&
          facts.times.size() < kMaxRemembered) {
        const bool marked =
            HasAttr(node, "pubdate") ||
            HasToken(Attr(node, "itemprop"), "datePublished");
        facts.times.push_back({node, marked});
      }
      if (tag == GUMBO_TAG_P) child.in_p = true;
      if (!child.chrome && IsCandidate(node)) {
        facts.candidates.push_back({node, frame.candidate, order, 0, 0});
        child.candidate = static_cast<int>(facts.candidates.size() - 1);
        stack.push_back({node, false, false, child.candidate, true});
      }
    }
    for (unsigned k = children->length; k-- > 0;) {
      child.node = static_cast<const GumboNode*>(children->data[k]);
      stack.push_back(child);
    }
  }
  // Nested candidates count towards their ancestors; children come after
  // their parents in `candidates`.
  for (std::size_t k = facts.candidates.size(); k-- > 0;) {
    const int parent = facts.candidates[k].parent;
    if (parent >= 0) {
      facts.candidates[static_cast<std::size_t>(parent)].score +=
          facts.candidates[k].score;
    }
  }
  return facts;
}

// The candidate with the most paragraph text, or a candidate nested in it
// that holds nearly all of it (the innermost such). -1 when none has text.
int ChooseRoot(const std::vector<Candidate>& candidates) {
  int best = -1;
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    if (candidates[k].score == 0) continue;
    if (best < 0 ||
        candidates[k].score > candidates[static_cast<std::size_t>(best)].score) {
      best = static_cast<int>(k);
    }
  }
  if (best < 0) return best;
  const Candidate& outer = candidates[static_cast<std::size_t>(best)];
  int chosen = best;
  for (std::size_t k = static_cast<std::size_t>(best) + 1; k < candidates.size();
       ++k) {
    const Candidate& c = candidates[k];
    const bool inside = c.enter > outer.enter && c.exit <= outer.exit;
    if (inside && static_cast<double>(c.score) >=
                      kInnerCandidateShare * static_cast<double>(outer.score)) {
      chosen = static_cast<int>(k);  // later in document order: deeper
    }
  }
  return chosen;
}

bool IsInside(const GumboNode* node, const GumboNode* ancestor) {
  for (const GumboNode* n = node; n != nullptr; n = n->parent) {
    if (n == ancestor) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Walk 2: body text.

enum class BodyMode {
  kParagraphs,  // text of p, li, blockquote, pre, dd/dt
  kBlocks,      // all text, split at block elements (pages without <p>)
};

class BodyBuilder {
 public:
  explicit BodyBuilder(Document* doc) : doc_(doc), text_(&paragraph_) {}

  std::size_t paragraphs() const { return paragraphs_; }

  void Append(absl::string_view text) { text_.Append(text); }
  void Space() { text_.Space(); }

  void EndParagraph() {
    if (!paragraph_.empty()) {
      std::string& body = doc_->body;
      if (!body.empty()) body.append("\n\n");
      for (std::string& heading : pending_headings_) {
        doc_->sections.push_back({std::move(heading), body.size()});
      }
      pending_headings_.clear();
      body.append(paragraph_);
      ++paragraphs_;
    }
    paragraph_.clear();
    text_ = InlineText(&paragraph_);
    break_pending_ = false;
  }

  // <br>: a line break within the paragraph; two in a row (nothing visible
  // between them) end it.
  void LineBreak() {
    if (break_pending_ && paragraph_.size() == break_at_) {
      EndParagraph();
      return;
    }
    text_.Space();
    break_pending_ = true;
    break_at_ = paragraph_.size();
  }

  void AddHeading(std::string heading) {
    if (!heading.empty()) pending_headings_.push_back(std::move(heading));
  }

 private:
  Document* doc_;
  std::string paragraph_;
  InlineText text_;
  std::vector<std::string> pending_headings_;
  std::size_t paragraphs_ = 0;
  bool break_pending_ = false;
  std::size_t break_at_ = 0;
};

bool IsParagraphTag(GumboTag tag, bool lists) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
      return true;
    case GUMBO_TAG_LI:
      return lists;
    default:
      return false;
  }
}

// Appends the body text under `root`. `lists`: whether <li> items are
// paragraphs (inside an article element, not in a whole-page fallback).
void ExtractBody(const GumboNode* root, BodyMode mode, bool lists,
                 Document* doc) {
  BodyBuilder body(doc);
  std::string heading;
  std::optional<InlineText> heading_text;
  int paragraph_depth = 0;
  struct Frame {
    const GumboNode* node;
    bool exit;
  };
  std::vector<Frame> stack = {{root, false}};
  while (!stack.empty()) {
    const Frame frame = stack.back();
    stack.pop_back();
    const GumboNode* node = frame.node;
    if (!IsElement(node)) {
      if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
          node->type == GUMBO_NODE_WHITESPACE) {
        if (heading_text.has_value()) {
          heading_text->Append(node->v.text.text);
        } else if (paragraph_depth > 0 || mode == BodyMode::kBlocks) {
          body.Append(node->v.text.text);
        }
      }
      continue;
    }
    const GumboTag tag = TagOf(node);
    const bool is_heading = tag == GUMBO_TAG_H2 || tag == GUMBO_TAG_H3;
    const bool is_paragraph = IsParagraphTag(tag, lists);
    const bool is_inline = IsInlineTag(tag);
    if (frame.exit) {
      if (is_heading && heading_text.has_value()) {
        body.AddHeading(std::move(heading));
        heading.clear();
        heading_text.reset();
      } else if (heading_text.has_value()) {
        if (!is_inline) heading_text->Space();
      } else if (is_paragraph && mode == BodyMode::kParagraphs) {
        --paragraph_depth;
        body.EndParagraph();
      } else if (!is_inline) {
        if (mode == BodyMode::kBlocks) {
          body.EndParagraph();
        } else {
          body.Space();
        }
      }
      continue;
    }
    if (node != root && (IsChrome(node) || IsNonTextTag(tag))) continue;
    if (tag == GUMBO_TAG_BR || tag == GUMBO_TAG_HR) {
      if (heading_text.has_value()) {
        heading_text->Space();
      } else if (tag == GUMBO_TAG_HR) {
        body.EndParagraph();
      } else if (paragraph_depth > 0 || mode == BodyMode::kBlocks) {
        body.LineBreak();
      }
      continue;
    }
    if (heading_text.has_value()) {
      if (!is_inline) heading_text->Space();
    } else if (is_heading) {
      body.EndParagraph();
      heading_text.emplace(&heading);
    } else if (is_paragraph && mode == BodyMode::kParagraphs) {
      body.EndParagraph();  // a paragraph nested in a list item starts anew
      ++paragraph_depth;
    } else if (!is_inline) {
      if (mode == BodyMode::kBlocks) {
        body.EndParagraph();
      } else {
        body.Space();
      }
    }
    const GumboVector* children = Children(node);
    if (children == nullptr) continue;
    stack.push_back({node, true});
    for (unsigned k = children->length; k-- > 0;) {
      stack.push_back({static_cast<const GumboNode*>(children->data[k]), false});
    }
  }
  body.EndParagraph();
}

const GumboNode* FindBody(const GumboOutput* output) {
  const GumboVector* children = Children(output->root);
  if (children == nullptr) return output->root;
  for (unsigned k = 0; k < children->length; ++k) {
    const auto* child = static_cast<const GumboNode*>(children->data[k]);
    if (TagOf(child) == GUMBO_TAG_BODY) return child;
  }
  return output->root;
}

// Drops " | Outlet" (or " - Outlet", " — Outlet") from the end of a title.
std::string StripOutlet(std::string title, absl::string_view outlet) {
  if (outlet.empty()) return title;
  static constexpr absl::string_view kSeparators[] = {
      " | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: ", " \xC2\xB7 "};
  for (absl::string_view sep : kSeparators) {
    const std::size_t tail = sep.size() + outlet.size();
    if (title.size() > tail &&
        absl::EqualsIgnoreCase(absl::string_view(title).substr(title.size() - tail),
                               absl::StrCat(sep, outlet))) {
      title.resize(title.size() - tail);
      return title;
    }
  }
  return title;
}

// Sets doc.published from the first source that parses; notes sources that
// do not.
void SetPublished(absl::string_view value, absl::string_view source,
                  Document* doc) {
  if (doc->published.has_value() || value.empty()) return;
  bool has_time = false;
  std::optional<absl::Time> t = ParseDate(value, &has_time);
  if (t.has_value()) {
    doc->published = t;
    doc->published_has_time = has_time;
    return;
  }
  doc->warnings.push_back(absl::StrCat("ignored unrecognised date '",
                                       Excerpt(value, 64),
                                       "' in ", source));
}

}  // namespace

absl::Status ReadHtml(absl::string_view html, Document& doc) {
  absl::Status nesting = CheckHtmlNesting(html, kMaxHtmlDepth);
  if (!nesting.ok()) return nesting;

  const std::size_t budget =
      kArenaBaseBytes + kArenaBytesPerInputByte * html.size();
  GumboArena arena(budget, html.size());
  const GumboOptions options = arena.Options();
  const GumboOutput* output =
      ParseInArena(&arena, &options, html.data(), html.size());
  if (output == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "html too complex: parsing it needs more than ", budget,
        " bytes of memory"));
  }

  PageFacts facts = CollectFacts(output, &doc.warnings);
  const int root_index = ChooseRoot(facts.candidates);
  const GumboNode* root =
      root_index >= 0
          ? facts.candidates[static_cast<std::size_t>(root_index)].node
          : FindBody(output);

  ExtractBody(root, BodyMode::kParagraphs, root_index >= 0, &doc);
  if (doc.body.empty()) {
    doc.sections.clear();
    ExtractBody(root, BodyMode::kBlocks, root_index >= 0, &doc);
  }
  if (doc.body.empty() && !facts.json_ld.body.empty()) {
    AppendParagraphs(SplitLines(facts.json_ld.body), doc.body);
  }

  // Outlet, then title (the outlet's name is stripped from it).
  doc.outlet = !facts.site_name.empty() ? facts.site_name
                                        : facts.json_ld.publisher;
  std::string h1;
  for (const Remembered& r : facts.h1s) {
    if (IsInside(r.node, root)) {
      h1 = ShortText(r.node);
      if (!h1.empty()) break;
    }
  }
  if (h1.empty() && !facts.h1s.empty()) h1 = ShortText(facts.h1s[0].node);
  for (const std::string* title :
       {&facts.og_title, &h1, &facts.json_ld.headline, &facts.title_tag}) {
    if (!title->empty()) {
      doc.title = StripOutlet(*title, doc.outlet);
      break;
    }
  }

  // Publication time.
  SetPublished(facts.published_article, "meta article:published_time", &doc);
  SetPublished(facts.published_meta, "meta date", &doc);
  for (const Remembered& r : facts.times) {
    if (r.marked) {
      SetPublished(Attr(r.node, "datetime"), "time element", &doc);
      break;
    }
  }
  SetPublished(facts.json_ld.date, "json-ld datePublished", &doc);
  if (!doc.published.has_value()) {
    const Remembered* time = nullptr;
    for (const Remembered& r : facts.times) {
      if (IsInside(r.node, root)) {
        time = &r;
        break;
      }
    }
    if (time == nullptr && !facts.times.empty()) time = &facts.times[0];
    if (time != nullptr) {
      SetPublished(Attr(time->node, "datetime"), "time element", &doc);
    }
  }

  // Authors: the first source that names any.
  for (std::vector<std::string>* authors :
       {&facts.meta_authors, &facts.link_authors, &facts.json_ld.authors}) {
    if (!authors->empty()) {
      doc.authors = std::move(*authors);
      break;
    }
  }

  // URL: the first absolute one of canonical, og:url, JSON-LD url.
  for (const std::string* url :
       {&facts.canonical, &facts.og_url, &facts.json_ld.url}) {
    if (IsAbsoluteUrl(*url)) {
      doc.url = *url;
      break;
    }
  }
  if (doc.url.empty()) doc.url = facts.canonical;

  for (const std::string* tag :
       {&facts.html_lang, &facts.meta_lang, &facts.json_ld.language}) {
    std::string language = NormalizeLanguage(*tag);
    if (!language.empty()) {
      doc.language = std::move(language);
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace newsevents::ingest::document_internal
