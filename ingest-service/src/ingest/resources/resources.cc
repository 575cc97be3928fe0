#include "ingest/resources/resources.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ingest/resources/text.h"
#include "ingest/resources/tsv.h"

namespace newsevents::ingest {
namespace {

struct NamePair {
  const char* name;
  int value;
};

constexpr std::array<NamePair, 17> kEventTypes = {{
    {"AGREE", 1}, {"CONSULT", 2}, {"SUPPORT", 3}, {"CONCEDE", 4},
    {"COOPERATE", 5}, {"AID", 6}, {"RETREAT", 7}, {"REQUEST", 8},
    {"ACCUSE", 9}, {"REJECT", 10}, {"THREATEN", 11}, {"PROTEST", 12},
    {"SANCTION", 13}, {"MOBILIZE", 14}, {"COERCE", 15}, {"ASSAULT", 16},
    {"OUTCOME", 17},
}};
constexpr std::array<NamePair, 9> kFigureKinds = {{
    {"killed", 1}, {"injured", 2}, {"killed_or_injured", 3}, {"captured", 4},
    {"personnel", 5}, {"displaced", 6}, {"arrested", 7}, {"participants", 8},
    {"other", 9},
}};
constexpr std::array<NamePair, 7> kQualifiers = {{
    {"exact", 1}, {"more_than", 2}, {"at_least", 3}, {"at_most", 4},
    {"approximate", 5}, {"vague", 6}, {"range", 7},
}};
constexpr std::array<NamePair, 6> kEntityKinds = {{
    {"person", 1}, {"country", 2}, {"organization", 3}, {"armed_force", 4},
    {"group", 5}, {"organisation", 3},
}};
constexpr std::array<NamePair, 8> kModalities = {{
    {"asserted", 1}, {"reported", 2}, {"alleged", 3}, {"estimated", 4},
    {"denied", 5}, {"negated", 6}, {"future", 7}, {"hypothetical", 8},
}};

template <std::size_t N>
std::optional<int> Lookup(const std::array<NamePair, N>& table,
                          absl::string_view s) {
  for (const NamePair& p : table) {
    if (absl::EqualsIgnoreCase(s, p.name)) return p.value;
  }
  return std::nullopt;
}

template <std::size_t N>
const char* NameOf(const std::array<NamePair, N>& table, int v) {
  for (const NamePair& p : table) {
    if (p.value == v) return p.name;
  }
  return "UNSPECIFIED";
}

double ToDouble(absl::string_view s) {
  double d = 0;
  if (!absl::SimpleAtod(s, &d)) return 0;
  return d;
}

absl::Status RowError(const TsvTable& t, std::size_t row, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(t.name(), " line ", t.Line(row), ": ", what));
}

bool IsAllCaps(absl::string_view s) {
  int letters = 0;
  for (char c : s) {
    if (absl::ascii_isalpha(static_cast<unsigned char>(c))) {
      ++letters;
      if (!absl::ascii_isupper(static_cast<unsigned char>(c))) return false;
    }
  }
  return letters >= 2;
}

// Region words stripped from admin1 names to find their bare form.
constexpr std::array<absl::string_view, 12> kRegionWords = {
    " Oblast", " oblast", " Province", " province", " Region", " region",
    " Krai", " Governorate", " State", " Republic", " District", " County"};
constexpr std::array<absl::string_view, 3> kRegionSuffixes = {
    " region", " oblast", " province"};

// Adds each '|'-separated form; one-token forms also set `flag` in `flags`.
template <typename T>
void AddPhrases(absl::flat_hash_map<std::uint64_t, std::uint8_t>* flags, std::uint8_t flag,
                Lexicon<T>* lex, absl::string_view forms, std::uint32_t value) {
  for (absl::string_view f : SplitList(forms)) {
    const std::vector<std::uint64_t> h = PhraseHashes(f);
    lex->index.Add(h, value);
    if (h.size() == 1 && flag != 0) (*flags)[h[0]] |= flag;
  }
}

}  // namespace

