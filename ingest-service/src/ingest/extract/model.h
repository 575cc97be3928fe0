// The extractor's output: events, quotes and annotations as plain structs.
// Mirrors newsevents.v1 (proto/newsevents/v1/events.proto) without
// depending on it; ingest/codec converts. Offsets are UTF-8 byte offsets
// into Document::body, half-open.
#ifndef NEWSEVENTS_INGEST_EXTRACT_MODEL_H_
#define NEWSEVENTS_INGEST_EXTRACT_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace newsevents::ingest {

// Same numbering as newsevents.v1.EventType.
enum class EventType : int {
  kUnspecified = 0, kAgree, kConsult, kSupport, kConcede, kCooperate, kAid,
  kRetreat, kRequest, kAccuse, kReject, kThreaten, kProtest, kSanction,
  kMobilize, kCoerce, kAssault, kOutcome,
};

// Same numbering as newsevents.v1.Modality.
enum class Modality : int {
  kUnspecified = 0, kAsserted, kReported, kAlleged, kEstimated, kDenied,
  kNegated, kFuture, kHypothetical,
};

// Same numbering as newsevents.v1.EntityKind.
enum class EntityKind : int {
  kUnspecified = 0, kPerson, kCountry, kOrganization, kArmedForce, kGroup,
};

// Same numbering as newsevents.v1.PlaceKind.
enum class PlaceKind : int {
  kUnspecified = 0, kCountry, kAdmin1, kCity, kOther,
};

// Same numbering as newsevents.v1.Granularity.
enum class Granularity : int {
  kUnspecified = 0, kDay, kWeek, kMonth, kYear,
};

// Same numbering as newsevents.v1.FigureKind.
enum class FigureKind : int {
  kUnspecified = 0, kKilled, kInjured, kKilledOrInjured, kCaptured,
  kPersonnel, kDisplaced, kArrested, kParticipants, kOther,
};

// Same numbering as newsevents.v1.Qualifier.
enum class Qualifier : int {
  kUnspecified = 0, kExact, kMoreThan, kAtLeast, kAtMost, kApproximate,
  kVague, kRange,
};

struct TextSpan {
  std::size_t start = 0;
  std::size_t end = 0;  // exclusive
  bool empty() const { return end <= start; }
};

// A resolved actor. `id` empty means "no entity".
struct EntityRef {
  std::string id;       // "country:UKR", "person:volodymyr-zelenskyy", "new:..."
  std::string name;     // canonical name
  EntityKind kind = EntityKind::kUnspecified;
  std::string country;  // ISO alpha-3, may be empty
  std::string sector;   // "government", "military", ...; may be empty
  std::string text;     // the mention's words
  std::int64_t count = 0;  // individuals denoted, 0 = not stated
  TextSpan span;        // the mention
};

// A resolved place. `id` empty means "no place".
struct PlaceRef {
  std::string id;        // "iso:RUS", "iso:RU-KRS", "gn:<id>", "new:..."
  std::string name;
  PlaceKind kind = PlaceKind::kUnspecified;
  std::string admin1;    // name of the containing first-level region
  std::string admin1_id;
  std::string country;   // ISO alpha-3
  double latitude = 0;
  double longitude = 0;
  double precision_km = 0;
  std::string text;
  TextSpan span;
};

// [start, end) with granularity; see newsevents.v1.TimeSpan.
struct TimeRef {
  std::optional<absl::Time> start;
  std::optional<absl::Time> end;
  Granularity granularity = Granularity::kUnspecified;
  bool open_start = false;
  bool open_end = false;
  std::string text;
  TextSpan span;
};

struct FigureRef {
  FigureKind kind = FigureKind::kUnspecified;
  std::int64_t low = 0;
  std::optional<std::int64_t> high;  // nullopt = unbounded
  Qualifier qualifier = Qualifier::kUnspecified;
  EntityRef counted;
  EntityRef source;
  std::string text;
  TextSpan span;
};

struct ArgumentRef {
  std::string role;  // "actor", "recipient", "patient", "place", "time", ...
  TextSpan span;
};

struct EventRecord {
  std::string id;  // filled by AssignIds (ids.h)
  EventType type = EventType::kUnspecified;
  std::string mode;
  std::vector<EntityRef> actors;
  std::vector<EntityRef> recipients;
  std::vector<EntityRef> patients;
  PlaceRef place;
  TimeRef when;
  std::vector<FigureRef> figures;
  EntityRef according_to;
  Modality modality = Modality::kUnspecified;
  std::vector<std::string> quote_ids;
  std::string sentence;
  TextSpan sentence_span;
  TextSpan trigger;
  std::vector<ArgumentRef> arguments;
  float confidence = 0;
  std::string summary;
};

struct QuoteRecord {
  std::string id;
  EntityRef speaker;
  std::string cue;
  std::string text;
  TextSpan span;  // the quoted words, without the marks
  std::vector<std::string> event_ids;
};

struct AnnotationRecord {
  enum class Kind : int { kUnspecified = 0, kEntity, kPlace, kTime, kFigure };
  Kind kind = Kind::kUnspecified;
  TextSpan span;
  std::string text;
  EntityRef entity;
  PlaceRef place;
  TimeRef time;
  FigureRef figure;
};

struct Extraction {
  std::vector<EventRecord> events;
  std::vector<QuoteRecord> quotes;
  std::vector<AnnotationRecord> annotations;
};

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_EXTRACT_MODEL_H_
