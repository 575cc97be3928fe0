// The event store's internal records and indexes. Not part of the store's
// contract: included by event_store.h for its private members only.
//
// Layout: every stored thing has a dense 32-bit index. Events are numbered
// in append order, so the event with index i has revision i + 1 and the
// events of one article occupy one contiguous index range. Postings lists
// hold event indexes in ascending order (appends only ever push larger
// ones). Strings that repeat (modes, mention texts, roles, countries, place
// keys) are interned once in a StringPool.
#ifndef NEWSEVENTS_QUERY_STORE_STORE_INTERNAL_H_
#define NEWSEVENTS_QUERY_STORE_STORE_INTERNAL_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "query/common/byte_arena.h"
#include "query/common/column.h"
#include "query/store/compact_columns.h"
#include "query/store/model.h"
#include "query/store/packed_postings.h"
#include "query/store/text_codec.h"

namespace newsevents::query::store::internal {

inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t kMinusInf = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t kPlusInf = std::numeric_limits<std::int64_t>::max();

// Interned strings with stable ids; id 0 is "". Not thread-safe.
class StringPool {
 public:
  StringPool();
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;

  std::uint32_t Intern(absl::string_view s);
  // kNone when `s` was never interned.
  std::uint32_t Find(absl::string_view s) const;
  absl::string_view Get(std::uint32_t id) const { return strings_[id]; }
  std::size_t size() const { return strings_.size(); }

