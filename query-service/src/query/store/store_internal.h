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
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "query/store/model.h"

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

using Postings = std::vector<std::uint32_t>;

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
  Postings any;        // events naming it as actor, recipient or patient
  Postings actor;
  Postings recipient;  // recipients and patients
  Postings source;     // events attributed to it (according_to)
  Postings quotes;     // quote indexes where it speaks
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

struct EventRec {
  std::string id;
  std::string sentence;
  std::string summary;
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
  // end, else the publication time, else the ingest time.
  std::int64_t time_key = 0;
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

struct ArticleRec {
  ArticleInfo info;  // with counts and ingest time filled in
  std::uint32_t first_event = 0;
  std::uint32_t first_quote = 0;
  std::int64_t published = kNoTime;  // Unix microseconds
  std::int64_t ingested = 0;         // Unix microseconds
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
  bool has_time = false;
  std::int64_t lo = kMinusInf;  // query range [lo, hi)
  std::int64_t hi = kPlusInf;
};

// ASCII lower-casing, the store's notion of case-insensitivity.
std::string Lower(absl::string_view s);

std::int64_t ToMicros(const std::optional<absl::Time>& t);
std::optional<absl::Time> FromMicros(std::int64_t micros);

}  // namespace newsevents::query::store::internal

#endif  // NEWSEVENTS_QUERY_STORE_STORE_INTERNAL_H_