std::optional<EventType> ParseEventType(absl::string_view s) {
  auto v = Lookup(kEventTypes, s);
  if (!v) return std::nullopt;
  return static_cast<EventType>(*v);
}
std::optional<FigureKind> ParseFigureKind(absl::string_view s) {
  auto v = Lookup(kFigureKinds, s);
  if (!v) return std::nullopt;
  return static_cast<FigureKind>(*v);
}
std::optional<Qualifier> ParseQualifier(absl::string_view s) {
  auto v = Lookup(kQualifiers, s);
  if (!v) return std::nullopt;
  return static_cast<Qualifier>(*v);
}
std::optional<EntityKind> ParseEntityKind(absl::string_view s) {
  auto v = Lookup(kEntityKinds, s);
  if (!v) return std::nullopt;
  return static_cast<EntityKind>(*v);
}
std::optional<Modality> ParseModality(absl::string_view s) {
  auto v = Lookup(kModalities, s);
  if (!v) return std::nullopt;
  return static_cast<Modality>(*v);
}
const char* EventTypeName(EventType t) {
  return NameOf(kEventTypes, static_cast<int>(t));
}
const char* FigureKindName(FigureKind k) {
  return NameOf(kFigureKinds, static_cast<int>(k));
}
const char* QualifierName(Qualifier q) {
  return NameOf(kQualifiers, static_cast<int>(q));
}
const char* ModalityName(Modality m) {
  return NameOf(kModalities, static_cast<int>(m));
}

void Resources::AddName(absl::string_view phrase, NameKind kind,
                        std::uint32_t index) {
  const std::vector<std::uint64_t> h = PhraseHashes(phrase);
  if (h.empty()) return;
  NameEntry e{kind, index, h.size() == 1 && IsAllCaps(phrase)};
  names_.entries.push_back(e);
  names_.index.Add(h, static_cast<std::uint32_t>(names_.entries.size() - 1));
}

