// The event store's model: articles, events, quotes, entities and places as
// plain structs. Mirrors newsevents.v1 (proto/newsevents/v1/events.proto)
// field for field without depending on it; query/codec converts. The enums
// keep the proto's numbering so that conversion is a range check and a cast.
//
// Offsets are UTF-8 byte offsets into the article body, half-open.
// An absent time is std::nullopt; an absent entity or place has an empty id.
#ifndef NEWSEVENTS_QUERY_STORE_MODEL_H_
#define NEWSEVENTS_QUERY_STORE_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace newsevents::query::store {

enum class EventType : std::uint8_t {
  kUnspecified = 0, kAgree, kConsult, kSupport, kConcede, kCooperate, kAid,
  kRetreat, kRequest, kAccuse, kReject, kThreaten, kProtest, kSanction,
  kMobilize, kCoerce, kAssault, kOutcome,
};
inline constexpr int kMaxEventType = 17;

enum class Modality : std::uint8_t {
  kUnspecified = 0, kAsserted, kReported, kAlleged, kEstimated, kDenied,
  kNegated, kFuture, kHypothetical,
};
inline constexpr int kMaxModality = 8;

enum class EntityKind : std::uint8_t {
  kUnspecified = 0, kPerson, kCountry, kOrganization, kArmedForce, kGroup,
};
inline constexpr int kMaxEntityKind = 5;

enum class PlaceKind : std::uint8_t {
  kUnspecified = 0, kCountry, kAdmin1, kCity, kOther,
};
inline constexpr int kMaxPlaceKind = 4;

enum class Granularity : std::uint8_t {
  kUnspecified = 0, kDay, kWeek, kMonth, kYear,
};
inline constexpr int kMaxGranularity = 4;

enum class FigureKind : std::uint8_t {
  kUnspecified = 0, kKilled, kInjured, kKilledOrInjured, kCaptured,
  kPersonnel, kDisplaced, kArrested, kParticipants, kOther,
};
inline constexpr int kMaxFigureKind = 9;

enum class Qualifier : std::uint8_t {
  kUnspecified = 0, kExact, kMoreThan, kAtLeast, kAtMost, kApproximate,
  kVague, kRange,
};
inline constexpr int kMaxQualifier = 7;

// Readable names used as aggregation keys: "ASSAULT" (the ontology's type
// names) and "reported" (its modality names). "" for out-of-range values.
absl::string_view EventTypeName(EventType type);
absl::string_view ModalityName(Modality modality);

struct Span {
  std::int32_t start = 0;
  std::int32_t end = 0;  // exclusive
  friend bool operator==(const Span&, const Span&) = default;
};

// A canonical actor as mentioned in one record. The store keeps one
// canonical record per id (name, kind, country, sector, aliases: first
// non-empty value wins, later names become aliases); `text` and `count`
// belong to the mention.
struct Entity {
  std::string id;  // "country:UKR", "person:volodymyr-zelenskyy", ...
  std::string name;
  EntityKind kind = EntityKind::kUnspecified;
  std::string country;  // ISO 3166-1 alpha-3, may be empty
  std::string sector;
  std::string text;
  std::int64_t count = 0;
  std::vector<std::string> aliases;  // filled on output by SearchEntities
  friend bool operator==(const Entity&, const Entity&) = default;
};

// A canonical place as mentioned in one event; like Entity, everything but
// `text` is kept once per id.
struct Place {
  std::string id;  // "iso:RUS", "iso:RU-KRS", "gn:<GeoNames id>", "new:..."
  std::string name;
  PlaceKind kind = PlaceKind::kUnspecified;
  std::string admin1;
  std::string admin1_id;  // the containing admin1 region (itself for one)
  std::string country;    // ISO 3166-1 alpha-3
  double latitude = 0;
  double longitude = 0;
  double precision_km = 0;
  std::string text;
  friend bool operator==(const Place&, const Place&) = default;
};

// An event time [start, end) with the text's granularity; see
// newsevents.v1.TimeSpan. Times are kept to the microsecond.
struct TimeSpan {
  std::optional<absl::Time> start;
  std::optional<absl::Time> end;
  Granularity granularity = Granularity::kUnspecified;
  bool open_start = false;
  bool open_end = false;
  std::string text;
  friend bool operator==(const TimeSpan&, const TimeSpan&) = default;
};

