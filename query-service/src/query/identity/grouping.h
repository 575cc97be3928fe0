// Cross-article event identity: groups mentions (one extracted event record
// each) into events, one per real-world happening, and counts how well each
// event is corroborated.
//
// Pure: Abseil only, no gRPC, no protobuf, no I/O.
//
// What
//   Two mentions are COMPATIBLE (see Compatible() below) when they plausibly
//   report the same happening. An event is a connected component of the
//   compatibility graph over all mentions added so far (single linkage). The
//   event id is "evt_" + 16 lower-case hex digits of a fixed 64-bit hash of the
//   smallest mention id (byte-wise) in the component.
//
// Determinism and order independence
//   The compatibility relation depends only on the two mentions (never on the
//   groups built so far or on the order of insertion), so the graph, and hence
//   its connected components, are the same whatever order the mentions are
//   added in; the event id is a function of the component's member set. So the
//   same mentions in any order give the same groups and the same event ids.
//   The hash is fixed (FNV-1a 64 with a final mix), stable across runs,
//   builds and machines.
//
// Chaining
//   A guard of the form "a new mention joins a group only if it is also
//   compatible with the group's merged summary" makes the outcome depend on
//   which members were present when a bridging mention arrived, i.e. on the
//   order; it is therefore NOT used. Chaining is contained instead by the
//   strictness of the pairwise relation itself: both participant roles must
//   overlap where both sides name them, places must nest or lie within
//   `max_distance_km`, intervals must overlap within a small tolerance (open
//   bounds are closed a week from the known one), and mentions of one article
//   never link unless they describe the same participants, place and time
//   exactly. Coarse mentions (a month, a country, no place at all) can still
//   bridge finer events; that is the known cost of single linkage. It is
//   measured by newsevents-cluster-eval (wrong merges on labelled articles)
//   and by grouping_bench (size of the largest event).
//
// Ownership
//   EventGrouper copies what it needs from each Mention; callers keep
//   ownership of their Mentions. Returned strings and vectors are copies.
//
// Thread-safety
//   Not internally synchronized. Const methods may run concurrently with each
//   other; Add() needs exclusive access (e.g. under the caller's writer lock).
#ifndef NEWSEVENTS_QUERY_IDENTITY_GROUPING_H_
#define NEWSEVENTS_QUERY_IDENTITY_GROUPING_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace newsevents::query::identity {

// How firmly the text states the event. Mentions of different non-unspecified
// classes are "incompatible in mode": an asserted attack and a denied one (or
// one only threatened for the future) are not reports of one happening.
enum class ModalityClass : int {
  kUnspecified = 0,  // compatible with every class
  kFactual,          // asserted, reported, alleged, estimated
  kDenied,           // denied, negated
  kUnreal,           // future, hypothetical
};

// Same numbering as newsevents.v1.Granularity.
enum class Granularity : int { kUnspecified = 0, kDay, kWeek, kMonth, kYear };

// The level of a place in the admin hierarchy.
enum class PlaceLevel : int { kUnspecified = 0, kCountry, kAdmin1, kLocal };

struct MentionPlace {
  std::string id;         // "iso:RUS", "iso:RU-KRS", "gn:123", ...; empty = none
  PlaceLevel level = PlaceLevel::kUnspecified;
  std::string admin1_id;  // id of the containing first-level region, if known
  std::string country;    // ISO alpha-3, if known
  bool has_coordinates = false;
  double latitude = 0;
  double longitude = 0;
  double precision_km = 0;
  bool empty() const { return id.empty() && country.empty(); }
};

// [start, end) in Unix microseconds. A start with a known granularity and no
// end ends one granularity unit later. Any other missing bound is open: it
// lies GroupingOptions::open_bound_micros from the known bound (unbounded
// when that is 0). Both missing = no time (compatible with any).
struct MentionTime {
  std::optional<std::int64_t> start_micros;
  std::optional<std::int64_t> end_micros;
  Granularity granularity = Granularity::kUnspecified;
};

struct Mention {
  std::string mention_id;  // unique; the identity of the mention
  std::string article_id;
  std::string outlet;      // source domain, e.g. "reuters.com"
  int event_type = 0;      // ontology type (newsevents.v1.EventType); 0 = unknown
  std::string mode;        // sub-type within the type, e.g. "airstrike"; may be empty
  ModalityClass modality = ModalityClass::kUnspecified;
  std::vector<std::string> actors;      // canonical entity ids
  std::vector<std::string> recipients;  // recipient and patient entity ids
  MentionPlace place;
  MentionTime when;
  std::uint64_t fingerprint = 0;  // TextFingerprint() of the evidence sentence; 0 = none
  std::int64_t seen_micros = 0;   // when the mention reached the service
};

struct GroupingOptions {
  // Intervals that miss each other by less than this still overlap.
  std::int64_t time_tolerance_micros = 12LL * 3600 * 1000000;
  // How far an open bound lies from the known one. The extractor reports an
  // event without a stated date as "by the publication day" (open start);
  // read literally, that overlaps every earlier event and chains reports of
  // unrelated happenings years apart. 0 = truly unbounded.
  std::int64_t open_bound_micros = 7LL * 24 * 3600 * 1000000;
  // Two local places (towns, sites) farther apart than this are different.
  double max_distance_km = 50;
  // Fingerprints within this Hamming distance (of 64 bits) are one text
  // (syndicated copies). At most 3: the index relies on it.
  int syndication_max_hamming = 3;
};