absl::Status Resources::LoadGazetteer(const std::string& dir) {
  // countries.tsv
  {
    auto t = TsvTable::Read(dir + "/countries.tsv", {"iso3", "name"});
    if (!t.ok()) return t.status();
    const int c_iso3 = t->Column("iso3"), c_iso2 = t->Column("iso2"),
              c_name = t->Column("name"), c_alias = t->Column("aliases"),
              c_dem = t->Column("demonyms"), c_cap = t->Column("capital"),
              c_lat = t->Column("latitude"), c_lon = t->Column("longitude"),
              c_prec = t->Column("precision_km");
    for (std::size_t r = 0; r < t->rows(); ++r) {
      Country c;
      c.iso3 = std::string(t->Get(r, c_iso3));
      c.iso2 = std::string(t->Get(r, c_iso2));
      c.name = std::string(t->Get(r, c_name));
      c.capital = std::string(t->Get(r, c_cap));
      c.latitude = ToDouble(t->Get(r, c_lat));
      c.longitude = ToDouble(t->Get(r, c_lon));
      c.precision_km = ToDouble(t->Get(r, c_prec));
      if (c.iso3.size() != 3 || c.name.empty()) {
        return RowError(*t, r, "iso3 must have 3 letters and name is required");
      }
      const auto idx = static_cast<std::uint32_t>(countries_.size());
      AddName(c.name, NameKind::kCountry, idx);
      for (absl::string_view a : SplitList(t->Get(r, c_alias))) {
        AddName(a, NameKind::kCountry, idx);
      }
      const std::vector<absl::string_view> dems = SplitList(t->Get(r, c_dem));
      for (absl::string_view d : dems) {
        bool plural = false;
        if (absl::EndsWith(d, "s")) {
          absl::string_view stem = d.substr(0, d.size() - 1);
          for (absl::string_view o : dems) {
            if (o == stem) plural = true;
          }
          if (absl::EndsWith(d, "ians") || absl::EndsWith(d, "ans")) plural = true;
        }
        AddName(d, plural ? NameKind::kDemonymPlural : NameKind::kDemonym, idx);
      }
      if (!c.capital.empty()) AddName(c.capital, NameKind::kCapital, idx);
      country_by_iso3_[c.iso3] = idx;
      countries_.push_back(std::move(c));
    }
  }
  // admin1.tsv
  {
    auto t = TsvTable::Read(dir + "/admin1.tsv", {"id", "country_iso3", "name"});
    if (!t.ok()) return t.status();
    const int c_id = t->Column("id"), c_cc = t->Column("country_iso3"),
              c_name = t->Column("name"), c_alias = t->Column("aliases"),
              c_lat = t->Column("latitude"), c_lon = t->Column("longitude"),
              c_prec = t->Column("precision_km");
    for (std::size_t r = 0; r < t->rows(); ++r) {
      Admin1 a;
      a.id = std::string(t->Get(r, c_id));
      a.country_iso3 = std::string(t->Get(r, c_cc));
      a.name = std::string(t->Get(r, c_name));
      a.latitude = ToDouble(t->Get(r, c_lat));
      a.longitude = ToDouble(t->Get(r, c_lon));
      a.precision_km = ToDouble(t->Get(r, c_prec));
      if (a.id.empty() || a.name.empty()) return RowError(*t, r, "id and name are required");
      const auto idx = static_cast<std::uint32_t>(admin1s_.size());
      std::vector<absl::string_view> all = SplitList(t->Get(r, c_alias));
      all.insert(all.begin(), a.name);
      std::vector<std::string> bares;
      for (absl::string_view n : all) {
        AddName(n, NameKind::kAdmin1, idx);
        for (absl::string_view w : kRegionWords) {
          if (absl::EndsWith(n, w) && n.size() > w.size()) {
            bares.emplace_back(n.substr(0, n.size() - w.size()));
          }
        }
      }
      for (const std::string& b : bares) {
        AddName(b, NameKind::kAdmin1Bare, idx);
        for (absl::string_view s : kRegionSuffixes) {
          AddName(absl::StrCat(b, s), NameKind::kAdmin1, idx);
        }
      }
      admin1_by_id_[a.id] = idx;
      admin1s_.push_back(std::move(a));
    }
  }
  // places.tsv (optional)
  {
    auto t = TsvTable::Read(dir + "/places.tsv", {"id", "name", "country_iso3"});
    if (t.ok()) {
      const int c_id = t->Column("id"), c_name = t->Column("name"),
                c_alias = t->Column("aliases"), c_cc = t->Column("country_iso3"),
                c_a1 = t->Column("admin1_id"), c_lat = t->Column("latitude"),
                c_lon = t->Column("longitude"), c_pop = t->Column("population");
      places_.reserve(t->rows());
      for (std::size_t r = 0; r < t->rows(); ++r) {
        Place p;
        p.id = std::string(t->Get(r, c_id));
        p.name = std::string(t->Get(r, c_name));
        p.country_iso3 = std::string(t->Get(r, c_cc));
        p.admin1_id = std::string(t->Get(r, c_a1));
        p.latitude = ToDouble(t->Get(r, c_lat));
        p.longitude = ToDouble(t->Get(r, c_lon));
        std::int64_t pop = 0;
        if (absl::SimpleAtoi(t->Get(r, c_pop), &pop)) p.population = pop;
        if (p.id.empty() || p.name.empty()) return RowError(*t, r, "id and name are required");
        const auto idx = static_cast<std::uint32_t>(places_.size());
        AddName(p.name, NameKind::kPlace, idx);
        for (absl::string_view a : SplitList(t->Get(r, c_alias))) {
          if (a != p.name) AddName(a, NameKind::kPlace, idx);
        }
        places_.push_back(std::move(p));
      }
    } else if (!absl::IsNotFound(t.status())) {
      return t.status();
    }
  }
  // Capitals among the places, so that aliases ("Kiev") stand for governments too.
  {
    absl::flat_hash_map<std::string, std::uint32_t> capital_key;
    for (std::uint32_t c = 0; c < countries_.size(); ++c) {
      if (!countries_[c].capital.empty()) {
        capital_key[absl::StrCat(countries_[c].iso3, "/", FoldCase(countries_[c].capital))] = c;
      }
    }
    for (Place& p : places_) {
      auto it = capital_key.find(absl::StrCat(p.country_iso3, "/", FoldCase(p.name)));
      if (it != capital_key.end()) p.capital_of = static_cast<int>(it->second);
    }
  }
  // actors.tsv (optional)
  {
    auto t = TsvTable::Read(dir + "/actors.tsv", {"id", "name", "kind"});
    if (t.ok()) {
      const int c_id = t->Column("id"), c_name = t->Column("name"),
                c_kind = t->Column("kind"), c_cc = t->Column("country_iso3"),
                c_sector = t->Column("sector"), c_alias = t->Column("aliases"),
                c_role = t->Column("role");
      for (std::size_t r = 0; r < t->rows(); ++r) {
        Actor a;
        a.id = std::string(t->Get(r, c_id));
        a.name = std::string(t->Get(r, c_name));
        a.country = std::string(t->Get(r, c_cc));
        a.sector = std::string(t->Get(r, c_sector));
        a.role = std::string(t->Get(r, c_role));
        const auto kind = ParseEntityKind(t->Get(r, c_kind));
        if (a.id.empty() || a.name.empty() || !kind) {
          return RowError(*t, r, "id, name and a known kind are required");
        }
        a.kind = *kind;
        const auto idx = static_cast<std::uint32_t>(actors_.size());
        AddName(a.name, NameKind::kActor, idx);
        for (absl::string_view al : SplitList(t->Get(r, c_alias))) {
          AddName(al, NameKind::kActor, idx);
        }
        actors_.push_back(std::move(a));
      }
    } else if (!absl::IsNotFound(t.status())) {
      return t.status();
    }
  }
  return absl::OkStatus();
}

