// Shared predicates and the quote/clause marking pass.
#include <array>
#include <cstdio>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "ingest/extract/analysis.h"
#include "xxhash.h"

namespace newsevents::ingest {
namespace {

template <std::size_t N>
bool In(const absl::string_view (&set)[N], absl::string_view w) {
  for (absl::string_view s : set) {
    if (s == w) return true;
  }
  return false;
}

constexpr absl::string_view kPrepositions[] = {
    "of", "in", "at", "by", "from", "to", "with", "against", "on", "near",
    "into", "across", "for", "among", "amongst", "between", "over", "under",
    "after", "before", "during", "inside", "outside", "through", "throughout",
    "toward", "towards", "within", "without", "than", "about", "around",
    "via", "including", "like", "onto", "upon", "amid"};
constexpr absl::string_view kLocative[] = {
    "in", "near", "at", "into", "across", "inside", "outside", "throughout",
    "around", "outskirts", "within"};
constexpr absl::string_view kDeterminers[] = {
    "the", "a", "an", "this", "these", "those", "that", "its", "their",
    "his", "her", "our", "some", "another", "each", "every"};

}  // namespace

// Word sets are built on first use (thread-safe static initialisation).
bool IsPreposition(absl::string_view w) {
  static const auto* set = new absl::flat_hash_set<absl::string_view>(
      std::begin(kPrepositions), std::end(kPrepositions));
  return w.size() <= 10 && set->contains(w);
}
bool IsLocativePreposition(absl::string_view w) {
  static const auto* set =
      new absl::flat_hash_set<absl::string_view>(std::begin(kLocative), std::end(kLocative));
  return w.size() <= 10 && set->contains(w);
}
bool IsDeterminer(absl::string_view w) {
  static const auto* set =
      new absl::flat_hash_set<absl::string_view>(std::begin(kDeterminers), std::end(kDeterminers));
  return w.size() <= 7 && set->contains(w);
}

bool IsClauseBoundary(const Token& t) {
  if (t.type != TokenType::kPunct) return false;
  const std::string& s = t.lower;
  return s == "," || s == ";" || s == ":" || s == "(" || s == ")" ||
         s == "\u2014" || s == "\u2013" || s == "-" || IsQuoteMark(s);
}

std::string ShortHash(absl::string_view text) {
  return absl::StrFormat("%012x", XXH3_64bits(text.data(), text.size()) >> 16);
}

absl::Time DayStart(absl::CivilDay d) {
  return absl::FromCivil(absl::CivilSecond(d), absl::UTCTimeZone());
}

std::string FormatTime(const TimeRef& t) {
  if (!t.start && !t.end) return "";
  auto fmt = [&](absl::Time x) {
    switch (t.granularity) {
      case Granularity::kYear:
        return absl::FormatTime("%Y", x, absl::UTCTimeZone());
      case Granularity::kMonth:
        return absl::FormatTime("%Y-%m", x, absl::UTCTimeZone());
      default:
        return absl::FormatTime("%Y-%m-%d", x, absl::UTCTimeZone());
    }
  };
  if (!t.start) return "by " + fmt(*t.end - absl::Seconds(1));
  if (t.open_end) return "since " + fmt(*t.start);
  return (t.granularity == Granularity::kDay ? "on " : "in ") + fmt(*t.start);
}

void MarkQuotesAndClauses(Analysis& a) {
  const std::vector<Token>& toks = a.seg.tokens;
  const std::size_t n = toks.size();
  a.tok_sentence.assign(n, -1);
  a.tok_clause.assign(n, 0);
  a.tok_in_quote.assign(n, false);
  a.tok_mention.assign(n, -1);
  int clause = 0;
  for (std::size_t s = 0; s < a.seg.sentences.size(); ++s) {
    const Sentence& sent = a.seg.sentences[s];
    ++clause;
    for (std::size_t i = sent.tok_begin; i < sent.tok_end; ++i) {
      a.tok_sentence[i] = static_cast<int>(s);
      if (IsClauseBoundary(toks[i])) ++clause;
      a.tok_clause[i] = clause;
    }
  }
  // Quotes: curly marks pair up; straight marks alternate within a paragraph.
  constexpr std::size_t kNoOpen = static_cast<std::size_t>(-1);
  std::size_t open = kNoOpen;
  int open_para = -1;
  for (std::size_t i = 0; i < n; ++i) {
    const Token& t = toks[i];
    if (t.type != TokenType::kPunct || !IsQuoteMark(t.lower)) continue;
    const int sent = a.tok_sentence[i];
    const int para = sent >= 0 ? a.seg.sentences[static_cast<std::size_t>(sent)].paragraph : -1;
    if (open != kNoOpen && para != open_para) open = kNoOpen;  // unclosed at paragraph end
    const bool opening_mark = absl::string_view(t.lower) == "\u201C" || absl::string_view(t.lower) == "\u00AB";
    const bool closing_mark = absl::string_view(t.lower) == "\u201D" || absl::string_view(t.lower) == "\u00BB";
    if (open == kNoOpen) {
      if (closing_mark) continue;
      open = i;
      open_para = para;
      continue;
    }
    if (opening_mark) {  // a new opening mark restarts the quote
      open = i;
      open_para = para;
      continue;
    }
    QuoteSpan q;
    q.open = open;
    q.close = i;
    q.start = toks[open].end;
    q.end = t.start;
    while (q.start < q.end && (a.body[q.start] == ' ' || a.body[q.start] == '\n')) ++q.start;
    while (q.end > q.start && (a.body[q.end - 1] == ' ' || a.body[q.end - 1] == '\n' ||
                               a.body[q.end - 1] == ',')) {
      --q.end;
    }
    int words = 0;
    for (std::size_t k = open + 1; k < i; ++k) {
      if (toks[k].type == TokenType::kWord || toks[k].type == TokenType::kNumber) ++words;
    }
    if (words >= 3) {
      for (std::size_t k = open; k <= i; ++k) a.tok_in_quote[k] = true;
      a.quotes.push_back(q);
    }
    open = kNoOpen;
  }
}

}  // namespace newsevents::ingest