 private:
  std::deque<std::string> strings_;  // deque: elements never move
  absl::flat_hash_map<absl::string_view, std::uint32_t> index_;
};

// The store's per-value event lists (type, entity, place, ...).
using Postings = PackedPostings;
// Short lists of event indexes kept as plain arrays (an identity group's
// members).
using IndexList = std::vector<std::uint32_t>;

// Appends `idx` unless it is already the last entry (one event naming the
// same entity twice is posted once).
inline void Post(Postings& p, std::uint32_t idx) {
  if (p.empty() || p.back() != idx) p.push_back(idx);
}

struct EntityRec {
  std::string id;
  std::string name;
  EntityKind kind = EntityKind::kUnspecified;
  std::string country;
  std::string sector;
  std::vector<std::string> aliases;  // beyond `name`, in arrival order
  // Kept plain: a read driven by an entity's list gallops through it for
  // every event reported more than once (EventStore::LeadFromLists), which
  // packed blocks make slower (at 10M, the query mix's p99 rose from 1.3 ms
  // to 1.9-2.0 ms); and sparse lists pack least well.
  Postings any{Postings::Packing::kPlain};  // as actor, recipient or patient
  Postings actor{Postings::Packing::kPlain};
  Postings recipient{Postings::Packing::kPlain};  // recipients and patients
  Postings source{Postings::Packing::kPlain};     // attributed to it (according_to)
  Postings quotes{Postings::Packing::kPlain};     // quote indexes where it speaks
};

struct PlaceRec {
  std::string id;
  std::string name;
  PlaceKind kind = PlaceKind::kUnspecified;
  std::string admin1;
  std::string admin1_id;
  std::string country;
  double latitude = 0;
  double longitude = 0;
  double precision_km = 0;
  std::uint32_t country_code = 0;  // pool id of `country`
  // Pool ids of the ids a place filter may name to find this place: its
  // own, its admin1's and "iso:<country>"; kNone when absent.
  std::array<std::uint32_t, 3> keys = {kNone, kNone, kNone};
  // The postings lists of those keys and of the country (nullptr when
  // absent), resolved once so that appends skip the hash lookups.
  std::array<Postings*, 3> key_postings = {nullptr, nullptr, nullptr};
  Postings* country_postings = nullptr;
};

struct MentionRec {
  std::uint32_t entity = kNone;
  std::uint32_t text = 0;  // pool id
  std::int64_t count = 0;
};

struct FigureRec {
  FigureKind kind = FigureKind::kUnspecified;
  Qualifier qualifier = Qualifier::kUnspecified;
  bool has_high = false;
  std::int64_t low = 0;
  std::int64_t high = 0;
  MentionRec counted;
  MentionRec source;
  std::uint32_t text = 0;  // pool id
  Span span;
};

struct ArgumentRec {
  std::uint32_t role = 0;  // pool id
  Span span;
};

// One event, unpacked: what Publish() builds and EventTable::Get() returns.
// The table stores it packed (see EventTable).
struct EventRec {
  std::string id;
  // Evidence sentences are kept once per article: an event whose sentence
  // an earlier event of its article already holds stores a reference to
  // that event (sentence_from) instead. Get() always fills `sentence`.
  std::string sentence;
  std::uint32_t sentence_from = kNone;
  std::string summary;
  // For Append only: the summary and the sentence (none when sentence_from
  // is set) as EncodeEventText wrote them. Append reads this, not
  // `sentence` and `summary`.
  std::string text;
  // Actors, then recipients, then patients.
  std::vector<MentionRec> mentions;
  std::vector<FigureRec> figures;
  std::vector<std::uint32_t> quote_ids;  // pool ids
  std::vector<ArgumentRec> arguments;
  MentionRec according_to;
  std::uint32_t article = 0;
  std::uint32_t mode = 0;  // pool id
  std::uint32_t place = kNone;
  std::uint32_t place_text = 0;  // pool id
  std::uint32_t time_text = 0;   // pool id
  std::uint16_t n_actors = 0;
  std::uint16_t n_recipients = 0;
  EventType type = EventType::kUnspecified;
  Modality modality = Modality::kAsserted;
  Granularity granularity = Granularity::kUnspecified;
  bool open_start = false;
  bool open_end = false;
  float confidence = 0;
  Span sentence_span;
  Span trigger;
  // As given, in Unix microseconds, kNoTime when absent.
  std::int64_t start = kNoTime;
  std::int64_t end = kNoTime;
  // The interval a time filter overlaps, [lo, hi) with kMinusInf/kPlusInf
  // for open ends; hi == kNoTime when the event has no time at all.
  std::int64_t lo = kNoTime;
  std::int64_t hi = kNoTime;
  // The sort and bucketing time: the start, else the last moment before the
  // end, else the publication time, else the ingest time. The table keeps it
  // only for events with a time (see EventTable::time_key); Get() fills it
  // for those, and leaves kNoTime for the others.
  std::int64_t time_key = 0;
};

// Hot columns: see query/common/column.h.
template <typename T>
using Column = ::newsevents::query::Column<T>;

using ::newsevents::query::ByteArena;  // see query/common/byte_arena.h

// A figure's numbers, kept unpacked for aggregation.
struct FigureNumbers {
  std::int64_t low = 0;
  std::int64_t high = 0;
  FigureKind kind = FigureKind::kUnspecified;
  bool has_high = false;
};

// An event's stored text: its summary and, when the event holds its
// sentence (held), the sentence, encoded by `codec` into *out (cleared)
// and offered to it as a training sample. Returns true when the codec
// asks to be trained (TextCodec::Train). `plain` is a reused buffer.
bool EncodeEventText(TextCodec& codec, absl::string_view summary, absl::string_view sentence,
                     bool held, std::string* plain, std::string* out);

// The events, column by column. Filters and aggregates read the "hot"
// columns (one small array per field, dense in memory); everything else
// about an event (evidence, mention texts, figure sources, ...) is packed
// into one varint-encoded blob in a ByteArena and unpacked by Get() only
// for the events a query returns. The event id is the blob's first field,
// so that the id index can point into it. Not thread-safe.
class EventTable {
 public:
  // `codec` decodes the events' texts (not owned; outlives the table).
  explicit EventTable(const TextCodec* codec) : codec_(codec) {}
  // Returns the new event's index. REQUIRES: r.mentions reference entities
  // and r.figures fit the table's limits (fewer than 65536 of each role).
  std::uint32_t Append(const EventRec& r);
  EventRec Get(std::uint32_t i) const;
  std::size_t size() const { return type_.size(); }