absl::Status Resources::LoadLexicons(const std::string& dir) {
  {
    auto t = TsvTable::Read(dir + "/triggers.tsv", {"lemma", "type", "mode"});
    if (!t.ok()) return t.status();
    const int c_lemma = t->Column("lemma"), c_verbs = t->Column("verbs"),
              c_parts = t->Column("participles"), c_nouns = t->Column("nouns"),
              c_type = t->Column("type"), c_mode = t->Column("mode"),
              c_fig = t->Column("figure"), c_flags = t->Column("flags"),
              c_past = t->Column("past");
    for (std::size_t r = 0; r < t->rows(); ++r) {
      Trigger base;
      base.lemma = std::string(t->Get(r, c_lemma));
      base.past = std::string(t->Get(r, c_past));
      base.mode = std::string(t->Get(r, c_mode));
      if (base.mode == "-") base.mode.clear();
      const auto type = ParseEventType(t->Get(r, c_type));
      if (!type) return RowError(*t, r, absl::StrCat("unknown event type \"", t->Get(r, c_type), "\""));
      base.type = *type;
      const absl::string_view fig = t->Get(r, c_fig);
      if (!fig.empty() && fig != "-") {
        const auto k = ParseFigureKind(fig);
        if (!k) return RowError(*t, r, absl::StrCat("unknown figure kind \"", fig, "\""));
        base.figure = *k;
      }
      for (absl::string_view f : SplitList(t->Get(r, c_flags))) {
        if (f == "agentive") base.flags |= kTrigAgentive;
        else if (f == "speech") base.flags |= kTrigSpeech;
        else if (f == "needs_figure") base.flags |= kTrigNeedsFigure;
        else if (f == "intransitive") base.flags |= kTrigIntransitive;
        else if (f == "with") base.flags |= kTrigRecipWith;
        else if (f == "to") base.flags |= kTrigRecipTo;
        else if (f == "on") base.flags |= kTrigRecipOn;
        else if (f == "from") base.flags |= kTrigRecipFrom;
        else if (f == "patient_subject") base.flags |= kTrigPatientSubject;
        else if (f == "weak") base.flags |= kTrigWeak;
        else if (f != "-") return RowError(*t, r, absl::StrCat("unknown flag \"", f, "\""));
      }
      if (base.past.empty() || base.past == "-") base.past = base.lemma;
      const std::pair<int, TriggerForm> cols[] = {{c_verbs, TriggerForm::kVerb},
                                                  {c_parts, TriggerForm::kParticiple},
                                                  {c_nouns, TriggerForm::kNoun}};
      for (const auto& [col, form] : cols) {
        const absl::string_view forms = t->Get(r, col);
        if (forms.empty() || forms == "-") continue;
        Trigger tr = base;
        tr.form = form;
        triggers_.entries.push_back(tr);
        AddPhrases(&word_flags_, kWordTrigger, &triggers_, forms,
                   static_cast<std::uint32_t>(triggers_.entries.size() - 1));
      }
    }
  }
  {
    auto t = TsvTable::Read(dir + "/sector-nouns.tsv", {"forms", "sector", "kind"});
    if (!t.ok()) return t.status();
    const int c_forms = t->Column("forms"), c_sector = t->Column("sector"),
              c_kind = t->Column("kind"), c_num = t->Column("number"),
              c_flags = t->Column("flags");
    for (std::size_t r = 0; r < t->rows(); ++r) {
      SectorNoun s;
      s.sector = std::string(t->Get(r, c_sector));
      const auto kind = ParseEntityKind(t->Get(r, c_kind));
      if (!kind) return RowError(*t, r, "unknown kind");
      s.kind = *kind;
      s.plural = t->Get(r, c_num) == "plural";
      s.title = absl::StrContains(t->Get(r, c_flags), "title");
      sector_nouns_.entries.push_back(s);
      AddPhrases(&word_flags_, kWordOther, &sector_nouns_, t->Get(r, c_forms),
                 static_cast<std::uint32_t>(sector_nouns_.entries.size() - 1));
    }
  }
  {
    auto t = TsvTable::Read(dir + "/reporting-verbs.tsv", {"forms", "kind", "modality"});
    if (!t.ok()) return t.status();
    const int c_forms = t->Column("forms"), c_kind = t->Column("kind"),
              c_mod = t->Column("modality"), c_flags = t->Column("flags");
    for (std::size_t r = 0; r < t->rows(); ++r) {
      ReportingCue c;
      const absl::string_view k = t->Get(r, c_kind);
      if (k == "verb") c.kind = CueKind::kVerb;
      else if (k == "prep") c.kind = CueKind::kPrep;
      else if (k == "noun") c.kind = CueKind::kNoun;
      else if (k == "adverb") c.kind = CueKind::kAdverb;
      else return RowError(*t, r, absl::StrCat("unknown cue kind \"", k, "\""));
      const auto m = ParseModality(t->Get(r, c_mod));
      if (!m) return RowError(*t, r, "unknown modality");
      c.modality = *m;
      c.quote = absl::StrContains(t->Get(r, c_flags), "quote");
      reporting_.entries.push_back(c);
      AddPhrases(&word_flags_, kWordReporting, &reporting_, t->Get(r, c_forms),
                 static_cast<std::uint32_t>(reporting_.entries.size() - 1));
    }
  }
  {
    auto t = TsvTable::Read(dir + "/modality-cues.tsv", {"forms", "modality", "scope"});
    if (!t.ok()) return t.status();
    const int c_forms = t->Column("forms"), c_mod = t->Column("modality"),
              c_scope = t->Column("scope");
    for (std::size_t r = 0; r < t->rows(); ++r) {
      ModalityCue c;
      const auto m = ParseModality(t->Get(r, c_mod));
      if (!m) return RowError(*t, r, "unknown modality");
      c.modality = *m;
      c.sentence_scope = t->Get(r, c_scope) == "sentence";
      modality_.entries.push_back(c);
      AddPhrases(&word_flags_, kWordOther, &modality_, t->Get(r, c_forms),
                 static_cast<std::uint32_t>(modality_.entries.size() - 1));
    }
  }
  {
    auto t = TsvTable::Read(dir + "/numbers.tsv", {"forms", "kind"});
    if (!t.ok()) return t.status();
    const int c_forms = t->Column("forms"), c_kind = t->Column("kind"),
              c_low = t->Column("low"), c_high = t->Column("high"),
              c_q = t->Column("qualifier");
    for (std::size_t r = 0; r < t->rows(); ++r) {
      NumberWord w;
      const absl::string_view k = t->Get(r, c_kind);
      if (k == "number") w.kind = NumberKind::kNumber;
      else if (k == "multiplier") w.kind = NumberKind::kMultiplier;
      else if (k == "vague") w.kind = NumberKind::kVague;
      else if (k == "qualifier") w.kind = NumberKind::kQualifier;
      else return RowError(*t, r, "unknown number kind");
      std::int64_t v = 0;
      if (absl::SimpleAtoi(t->Get(r, c_low), &v)) w.low = v;
      if (absl::SimpleAtoi(t->Get(r, c_high), &v)) w.high = v;
      const absl::string_view q = t->Get(r, c_q);
      if (!q.empty() && q != "-") {
        const auto qq = ParseQualifier(q);
        if (!qq) return RowError(*t, r, "unknown qualifier");
        w.qualifier = *qq;
      }
      numbers_.entries.push_back(w);
      AddPhrases(&word_flags_, kWordOther, &numbers_, t->Get(r, c_forms),
                 static_cast<std::uint32_t>(numbers_.entries.size() - 1));
    }
  }
  {
    auto t = TsvTable::Read(dir + "/figure-heads.tsv", {"forms", "figure"});
    if (!t.ok()) return t.status();
    const int c_forms = t->Column("forms"), c_fig = t->Column("figure"),
              c_fb = t->Column("fallback"), c_sector = t->Column("sector");
    for (std::size_t r = 0; r < t->rows(); ++r) {
      FigureHead h;
      const absl::string_view f = t->Get(r, c_fig);
      if (f == "none") {
        h.not_counted = true;
      } else if (f != "verb") {
        const auto k = ParseFigureKind(f);
        if (!k) return RowError(*t, r, "unknown figure kind");
        h.kind = *k;
      }
      const absl::string_view fb = t->Get(r, c_fb);
      if (!fb.empty() && fb != "-") {
        const auto k = ParseFigureKind(fb);
        if (!k) return RowError(*t, r, "unknown fallback figure kind");
        h.fallback = *k;
      }
      h.sector = std::string(t->Get(r, c_sector));
      if (h.sector == "-") h.sector.clear();
      figure_heads_.entries.push_back(h);
      AddPhrases(&word_flags_, kWordOther, &figure_heads_, t->Get(r, c_forms),
                 static_cast<std::uint32_t>(figure_heads_.entries.size() - 1));
    }
  }
  {
    auto t = TsvTable::Read(dir + "/abbreviations.tsv", {"forms", "kind"});
    if (!t.ok()) return t.status();
    const int c_forms = t->Column("forms"), c_kind = t->Column("kind");
    for (std::size_t r = 0; r < t->rows(); ++r) {
      const absl::string_view k = t->Get(r, c_kind);
      const AbbrevKind kind = k == "title"   ? AbbrevKind::kTitle
                              : k == "month" ? AbbrevKind::kMonth
                                             : AbbrevKind::kOther;
      for (absl::string_view f : SplitList(t->Get(r, c_forms))) {
        std::string key = FoldCase(f);
        if (!key.empty() && key.back() == '.') key.pop_back();
        abbreviations_[key] = kind;
      }
    }
  }
  {
    auto t = TsvTable::Read(dir + "/common-words.tsv", {"forms"});
    if (t.ok()) {
      const int c_forms = t->Column("forms");
      for (std::size_t r = 0; r < t->rows(); ++r) {
        for (absl::string_view f : SplitList(t->Get(r, c_forms))) {
          common_words_.insert(FoldCase(f));
        }
      }
    } else if (!absl::IsNotFound(t.status())) {
      return t.status();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Resources>> Resources::Load(
    const std::string& dir, const std::string& lexicon_dir) {
  const absl::Time t0 = absl::Now();
  std::unique_ptr<Resources> r(new Resources());
  absl::Status s = r->LoadGazetteer(dir);
  if (!s.ok()) return s;
  s = r->LoadLexicons(lexicon_dir.empty() ? dir + "/lexicon" : lexicon_dir);
  if (!s.ok()) return s;
  r->load_seconds_ = absl::ToDoubleSeconds(absl::Now() - t0);
  return r;
}

std::optional<AbbrevKind> Resources::Abbreviation(absl::string_view lower) const {
  auto it = abbreviations_.find(lower);
  if (it == abbreviations_.end()) return std::nullopt;
  return it->second;
}

const Country* Resources::CountryByIso3(absl::string_view iso3) const {
  auto it = country_by_iso3_.find(iso3);
  return it == country_by_iso3_.end() ? nullptr : &countries_[it->second];
}

const Admin1* Resources::Admin1ById(absl::string_view id) const {
  auto it = admin1_by_id_.find(id);
  return it == admin1_by_id_.end() ? nullptr : &admin1s_[it->second];
}

std::size_t Resources::MemoryBytes() const {
  std::size_t b = names_.index.MemoryBytes() + triggers_.index.MemoryBytes() +
                  names_.entries.capacity() * sizeof(NameEntry);
  for (const Place& p : places_) {
    b += sizeof(Place) + p.id.capacity() + p.name.capacity() +
         p.admin1_id.capacity();
  }
  b += actors_.size() * sizeof(Actor) + admin1s_.size() * sizeof(Admin1) +
       countries_.size() * sizeof(Country);
  return b;
}

}  // namespace newsevents::ingest