// 64-bit SimHash of `text` over lower-cased word unigrams and bigrams. Texts
// that differ in a word or two give fingerprints a few bits apart; unrelated
// texts differ in about 32 bits. Case, punctuation and spacing do not count,
// so a wire copy re-styled by another outlet gives the same fingerprint; a
// one-word edit of a sentence typically moves it by more than 3 bits.
// Never 0 for a text with at least one word.
std::uint64_t TextFingerprint(absl::string_view text);
int HammingDistance(std::uint64_t a, std::uint64_t b);

// "evt_" + 16 hex digits of the fixed hash of `smallest_mention_id`.
std::string EventIdFor(absl::string_view smallest_mention_id);
// The same format for a hash already known, and back: the hash an event id
// spells, or nullopt when `event_id` is not "evt_" + 16 lower-case hex digits.
std::string EventIdOfKey(std::uint64_t key);
// The same id written to out[0, kEventIdSize), without a string.
inline constexpr std::size_t kEventIdSize = 20;
void WriteEventId(std::uint64_t key, char* out);
std::optional<std::uint64_t> EventKeyOfId(absl::string_view event_id);

// The compatibility relation (symmetric; reflexive for well-formed mentions).
// a and b are compatible iff ALL of:
//  1. same event_type;
//  2. same mode, or either mode empty;
//  3. same modality class, or either kUnspecified;
//  4. participants: if both name actors, the actor sets share an id; if both
//     name recipients, the recipient sets share an id; and the union of each
//     side's actors and recipients shares at least one id (so two mentions
//     without any participant in common never link);
//  5. places: either empty; else known different countries are
//     incompatible (even under one place id: the data contradicts itself);
//     else same id; a country-level place contains every place of its
//     country; an admin1-level place contains the places whose admin1_id is
//     its id (two different admin1 regions are incompatible); two local
//     places are compatible when both have coordinates and lie within
//     options.max_distance_km (great-circle) of each other;
//  6. time: either has no time; or the intervals (granularity-aware, open
//     bounds closed as described at MentionTime) overlap when one is widened
//     by options.time_tolerance_micros on both sides. A month-precision
//     mention thus overlaps any day inside it;
//  7. same article: two mentions of one article_id are distinct events unless
//     they have the same actor and recipient sets, the same place id and
//     country and the same time bounds (the extractor reported one event twice).
bool Compatible(const Mention& a, const Mention& b,
                const GroupingOptions& options = GroupingOptions());

struct Corroboration {
  std::int64_t mentions = 0;
  std::int64_t articles = 0;             // distinct article ids
  std::int64_t outlets = 0;              // distinct outlets
  // Distinct outlets with at least one mention whose text is not a
  // near-duplicate (Hamming <= syndication_max_hamming) of an EARLIER mention
  // of the event from another outlet. "Earlier" orders mentions by
  // (seen_micros, mention_id), properties of the mentions, so the count does
  // not depend on insertion order. Mentions without a fingerprint count as
  // independent text.
  std::int64_t independent_outlets = 0;
  std::int64_t first_seen_micros = 0;
  std::int64_t last_seen_micros = 0;
};

enum class Change : int {
  kUnchanged = 0,  // the mention id was already added; nothing changed
  kCreated,        // the mention started a new event
  kUpdated,        // the mention joined one existing event
  kMerged,         // the mention bridged two or more existing events
};

struct AddResult {
  std::string event_id;  // the event the mention is part of after Add
  Change change = Change::kUnchanged;
  // Ids that no longer exist after this Add, each now part of `event_id`.
  // kMerged: the ids of the bridged events other than the survivor (all of
  // them if the new mention's id is smaller than every member's, in which
  // case the survivor is a new id). kUpdated: empty, or the event's old id if
  // the new mention's id is the component's new smallest (a rename).
  std::vector<std::string> retired_ids;
};

class EventGrouper {
 public:
  explicit EventGrouper(GroupingOptions options = GroupingOptions());
  ~EventGrouper();
  EventGrouper(const EventGrouper&) = delete;
  EventGrouper& operator=(const EventGrouper&) = delete;

  // Adds one mention and links it to every earlier compatible mention.
  // Cost: a few hash lookups per participant (and per actor-recipient pair
  // of a mention naming both roles), then a read of the postings of the
  // blocks its widened interval touches (4-day and 32-day buckets and the
  // open-ended list) in the series it may match in: a mention naming
  // actors and recipients reads the mentions of its type that name one of
  // its (actor, recipient) pairs, and those naming one role only; a
  // mention naming one role reads every mention of its type naming one of
  // its participants. Each posting is checked against a 16-byte summary,
  // and a full compatibility check follows per posting that passes. A
  // mention without time, or with one longer than about a year, reads
  // every posting of its series.
  AddResult Add(const Mention& mention);

  // The event a mention belongs to; nullopt if the mention is unknown.
  std::optional<std::string> EventOf(absl::string_view mention_id) const;
  // The mention ids of an event, sorted; empty if the event id is unknown
  // (never added, or retired by a merge or rename).
  std::vector<std::string> MentionsOf(absl::string_view event_id) const;
  std::optional<Corroboration> CorroborationOf(absl::string_view event_id) const;
  // Every current event id, sorted.
  std::vector<std::string> EventIds() const;

  std::size_t mention_count() const;
  std::size_t event_count() const;
  // Bytes held by the grouper's own tables, from their capacities (heap
  // bookkeeping not included), for statistics. Walks every event, so it
  // costs about as much as one pass over the groups.
  std::size_t MemoryBytes() const;
  // Block postings read by the lookups of every Add so far: the grouper's
  // main work per mention, for statistics and benchmarks.
  std::uint64_t PostingsRead() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsevents::query::identity

#endif  // NEWSEVENTS_QUERY_IDENTITY_GROUPING_H_
