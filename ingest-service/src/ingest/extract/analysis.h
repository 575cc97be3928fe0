// Internal working state shared by the extractor's stages. Each stage is a
// free function that reads the earlier stages' results and appends its own;
// all are pure and linear (or near-linear, with bounded look-around) in the
// number of tokens.
#ifndef NEWSEVENTS_INGEST_EXTRACT_ANALYSIS_H_
#define NEWSEVENTS_INGEST_EXTRACT_ANALYSIS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "ingest/extract/model.h"
#include "ingest/extract/segment.h"
#include "ingest/resources/resources.h"

namespace newsevents::ingest {

// A named or described participant or place found in the text.
struct Mention {
  std::size_t tb = 0, te = 0;  // tokens [tb, te)
  int sentence = 0;
  EntityRef entity;  // entity.id empty: not an actor (a place only)
  PlaceRef place;    // place.id empty: not a place
  std::string prep;  // governing preposition ("in", "by", ...), or empty
  bool possessor = false;     // followed by "'s"
  bool demonym_adj = false;   // a bare demonym ("Ukrainian ...")
  bool metonym = false;       // a capital standing for its government
  bool in_quote = false;
  bool object_of_verb = false;  // directly after a verb trigger
  bool generic = false;         // a sector noun without a known owner
};

struct TimeExpr {
  std::size_t tb = 0, te = 0;
  int sentence = 0;
  TimeRef ref;
};

struct Figure {
  std::size_t tb = 0, te = 0;
  std::size_t head = 0;  // token of the head noun (or of the number)
  int sentence = 0;
  bool from_verb = false;  // kind came from an outcome verb
  FigureRef ref;
};

// A "..." span: [open, close] are the quote-mark tokens.
struct QuoteSpan {
  std::size_t open = 0, close = 0;
  std::size_t start = 0, end = 0;  // inner bytes, trimmed
};

struct Analysis {
  absl::string_view body;
  Segmentation seg;
  std::vector<int> tok_sentence;   // sentence of each token
  std::vector<int> tok_clause;     // clause number (within the article)
  std::vector<bool> tok_in_quote;  // inside a direct quote
  std::vector<int> tok_mention;    // mention covering the token, or -1
  std::vector<QuoteSpan> quotes;
  std::vector<Mention> mentions;   // in text order
  std::vector<TimeExpr> times;
  std::vector<Figure> figures;
  std::optional<absl::CivilDay> published;
  // The publication instant's calendar day in the easternmost time zone
  // (UTC+14): no event it reports can fall on a later local day.
  std::optional<absl::CivilDay> published_latest;
  std::string focus_country;       // ISO alpha-3, may be empty
  int focus_place = -1;            // mention index of the focus region/city
};

// Stage helpers (one file each).
void MarkQuotesAndClauses(Analysis& a);
void FindMentions(const Resources& res, Analysis& a);
void FindTimes(const Resources& res, Analysis& a);
void FindFigures(const Resources& res, Analysis& a);
std::vector<EventRecord> FindEvents(const Resources& res, const Analysis& a);
std::vector<QuoteRecord> FindQuotes(const Resources& res, const Analysis& a);

// Small shared predicates over folded token text.
bool IsPreposition(absl::string_view w);
bool IsLocativePreposition(absl::string_view w);
bool IsDeterminer(absl::string_view w);
bool IsClauseBoundary(const Token& t);
// The id-safe short hash used for "new:" entities and places.
std::string ShortHash(absl::string_view text);

// Time helpers shared with tests and the summary.
absl::Time DayStart(absl::CivilDay d);
std::string FormatTime(const TimeRef& t);

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_EXTRACT_ANALYSIS_H_
