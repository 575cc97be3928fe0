// The extractor's data: gazetteer (countries, first-level regions, populated
// places), actor dictionary and the rule lexicons (triggers, sector nouns,
// reporting verbs, modality cues, number words, figure heads, abbreviations),
// loaded from TSV files and indexed for longest-match lookup over tokens.
//
// Files, all under one directory (formats in data/README or the files'
// headers): countries.tsv, admin1.tsv, places.tsv, actors.tsv and
// lexicon/{triggers,sector-nouns,reporting-verbs,modality-cues,numbers,
// figure-heads,abbreviations,common-words}.tsv. places.tsv and actors.tsv are optional.
//
// Immutable after Load(); all accessors are thread-safe.
#ifndef NEWSEVENTS_INGEST_RESOURCES_RESOURCES_H_
#define NEWSEVENTS_INGEST_RESOURCES_RESOURCES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ingest/extract/model.h"
#include "ingest/resources/phrase_index.h"

namespace newsevents::ingest {

struct Country {
  std::string iso3, iso2, name, capital;
  double latitude = 0, longitude = 0, precision_km = 0;
};

struct Admin1 {
  std::string id, country_iso3, name;
  double latitude = 0, longitude = 0, precision_km = 0;
};

struct Place {
  std::string id, name, country_iso3, admin1_id;
  double latitude = 0, longitude = 0;
  std::int64_t population = 0;
  int capital_of = -1;  // index of the country whose capital this is, or -1
};

struct Actor {
  std::string id, name, country, sector, role;
  EntityKind kind = EntityKind::kUnspecified;
};

// What a gazetteer/actor phrase names.
enum class NameKind : std::uint8_t {
  kCountry,         // "Ukraine", "the United States"
  kDemonym,         // "Ukrainian" (adjective or singular noun)
  kDemonymPlural,   // "Ukrainians"
  kCapital,         // "Kyiv" as the seat of government
  kAdmin1,          // "Kursk Oblast", "Kursk region"
  kAdmin1Bare,      // "Kursk" as a bare region name
  kPlace,           // a populated place
  kActor,           // a person, organisation or armed group
};

struct NameEntry {
  NameKind kind;
  std::uint32_t index;  // into countries/admin1s/places/actors
  bool acronym;         // all-caps form: matches only all-caps text
};

// Parts of speech a trigger form can have.
enum class TriggerForm : std::uint8_t { kVerb, kParticiple, kNoun };

enum TriggerFlag : std::uint32_t {
  kTrigAgentive = 1u << 0,      // OUTCOME verb that implies an ASSAULT by its agent
  kTrigSpeech = 1u << 1,        // speech act: the actor is also the source
  kTrigNeedsFigure = 1u << 2,   // nominal casualty word: needs a figure
  kTrigIntransitive = 1u << 3,  // no recipient ("died")
  kTrigRecipWith = 1u << 4,     // recipient after "with" (met with X)
  kTrigRecipTo = 1u << 5,       // recipient after "to" (sent aid to X)
  kTrigRecipOn = 1u << 6,       // recipient after "on"/"against"
  kTrigRecipFrom = 1u << 7,     // recipient after "from" (withdrew from X)
  kTrigPatientSubject = 1u << 8,  // OUTCOME: subject is the patient
  kTrigWeak = 1u << 9,          // only with an actor or recipient entity
};

struct Trigger {
  std::string lemma, past, mode;
  EventType type = EventType::kUnspecified;
  TriggerForm form = TriggerForm::kVerb;
  FigureKind figure = FigureKind::kUnspecified;  // OUTCOME figure kind
  std::uint32_t flags = 0;
};

struct SectorNoun {
  std::string sector;
  EntityKind kind = EntityKind::kGroup;
  bool plural = false;
  bool title = false;  // can precede a person's name ("President")
};

enum class CueKind : std::uint8_t {
  kVerb,     // "X said", "X confirmed that"
  kPrep,     // "according to X"
  kNoun,     // "reports suggest", "estimates indicate"
  kAdverb,   // "reportedly", "allegedly"
};

struct ReportingCue {
  CueKind kind = CueKind::kVerb;
  Modality modality = Modality::kReported;
  bool quote = false;  // may introduce a direct quote
};

struct ModalityCue {
  Modality modality = Modality::kUnspecified;
  bool sentence_scope = false;  // anywhere before the trigger in the sentence
};

enum class NumberKind : std::uint8_t { kNumber, kMultiplier, kVague, kQualifier };

struct NumberWord {
  NumberKind kind = NumberKind::kNumber;
  std::int64_t low = 0;
  std::optional<std::int64_t> high;
  Qualifier qualifier = Qualifier::kUnspecified;
};

struct FigureHead {
  FigureKind kind = FigureKind::kUnspecified;  // kUnspecified: from the verb
  FigureKind fallback = FigureKind::kOther;
  std::string sector;
  bool not_counted = false;  // "24 hours", "30 attacks": a number, not a count of people
};

enum class AbbrevKind : std::uint8_t { kTitle, kMonth, kOther };

// A lexicon: a phrase index and the records its values point to.
template <typename T>
struct Lexicon {
  PhraseIndex index;
  std::vector<T> entries;
};

class Resources {
 public:
  // Loads `dir`/*.tsv and `lexicon_dir`/*.tsv (default `dir`/lexicon).
  static absl::StatusOr<std::unique_ptr<Resources>> Load(
      const std::string& dir, const std::string& lexicon_dir = "");