  std::string id(std::uint32_t i) const;
  // An event id and its key, computed once for a lookup or an append.
  // The key, kept per event: for an id of the ingest service's shape ("ev_"
  // and 16 hex digits) the id's own 64 bits (`packed`; the id is not kept
  // otherwise), else a hash of the id. Ids with different keys differ; the
  // id index hashes keys, so growing it reads no blobs.
  struct IdKey {
    explicit IdKey(absl::string_view id);
    absl::string_view id;
    std::uint64_t key;
    bool packed;
  };
  // Whether event i's id is `id` (without building it).
  bool IdIs(std::uint32_t i, const IdKey& id) const;
  std::uint64_t id_key(std::uint32_t i) const { return id_key_[i]; }
  EventType type(std::uint32_t i) const { return type_[i]; }
  Modality modality(std::uint32_t i) const {
    return static_cast<Modality>(modality_[i] & ~kTimeKeyApart);
  }
  std::uint32_t article(std::uint32_t i) const { return article_[i]; }
  std::uint32_t place(std::uint32_t i) const { return place_[i]; }
  std::uint32_t mode(std::uint32_t i) const { return mode_[i]; }
  std::uint32_t source(std::uint32_t i) const { return source_[i]; }
  std::int64_t lo(std::uint32_t i) const { return lo_[i]; }
  std::int64_t hi(std::uint32_t i) const { return hi_[i]; }
  // REQUIRES: has_time(i) (an event without one sorts by its article's
  // time, which the store holds). Not a column: for nearly every event the
  // key is the start of its interval [lo, hi), or the moment before its end
  // when the start is open; the few others are flagged and kept apart.
  std::int64_t time_key(std::uint32_t i) const {
    if (modality_[i] & kTimeKeyApart) return time_key_apart_.at(i);
    return KeyOfInterval(lo_[i], hi_[i]);
  }
  bool has_time(std::uint32_t i) const {
    static_assert(kNoTime == std::numeric_limits<std::int64_t>::min());
    return !hi_.is_lowest(i);
  }
  // Participants: entity indexes [mentions_begin, mentions_end): actors
  // first, then recipients, then patients.
  std::uint32_t mentions_begin(std::uint32_t i) const { return mention_begin_[i]; }
  std::uint32_t mentions_end(std::uint32_t i) const {
    return i + 1 < size() ? mention_begin_[i + 1]
                          : static_cast<std::uint32_t>(mention_entity_.size());
  }
  std::uint32_t n_actors(std::uint32_t i) const { return Roles(i) & 0xffff; }
  std::uint32_t n_recipients(std::uint32_t i) const { return Roles(i) >> 16; }
  std::uint32_t mention_entity(std::uint32_t j) const { return mention_entity_[j]; }
  std::uint32_t figures_begin(std::uint32_t i) const { return figure_begin_[i]; }
  std::uint32_t figures_end(std::uint32_t i) const {
    return i + 1 < size() ? figure_begin_[i + 1]
                          : static_cast<std::uint32_t>(figure_.size());
  }
  FigureNumbers figure(std::uint32_t j) const {
    const NarrowFigure& n = figure_[j];
    if (ABSL_PREDICT_TRUE(!n.apart)) return FigureNumbers{n.low, n.high, n.kind, n.has_high};
    return figure_apart_.at(j);
  }

  // Memory held by the table (columns and arena), for statistics.
  std::size_t bytes() const;
  // Of that, the events' texts as stored.
  std::size_t text_bytes() const { return text_bytes_; }

