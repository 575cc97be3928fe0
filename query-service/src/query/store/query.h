// What the event store is asked and what it answers. Mirrors the request and
// response messages of newsevents.v1.QueryService without depending on them.
// The store trusts these structs to be well-formed (query/codec validates
// what comes from the network); it still rejects what it cannot answer.
#ifndef NEWSEVENTS_QUERY_STORE_QUERY_H_
#define NEWSEVENTS_QUERY_STORE_QUERY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "query/store/model.h"

namespace newsevents::query::store {

// AND across fields, OR within a field; an empty field does not filter.
struct EventFilter {
  std::vector<EventType> types;
  std::vector<std::string> modes;
  std::vector<std::string> entity_ids;     // any role
  std::vector<std::string> actor_ids;
  std::vector<std::string> recipient_ids;  // recipients and patients
  // Canonical names or aliases in any role, compared case-insensitively
  // (ASCII letters only).
  std::vector<std::string> entity_names;
  std::vector<std::string> countries;  // ISO alpha-3 of the event's place
  // Place ids; an admin1 or country id ("iso:RU-KRS", "iso:RUS") also
  // matches the places inside it.
  std::vector<std::string> place_ids;
  // The event time overlaps [start_time, end_time); either end may be open.
  // Events without any time never match a time filter.
  std::optional<absl::Time> start_time;
  std::optional<absl::Time> end_time;
  std::vector<std::string> article_ids;
  // Empty = asserted, reported, alleged and estimated.
  std::vector<Modality> modalities;
  std::vector<std::string> source_ids;  // according_to entity ids
  // Mentions of these events ("evt_..."; a retired id means the event that
  // absorbed it).
  std::vector<std::string> event_ids;
};

enum class OrderBy : std::uint8_t {
  kEventTimeDesc = 0,
  kEventTimeAsc,
  kIngestTimeDesc,
  kIngestTimeAsc,
};

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

struct ListEventsQuery {
  EventFilter filter;
  int page_size = 0;  // 0 = kDefaultPageSize; at most kMaxPageSize
  std::string page_token;
  OrderBy order_by = OrderBy::kEventTimeDesc;
  // false: one row per event, the event's first stored mention that matches
  // the filter (an event matches when any of its mentions does). true: every
  // matching mention.
  bool mentions = false;
  // Events reported by at least this many articles / independent outlets
  // (0 = any).
  int min_articles = 0;
  int min_independent_outlets = 0;
};

struct EventPage {
  std::vector<Event> events;
  std::string next_page_token;  // empty on the last page
  // Matching events when the page was read: exact when the store read every
  // candidate, else estimated from those it read (see EventStore).
  std::int64_t total_size = 0;
};

// An EventPage by revision, for callers that keep encoded events.
struct RevisionPage {
  std::vector<std::int64_t> revisions;
  std::string next_page_token;
  std::int64_t total_size = 0;
  // The read stopped at its limit of examined candidates before the page
  // was complete; the rest of the page is empty (see ListEventRevisions).
  bool over_budget = false;
};

// Same numbering as newsevents.v1.GroupBy.
enum class GroupBy : std::uint8_t {
  kUnspecified = 0, kType, kMode, kActor, kRecipient, kCountry, kAdmin1,
  kPlace, kSource, kModality, kDay, kWeek, kMonth,
};
inline constexpr int kMaxGroupBy = 12;
inline constexpr int kMaxTopN = 10000;

struct AggregateQuery {
  EventFilter filter;
  std::vector<GroupBy> group_by;  // one or two distinct dimensions
  int top_n = 0;                  // 0 = all buckets
  // false: each event counts once, through its first stored mention that
  // matches the filter (with that mention's keys and figures). true: every
  // matching mention counts.
  bool count_mentions = false;
};

struct FigureStats {
  FigureKind kind = FigureKind::kUnspecified;
  std::int32_t count = 0;
  std::int64_t sum_low = 0;
  std::int64_t sum_high = 0;  // an unbounded figure counts as its low
  std::int64_t min_low = 0;
  std::int64_t max_high = 0;  // an unbounded figure counts as its low
  friend bool operator==(const FigureStats&, const FigureStats&) = default;
};

// One group. Keys per dimension: type name ("ASSAULT"), mode, entity id,
// country code, admin1 or place id, modality name ("reported"), or the
// first day of a day/week/month bucket as YYYY-MM-DD (weeks start on the ISO
// Monday; the event's time is its start). An event without a value for a
// dimension (no actor, no place, no time) is counted under the key "".
// Events with several values (two actors) count once in each bucket.
struct Bucket {
  std::vector<std::string> keys;
  std::vector<std::string> labels;  // entity or place names, else the key
  std::int64_t event_count = 0;
  std::int64_t article_count = 0;
  std::vector<FigureStats> figures;  // by kind, kinds present only
};

struct AggregateResult {
  // By event_count descending, then keys; by key when the only dimension
  // is a time bucket.
  std::vector<Bucket> buckets;
  std::int64_t total_events = 0;
};

inline constexpr int kDefaultMaxFigures = 1000;
inline constexpr int kMaxFigures = 10000;

struct FigureQuery {
  EventFilter filter;
  std::vector<FigureKind> kinds;  // empty = every kind
  // Entity ids of whom is counted; "country:XXX" also matches any counted
  // entity of that country. Empty = anyone.
  std::vector<std::string> counted_ids;
  int max_figures = 0;  // 0 = kDefaultMaxFigures
};

struct SourcedFigure {
  Figure figure;  // figure.source: the source it is grouped under
  std::string event_id;
  std::string article_id;
  std::string sentence;
  TimeSpan when;
  Place place;
  std::optional<absl::Time> published_at;
};

struct SourceFigures {
  Entity source;  // empty id = unattributed
  std::vector<SourcedFigure> figures;  // by event time, then event id
};

struct FigureConflict {
  FigureKind kind = FigureKind::kUnspecified;
  std::string source_a;
  std::string source_b;
  SourcedFigure figure_a;
  SourcedFigure figure_b;
};

struct FigureReport {
  std::vector<SourceFigures> sources;  // most figures first, then source id
  std::vector<FigureConflict> conflicts;
  std::int64_t total_figures = 0;
  bool truncated = false;
};

struct QuoteQuery {
  std::vector<std::string> speaker_ids;
  std::string article_id;     // empty = any
  std::string text_contains;  // case-insensitive (ASCII) substring
  // On the article's publication time, [start_time, end_time).
  std::optional<absl::Time> start_time;
  std::optional<absl::Time> end_time;
  int page_size = 0;
  std::string page_token;
};

// Newest publication first, then newest stored first.
struct QuotePage {
  std::vector<Quote> quotes;
  std::string next_page_token;
};

struct EntityQuery {
  std::string prefix;  // of the name or an alias, case-insensitive; "" = all
  EntityKind kind = EntityKind::kUnspecified;  // unspecified = any
  std::string country;                         // "" = any
  int page_size = 0;
};

struct EntityCount {
  Entity entity;  // canonical, with aliases; no mention text
  std::int64_t event_count = 0;  // events naming it in any role
};

struct AppendResult {
  std::string article_id;
  bool duplicate = false;
  std::int64_t revision = 0;  // the store's revision after the append
};

// Approximate bytes held, by part (capacity, not just size).
struct MemoryUsage {
  std::int64_t event_columns = 0;  // hot columns and packed blobs
  // Of event_columns: the events' evidence sentences and summaries, as
  // stored (compressed once the store's dictionary is trained).
  std::int64_t event_text = 0;
  std::int64_t postings = 0;       // per-value event lists
  std::int64_t other = 0;          // articles, quotes, entities, places, pool
  std::int64_t identity = 0;       // the store's record of event identity
  std::int64_t grouper = 0;        // the grouper's own tables (see EventGrouper)
};

struct Stats {
  std::int64_t articles = 0;
  std::int64_t events = 0;
  std::int64_t quotes = 0;
  std::int64_t entities = 0;
  std::int64_t places = 0;
  std::int64_t revision = 0;
  absl::Time started_at;
  // Events after grouping the mentions of one happening (<= events).
  std::int64_t grouped_events = 0;
};

}  // namespace newsevents::query::store

#endif  // NEWSEVENTS_QUERY_STORE_QUERY_H_