struct Figure {
  FigureKind kind = FigureKind::kUnspecified;
  std::int64_t low = 0;
  std::optional<std::int64_t> high;  // nullopt = unbounded
  Qualifier qualifier = Qualifier::kUnspecified;
  Entity counted;
  Entity source;
  std::string text;
  Span span;
  friend bool operator==(const Figure&, const Figure&) = default;
};

struct ArgumentSpan {
  std::string role;  // "actor", "recipient", "patient", "place", ...
  Span span;
  friend bool operator==(const ArgumentSpan&, const ArgumentSpan&) = default;
};

struct Evidence {
  std::string sentence;
  Span sentence_span;
  Span trigger;
  std::vector<ArgumentSpan> arguments;
  friend bool operator==(const Evidence&, const Evidence&) = default;
};

// How well an event (one real-world happening, a group of mentions) is
// reported; see identity::Corroboration.
struct Corroboration {
  std::int64_t mentions = 0;
  std::int64_t articles = 0;
  std::int64_t outlets = 0;
  // Outlets with at least one report that is not a near-copy of an earlier
  // report from another outlet.
  std::int64_t independent_outlets = 0;
  absl::Time first_seen = absl::UnixEpoch();  // ingest time of the first mention
  absl::Time last_seen = absl::UnixEpoch();   // ... and of the latest
  friend bool operator==(const Corroboration&, const Corroboration&) = default;
};

// The event a stored mention is part of.
struct EventIdentity {
  std::string event_id;  // "evt_" + 16 hex digits; empty when not grouped
  Corroboration corroboration;
  friend bool operator==(const EventIdentity&, const EventIdentity&) = default;
};

// The same with the event id as the key it spells (identity::WriteEventId),
// for pages that write ids without a string per event.
struct KeyedIdentity {
  bool grouped = false;  // false: no event id (the store does not group)
  std::uint64_t key = 0;
  Corroboration corroboration;
  friend bool operator==(const KeyedIdentity&, const KeyedIdentity&) = default;
};

// What storing a mention did to the events (newsevents.v1.EventChange).
enum class Change : std::uint8_t { kUnspecified = 0, kCreated, kUpdated, kMerged };

struct EventChange {
  Change change = Change::kUnspecified;
  // kMerged: the event ids that no longer exist; their mentions are now
  // part of the mention's event (identity.event_id). A rename (the new
  // mention's id became the group's smallest) is a merge of one event.
  std::vector<std::string> retired_event_ids;
};

// One extracted event record: a MENTION of a happening in one article. The
// store groups mentions of one happening into an event (`identity`).
struct Event {
  std::string id;
  std::string article_id;  // empty on input = the appended article's id
  EventType type = EventType::kUnspecified;
  std::string mode;
  std::vector<Entity> actors;
  std::vector<Entity> recipients;
  std::vector<Entity> patients;
  Place place;
  TimeSpan when;
  std::vector<Figure> figures;
  Entity according_to;  // empty id = unattributed
  Modality modality = Modality::kUnspecified;  // stored as kAsserted
  std::vector<std::string> quote_ids;
  Evidence evidence;
  float confidence = 0;
  std::string summary;
  // Set by the store; ignored on input.
  absl::Time ingested_at = absl::UnixEpoch();
  std::int64_t revision = 0;
  std::optional<absl::Time> published_at;  // the article's
  EventIdentity identity;
  friend bool operator==(const Event&, const Event&) = default;
};

struct Quote {
  std::string id;
  std::string article_id;  // empty on input = the appended article's id
  Entity speaker;
  std::string cue;
  std::string text;
  Span span;
  std::vector<std::string> event_ids;
  // Set by the store (the article's); ignored on input.
  std::optional<absl::Time> published_at;
  friend bool operator==(const Quote&, const Quote&) = default;
};

struct Section {
  std::string heading;
  std::int32_t offset = 0;
  friend bool operator==(const Section&, const Section&) = default;
};

struct ArticleInfo {
  std::string id;
  std::string title;
  std::optional<absl::Time> published_at;
  std::vector<std::string> authors;
  std::string outlet;
  std::string url;
  std::string language;
  std::vector<Section> sections;
  std::int32_t body_bytes = 0;
  // Set by the store; ignored on input.
  std::int32_t event_count = 0;
  std::int32_t quote_count = 0;
  absl::Time ingested_at = absl::UnixEpoch();
  friend bool operator==(const ArticleInfo&, const ArticleInfo&) = default;
};

}  // namespace newsevents::query::store

#endif  // NEWSEVENTS_QUERY_STORE_MODEL_H_