 private:
  // The time key of an event with a time, if not kept apart.
  static std::int64_t KeyOfInterval(std::int64_t lo, std::int64_t hi) {
    return lo != kMinusInf ? lo : hi - 1;
  }
  // In modality_: the event's time key is in time_key_apart_.
  static constexpr std::uint8_t kTimeKeyApart = 0x80;
  static_assert(kMaxModality < kTimeKeyApart);
  // In roles_: the counts are in roles_apart_.
  static constexpr std::uint8_t kRolesApart = 0xff;
  // n_actors | n_recipients << 16.
  std::uint32_t Roles(std::uint32_t i) const {
    const std::uint8_t r = roles_[i];
    if (ABSL_PREDICT_TRUE(r != kRolesApart)) return (r & 0xfu) | (std::uint32_t{r} >> 4) << 16;
    return roles_apart_.at(i);
  }

  // The usual values of the narrow columns fit their width; the rest are
  // kept apart (compact_columns.h).
  Column<EventType> type_;
  Column<std::uint8_t> modality_;  // Modality | kTimeKeyApart
  OffsetColumn<std::uint32_t, std::uint16_t> article_;  // ascending
  Index24Column place_;  // kNone if none
  CodeColumn mode_;
  Index24Column source_;  // according_to entity, kNone if none
  // n_actors | n_recipients << 4 when both are below 15, else kRolesApart.
  Column<std::uint8_t> roles_;
  absl::flat_hash_map<std::uint32_t, std::uint32_t> roles_apart_;
  MinuteColumn lo_;
  MinuteColumn hi_;
  OffsetColumn<std::uint32_t, std::uint16_t> mention_begin_;  // ascending
  Column<std::uint32_t> mention_entity_;
  OffsetColumn<std::uint32_t, std::uint16_t> figure_begin_;  // ascending
  // A figure's bounds in 32 bits (counts of people fit); wider ones are
  // kept in figure_apart_.
  struct NarrowFigure {
    std::int32_t low = 0;
    std::int32_t high = 0;
    FigureKind kind = FigureKind::kUnspecified;
    bool has_high = false;
    bool apart = false;
  };
  Column<NarrowFigure> figure_;
  absl::flat_hash_map<std::uint32_t, FigureNumbers> figure_apart_;
  // Where each event's blob starts in arena_.
  OffsetColumn<std::uintptr_t, std::uint32_t> blob_;
  Column<std::uint64_t> id_key_;
  const char* Blob(std::uint32_t i) const { return reinterpret_cast<const char*>(blob_[i]); }
  // Time keys that KeyOfInterval does not give: an open start with a start
  // given, an open end with only an end given.
  absl::flat_hash_map<std::uint32_t, std::int64_t> time_key_apart_;
  ByteArena arena_;
  std::string scratch_;  // Append's encoding buffer, reused
  std::size_t text_bytes_ = 0;
  const TextCodec* codec_;
};

// The events' ids -> their indexes, keeping only the index in each slot
// (the id's key is read from the table): 4 bytes a slot instead of 24 for a
// string_view and an index. Not thread-safe.
class EventIdIndex {
 public:
  explicit EventIdIndex(const EventTable* table)
      : set_(0, Hash{table}, Eq{table}) {}
  void Insert(std::uint32_t idx) { set_.insert(idx); }
  // kNone when absent.
  std::uint32_t Find(absl::string_view id) const {
    auto it = set_.find(EventTable::IdKey(id));
    return it == set_.end() ? kNone : *it;
  }