  const std::vector<Country>& countries() const { return countries_; }
  const std::vector<Admin1>& admin1s() const { return admin1s_; }
  const std::vector<Place>& places() const { return places_; }
  const std::vector<Actor>& actors() const { return actors_; }

  const Lexicon<NameEntry>& names() const { return names_; }
  const Lexicon<Trigger>& triggers() const { return triggers_; }
  const Lexicon<SectorNoun>& sector_nouns() const { return sector_nouns_; }
  const Lexicon<ReportingCue>& reporting() const { return reporting_; }
  const Lexicon<ModalityCue>& modality() const { return modality_; }
  const Lexicon<NumberWord>& numbers() const { return numbers_; }
  const Lexicon<FigureHead>& figure_heads() const { return figure_heads_; }
  // Abbreviations are keyed by the folded word without its dot.
  std::optional<AbbrevKind> Abbreviation(absl::string_view lower) const;
  // Which lexicons hold the one-token phrase with this token hash.
  enum WordFlag : std::uint8_t { kWordTrigger = 1, kWordReporting = 2, kWordOther = 4 };
  std::uint8_t WordFlags(std::uint64_t token_hash) const {
    auto it = word_flags_.find(token_hash);
    return it == word_flags_.end() ? 0 : it->second;
  }
  // True for common capitalised words that are also small places' names.
  bool IsCommonWord(absl::string_view lower) const {
    return common_words_.contains(lower);
  }

  // Country by ISO alpha-3, or nullptr.
  const Country* CountryByIso3(absl::string_view iso3) const;
  const Admin1* Admin1ById(absl::string_view id) const;

  // Load statistics.
  double load_seconds() const { return load_seconds_; }
  std::size_t MemoryBytes() const;

 private:
  Resources() = default;
  absl::Status LoadGazetteer(const std::string& dir);
  absl::Status LoadLexicons(const std::string& dir);
  void AddName(absl::string_view phrase, NameKind kind, std::uint32_t index);

  std::vector<Country> countries_;
  std::vector<Admin1> admin1s_;
  std::vector<Place> places_;
  std::vector<Actor> actors_;
  absl::flat_hash_map<std::string, std::uint32_t> country_by_iso3_;
  absl::flat_hash_map<std::string, std::uint32_t> admin1_by_id_;
  absl::flat_hash_map<std::string, AbbrevKind> abbreviations_;
  absl::flat_hash_set<std::string> common_words_;
  absl::flat_hash_map<std::uint64_t, std::uint8_t> word_flags_;

  Lexicon<NameEntry> names_;
  Lexicon<Trigger> triggers_;
  Lexicon<SectorNoun> sector_nouns_;
  Lexicon<ReportingCue> reporting_;
  Lexicon<ModalityCue> modality_;
  Lexicon<NumberWord> numbers_;
  Lexicon<FigureHead> figure_heads_;
  double load_seconds_ = 0;
};

// Parses the upper-case names used in the lexicons ("ASSAULT", "killed",
// "more_than", "armed_force", "reported"); nullopt for unknown names.
std::optional<EventType> ParseEventType(absl::string_view s);
std::optional<FigureKind> ParseFigureKind(absl::string_view s);
std::optional<Qualifier> ParseQualifier(absl::string_view s);
std::optional<EntityKind> ParseEntityKind(absl::string_view s);
std::optional<Modality> ParseModality(absl::string_view s);
const char* EventTypeName(EventType t);
const char* FigureKindName(FigureKind k);
const char* QualifierName(Qualifier q);
const char* ModalityName(Modality m);

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_RESOURCES_RESOURCES_H_