 private:
  struct Hash {
    using is_transparent = void;
    const EventTable* table;
    static std::size_t Mix(std::uint64_t key) { return absl::Hash<std::uint64_t>{}(key); }
    std::size_t operator()(const EventTable::IdKey& id) const { return Mix(id.key); }
    std::size_t operator()(std::uint32_t idx) const { return Mix(table->id_key(idx)); }
  };
  struct Eq {
    using is_transparent = void;
    const EventTable* table;
    bool operator()(std::uint32_t a, std::uint32_t b) const {
      return a == b ||
             (table->id_key(a) == table->id_key(b) && table->id(a) == table->id(b));
    }
    bool operator()(std::uint32_t a, const EventTable::IdKey& b) const {
      return table->IdIs(a, b);
    }
    bool operator()(const EventTable::IdKey& a, std::uint32_t b) const {
      return table->IdIs(b, a);
    }
  };
  absl::flat_hash_set<std::uint32_t, Hash, Eq> set_;
};

struct QuoteRec {
  std::string id;
  std::string text;
  std::vector<std::uint32_t> event_ids;  // pool ids
  MentionRec speaker;
  std::uint32_t article = 0;
  std::uint32_t cue = 0;  // pool id
  Span span;
};

// An article as stored: what reads use per event (its id, publication
// and ingest times, its events and quotes) in fields, and the rest of its
// ArticleInfo (title, authors, outlet, url, language, sections, body size)
// packed into bytes in an arena, unpacked only by Info(). About 90 bytes
// and the packed fields, where an ArticleInfo takes about 300 and its
// strings.
struct ArticleRec {
  // Its id, then the rest of its record (see PackArticle), in the store's
  // arena.
  const char* bytes = nullptr;
  std::uint32_t id_size = 0;
  std::uint32_t packed_size = 0;
  std::uint32_t first_event = 0;
  std::uint32_t first_quote = 0;
  std::int32_t event_count = 0;
  std::int32_t quote_count = 0;
  // Unix microseconds (packed() keeps the publication time's nanoseconds).
  std::int64_t published = kNoTime;
  std::int64_t ingested = 0;

  absl::string_view id() const { return {bytes, id_size}; }
  absl::string_view packed() const { return {bytes + id_size, packed_size}; }
  // As given.
  std::optional<absl::Time> published_at() const;

  // The ArticleInfo as given, with counts and ingest time filled in.
  ArticleInfo Info() const;
  // The time key of its events without a time of their own.
  std::int64_t TimeKey() const { return published != kNoTime ? published : ingested; }
};

// Writes to `out` (cleared, a buffer the caller reuses) `info.id` as it is,
// then the fields of `info` that ArticleRec keeps packed: the bytes of
// ArticleRec::id and ArticleRec::packed, adjacent.
void PackArticle(const ArticleInfo& info, std::string& out);

// The articles' ids -> their indexes, keeping only the index in each slot
// (the id is read from the record): 4 bytes a slot instead of 24. Not
// thread-safe.
class ArticleIdIndex {
 public:
  explicit ArticleIdIndex(const std::deque<ArticleRec>* articles)
      : set_(0, Hash{articles}, Eq{articles}) {}
  void Insert(std::uint32_t idx) { set_.insert(idx); }
  // kNone when absent.
  std::uint32_t Find(absl::string_view id) const {
    auto it = set_.find(id);
    return it == set_.end() ? kNone : *it;
  }
  bool contains(absl::string_view id) const { return set_.contains(id); }
  std::size_t bytes() const { return set_.capacity() * (sizeof(std::uint32_t) + 1); }

 private:
  struct Hash {
    using is_transparent = void;
    const std::deque<ArticleRec>* articles;
    std::size_t operator()(absl::string_view id) const {
      return absl::Hash<absl::string_view>{}(id);
    }
    std::size_t operator()(std::uint32_t idx) const { return (*this)((*articles)[idx].id()); }
  };
  struct Eq {
    using is_transparent = void;
    const std::deque<ArticleRec>* articles;
    absl::string_view Id(absl::string_view id) const { return id; }
    absl::string_view Id(std::uint32_t idx) const { return (*articles)[idx].id(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const { return Id(a) == Id(b); }
  };
  absl::flat_hash_set<std::uint32_t, Hash, Eq> set_;
};

// An EventFilter resolved against the store's tables at one moment. Each
// optional set is "this field filters"; an engaged but empty set matches
// nothing.
struct CompiledFilter {
  bool never = false;
  std::uint32_t type_mask = 0;       // 0 = any type
  std::uint32_t modality_mask = 0;   // never 0
  std::optional<absl::flat_hash_set<std::uint32_t>> modes;      // pool ids
  std::optional<absl::flat_hash_set<std::uint32_t>> any_entities;
  std::optional<absl::flat_hash_set<std::uint32_t>> actors;
  std::optional<absl::flat_hash_set<std::uint32_t>> recipients;
  std::optional<absl::flat_hash_set<std::uint32_t>> named;      // by name
  std::optional<absl::flat_hash_set<std::uint32_t>> countries;  // pool ids
  std::optional<absl::flat_hash_set<std::uint32_t>> place_keys; // pool ids
  std::optional<absl::flat_hash_set<std::uint32_t>> articles;
  std::optional<absl::flat_hash_set<std::uint32_t>> sources;
  // Live identity groups (event_ids), and their members ascending.
  std::optional<absl::flat_hash_set<std::uint32_t>> groups;
  Postings group_members;
  bool has_time = false;
  std::int64_t lo = kMinusInf;  // query range [lo, hi)
  std::int64_t hi = kPlusInf;
};

// A filter's fields, as bits (see CandidateSource::implied).
enum FilterField : std::uint32_t {
  kByType = 1u << 0,
  kByModality = 1u << 1,
  kByMode = 1u << 2,
  kByCountry = 1u << 3,
  kByPlaceKey = 1u << 4,
  kByAnyEntity = 1u << 5,
  kByName = 1u << 6,
  kByActor = 1u << 7,
  kByRecipient = 1u << 8,
  kBySource = 1u << 9,
  kByArticle = 1u << 10,
  kByGroup = 1u << 11,
};

// Where a filtered read takes its candidate events from: every index of a
// range (a scan), or the union of some postings lists. Either way each
// candidate is then checked against the filter, except for the field whose
// lists these are (`implied`): every candidate satisfies it already.
//
// A field filtered on a single postings list can also serve as a probe:
// EventStore::ForEachCandidate passes on only the candidates that are in
// every probe (a merge that gallops through each probe list), so that the
// intersection of two selective fields costs neither field's Matches()
// check. Candidates it passes on satisfy `implied | probed`; candidates read
// from `lists` directly satisfy `implied` only.
struct CandidateSource {
  static constexpr std::size_t kMaxProbes = 2;
  bool scan = true;
  std::uint32_t implied = 0;  // FilterField bits; 0 for a scan
  std::vector<const Postings*> lists;
  std::deque<Postings> owned;  // lists built for the query; deque: stable
  // Candidates over the whole table (with repeats across lists): an upper
  // bound on the matches.
  std::size_t size = 0;
  std::vector<const Postings*> probes;  // shortest first; none for a scan
  std::uint32_t probed = 0;             // FilterField bits of the probes
};

// Zone maps: the range of sort keys in each run of 2^kZoneShift events (in
// index order), so that an ordered page can visit the zones that may hold
// its first events and skip the rest. Events arrive roughly in time order
// (a live feed, a chronological back-fill), which keeps the zones narrow;
// in random arrival order every zone is visited and the read is a full
// scan, as without zones.
inline constexpr int kZoneShift = 13;
struct Zone {
  std::int64_t min_time = kPlusInf;  // time_key
  std::int64_t max_time = kMinusInf;
  std::int64_t min_ingest = kPlusInf;
  std::int64_t max_ingest = kMinusInf;
  // The hull of the events' filter intervals [lo, hi); lo > hi while no
  // event of the zone has a time.
  std::int64_t min_lo = kPlusInf;
  std::int64_t max_hi = kMinusInf;
};

// ASCII lower-casing, the store's notion of case-insensitivity.
std::string Lower(absl::string_view s);

std::int64_t ToMicros(const std::optional<absl::Time>& t);
std::optional<absl::Time> FromMicros(std::int64_t micros);

}  // namespace newsevents::query::store::internal

#endif  // NEWSEVENTS_QUERY_STORE_STORE_INTERNAL_H_
