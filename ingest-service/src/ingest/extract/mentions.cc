// Stage 2-3: entity and place mentions, compositions ("Ukrainian forces",
// "Russia's Kursk region", "Ukrainian President Volodymyr Zelenskyy"),
// article-local aliases (acronyms in parentheses, surnames) and
// coreference of pronouns and definite sector nouns.
#include <algorithm>
#include <array>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ingest/extract/analysis.h"

namespace newsevents::ingest {
namespace {

template <std::size_t N>
bool In(const absl::string_view (&set)[N], absl::string_view w) {
  for (absl::string_view s : set) {
    if (s == w) return true;
  }
  return false;
}

// Capitalised words that do not start a name.
constexpr absl::string_view kCapStop[] = {
    "the", "a", "an", "in", "on", "at", "but", "and", "or", "yet", "as",
    "this", "that", "these", "those", "it", "he", "she", "they", "we", "i",
    "his", "her", "their", "its", "our", "my", "your", "after", "before",
    "during", "when", "while", "with", "without", "for", "from", "by", "of",
    "to", "if", "meanwhile", "however", "furthermore", "moreover", "also",
    "although", "though", "since", "among", "amid", "amidst", "according",
    "some", "many", "most", "both", "all", "other", "there", "here", "what",
    "who", "why", "how", "where", "which", "about", "over", "under", "no",
    "not", "one", "two", "three", "several", "more", "less", "last", "next",
    "earlier", "later", "then", "now", "today", "yesterday", "tomorrow",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "reports", "introduction", "conclusion", "despite", "following",
    "until", "mr", "mrs", "ms"};
constexpr absl::string_view kMonths[] = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "sept", "jan"};
constexpr absl::string_view kOrgWords[] = {
    "ministry", "service", "agency", "council", "party", "front", "army",
    "corps", "committee", "organization", "organisation", "union",
    "association", "group", "brigade", "battalion", "regiment", "force",
    "forces", "guard", "bank", "company", "university", "court", "parliament",
    "assembly", "commission", "office", "department", "police", "movement",
    "alliance", "institute", "foundation", "news", "division"};
constexpr absl::string_view kMilitaryOrgWords[] = {
    "army", "corps", "brigade", "battalion", "regiment", "division"};
constexpr absl::string_view kDirections[] = {
    "northern", "southern", "eastern", "western", "central", "north-eastern",
    "north-western", "south-eastern", "south-western", "northeastern",
    "northwestern", "southeastern", "southwestern", "occupied"};
constexpr absl::string_view kPlaceNouns[] = {
    "city", "town", "village", "region", "province", "district", "oblast",
    "port", "capital", "area", "settlement", "outskirts"};
// Facilities named after their town ("Donetsk Airport"): located there.
constexpr absl::string_view kFacilityWords[] = {
    "airport", "station", "bridge", "port", "harbour", "harbor", "dam", "refinery",
    "checkpoint", "hospital", "mine", "plant", "square", "stadium", "base", "airbase",
    "prison", "market", "university"};
constexpr absl::string_view kVerbCues[] = {
    "has", "have", "had", "is", "was", "will", "would", "were"};

struct Best {
  std::size_t len = 0;
  std::vector<NameEntry> entries;
};

class MentionFinder {
 public:
  MentionFinder(const Resources& res, Analysis& a)
      : res_(res), a_(a), toks_(a.seg.tokens), lex_(toks_.size(), 0) {
    // One pass of single-token lexicon lookups, cached per token.
    const absl::flat_hash_set<absl::string_view>& stop = StopSet();
    for (std::size_t i = 0; i < toks_.size(); ++i) {
      if (toks_[i].type != TokenType::kWord) continue;
      const std::uint8_t w = res_.WordFlags(toks_[i].hash);
      std::uint8_t f = 0;
      if (w & Resources::kWordTrigger) f |= kLexTrigger;
      if (w != 0) f |= kLexAny;
      if (stop.contains(toks_[i].lower)) f |= kLexStop | kLexAny;
      if (In(kMonths, toks_[i].lower)) f |= kLexAny;
      lex_[i] = f;
    }
  }

  void Run() {
    a_.mentions.reserve(toks_.size() / 3 + 1);
    ComputeFocusCountry();
    for (std::size_t s = 0; s < a_.seg.sentences.size(); ++s) {
      const Sentence& sent = a_.seg.sentences[s];
      std::size_t i = sent.tok_begin;
      possessor_country_.clear();
      while (i < sent.tok_end) {
        const std::size_t next = Step(static_cast<int>(s), sent, i);
        i = next > i ? next : i + 1;
      }
    }
    Finish();
  }

 private:
  bool IsWord(std::size_t i) const { return toks_[i].type == TokenType::kWord; }

  static constexpr std::uint8_t kLexAny = 1, kLexTrigger = 2, kLexStop = 4;

  static const absl::flat_hash_set<absl::string_view>& StopSet() {
    static const auto* set = new absl::flat_hash_set<absl::string_view>(
        std::begin(kCapStop), std::end(kCapStop));
    return *set;
  }
  bool IsStop(std::size_t i) const { return (lex_[i] & kLexStop) != 0; }

  bool IsLexiconWord(std::size_t i) const { return (lex_[i] & kLexAny) != 0; }

  // Cached: each token's longest name is computed once (the focus-country
  // pass and the mention pass ask for the same tokens).
  const Best& MatchNames(std::size_t i, std::size_t end, bool sentence_start) {
    if (name_cache_.empty()) {
      name_cache_.assign(toks_.size(), -1);
      name_store_.reserve(toks_.size());  // never reallocates: references stay valid
    }
    if (name_cache_[i] < 0) {
      name_cache_[i] = static_cast<int>(name_store_.size());
      name_store_.push_back(MatchNamesUncached(i, end, sentence_start));
    }
    return name_store_[static_cast<std::size_t>(name_cache_[i])];
  }

  // Longest dictionary name at i that passes the case rules.
  Best MatchNamesUncached(std::size_t i, std::size_t end, bool sentence_start) const {
    Best best;
    if (!IsWord(i) || !toks_[i].cap) return best;
    res_.names().index.ForEachMatch(
        end - i, [&](std::size_t k) { return toks_[i + k].hash; },
        [&](std::size_t len, const std::vector<std::uint32_t>& values) {
          std::vector<NameEntry> ok;
          // A name that is a whole sentence is a place label ("Sloviansk").
          std::size_t last = i + len;
          while (last < end && toks_[last].type == TokenType::kPunct) ++last;
          const bool label = sentence_start && last == end;
          for (std::uint32_t v : values) {
            const NameEntry& e = res_.names().entries[v];
            if (e.acronym && !toks_[i].allcaps) continue;
            if (len == 1 && (e.kind == NameKind::kPlace || e.kind == NameKind::kAdmin1Bare ||
                             e.kind == NameKind::kAdmin1)) {
              const bool loc = i > 0 && (IsLocativePreposition(toks_[i - 1].lower) ||
                                         absl::string_view(toks_[i - 1].lower) == "of" ||
                                         absl::string_view(toks_[i - 1].lower) == "from");
              if (IsLexiconWord(i)) continue;
              if (!loc && !label) {
                const std::int64_t pop = e.kind == NameKind::kPlace
                                             ? res_.places()[e.index].population
                                             : 1000000;
                if (res_.IsCommonWord(toks_[i].lower)) continue;
                if (pop < 1000) continue;
                if (sentence_start && pop < 50000) continue;
                // Part of a longer proper name ("Donetsk Republic").
                // ("Rebel-held Donetsk": a hyphenated modifier is no part.)
                const bool cap_before = i > 0 && !sentence_start && toks_[i - 1].cap &&
                                        toks_[i - 1].type == TokenType::kWord &&
                                        toks_[i - 1].lower.find('-') == std::string::npos;
                const bool cap_after = i + 1 < end && toks_[i + 1].cap &&
                                       toks_[i + 1].type == TokenType::kWord &&
                                       !In(kFacilityWords, toks_[i + 1].lower);
                if (cap_before || cap_after) continue;
              }
            }
            ok.push_back(e);
          }
          if (!ok.empty()) {
            best.len = len;
            best.entries = std::move(ok);
          }
        });
    return best;
  }

  std::size_t MatchSector(std::size_t i, std::size_t end, SectorNoun* out) const {
    std::size_t best = 0;
    if (toks_[i].type != TokenType::kWord) return 0;
    res_.sector_nouns().index.ForEachMatch(
        end - i, [&](std::size_t k) { return toks_[i + k].hash; },
        [&](std::size_t len, const std::vector<std::uint32_t>& values) {
          best = len;
          *out = res_.sector_nouns().entries[values.front()];
        });
    return best;
  }

  bool IsTriggerWord(std::size_t i) const { return (lex_[i] & kLexTrigger) != 0; }

  // Walks back over determiners, directions, "the city of" and possessors to
  // the governing preposition. Sets *city when "city/town/village of" precedes.
  std::string GoverningPrep(std::size_t i, std::size_t sent_begin, bool* city,
                            bool* region) const {
    *city = false;
    *region = false;
    std::size_t k = i;
    int steps = 0;
    while (k > sent_begin && steps < 8) {
      ++steps;
      const Token& t = toks_[k - 1];
      if (t.type == TokenType::kPossessive) {
        // Skip the possessor mention.
        if (k >= 2 && a_.tok_mention[k - 2] >= 0) {
          k = a_.mentions[static_cast<std::size_t>(a_.tok_mention[k - 2])].tb;
          continue;
        }
        break;
      }
      if (IsDeterminer(t.lower) || In(kDirections, t.lower)) {
        --k;
        continue;
      }
      if (absl::string_view(t.lower) == "of" && k >= 2 && In(kPlaceNouns, toks_[k - 2].lower)) {
        const absl::string_view noun = toks_[k - 2].lower;
        if (noun == "city" || noun == "town" || noun == "village" || noun == "capital" ||
            noun == "port" || noun == "settlement") {
          *city = true;
        } else if (noun == "region" || noun == "province" || noun == "oblast") {
          *region = true;
        }
        k -= 2;
        continue;
      }
      if (IsPreposition(t.lower)) return t.lower;
      break;
    }
    return "";
  }

  void ComputeFocusCountry() {
    absl::flat_hash_map<std::string, int> counts;
    for (const Sentence& sent : a_.seg.sentences) {
      for (std::size_t i = sent.tok_begin; i < sent.tok_end; ++i) {
        if (!IsWord(i) || !toks_[i].cap) continue;
        const bool at_start = i == sent.tok_begin ||
                              (i == sent.tok_begin + 1 &&
                               toks_[i - 1].type == TokenType::kPunct);
        const Best& b = MatchNames(i, sent.tok_end, at_start);
        if (b.len == 0) continue;
        std::string country;
        bool agree = true;
        for (const NameEntry& e : b.entries) {
          std::string c;
          switch (e.kind) {
            case NameKind::kCountry: case NameKind::kDemonym:
            case NameKind::kDemonymPlural: case NameKind::kCapital:
              c = res_.countries()[e.index].iso3; break;
            case NameKind::kAdmin1: c = res_.admin1s()[e.index].country_iso3; break;
            // Armed groups, parties and officials are evidence of where too.
            case NameKind::kActor: c = res_.actors()[e.index].country; break;
            default: agree = false; break;
          }
          if (country.empty()) country = c;
          if (c != country) agree = false;
        }
        if (agree && !country.empty()) ++counts[country];
        // Regions a name may lie in, for the other names to agree with.
        const std::uint64_t key = NameKey(i, b.len);
        for (const NameEntry& e : b.entries) {
          const std::string* r = EntryRegion(e);
          if (r != nullptr && !r->empty()) region_names_[*r].insert(key);
        }
        i += b.len - 1;
      }
    }
    int best = 0;
    for (const auto& [c, n] : counts) {
      if (n > best || (n == best && c < a_.focus_country)) {
        best = n;
        a_.focus_country = c;
      }
    }
  }

  // Identity of a name's spelling, so a name repeated is not its own support.
  std::uint64_t NameKey(std::size_t i, std::size_t len) const {
    std::uint64_t h = 1469598103934665603ull;
    for (std::size_t k = i; k < i + len; ++k) h = (h ^ toks_[k].hash) * 1099511628211ull;
    return h;
  }

  const std::string* EntryRegion(const NameEntry& e) const {
    switch (e.kind) {
      case NameKind::kAdmin1: case NameKind::kAdmin1Bare: return &res_.admin1s()[e.index].id;
      case NameKind::kPlace: return &res_.places()[e.index].admin1_id;
      default: return nullptr;
    }
  }

  // Another name in the article may lie in the same region ("Pisky ...
  // Avdiivka": the Pisky of Donetsk Oblast).
  bool RegionSupported(const NameEntry& e) const {
    const std::string* r = EntryRegion(e);
    if (r == nullptr || r->empty()) return false;
    const auto it = region_names_.find(*r);
    if (it == region_names_.end()) return false;
    for (std::uint64_t k : it->second) {
      if (k != current_name_) return true;
    }
    return false;
  }

  static std::string EntryCountry(const Resources& res, const NameEntry& e) {
    switch (e.kind) {
      case NameKind::kCountry: case NameKind::kDemonym:
      case NameKind::kDemonymPlural: case NameKind::kCapital:
        return res.countries()[e.index].iso3;
      case NameKind::kAdmin1: case NameKind::kAdmin1Bare:
        return res.admin1s()[e.index].country_iso3;
      case NameKind::kPlace: return res.places()[e.index].country_iso3;
      case NameKind::kActor: return res.actors()[e.index].country;
    }
    return "";
  }

  double Score(const NameEntry& e, bool locative, bool city, bool region) const {
    double s = 0;
    switch (e.kind) {
      case NameKind::kCountry: s = locative ? 35 : 40; break;
      case NameKind::kDemonym: case NameKind::kDemonymPlural: s = locative ? 5 : 40; break;
      case NameKind::kCapital: s = locative ? 41 : 39; break;
      case NameKind::kAdmin1: s = locative ? 38 : 30; break;
      case NameKind::kAdmin1Bare: s = region ? 60 : 15; break;
      case NameKind::kPlace: {
        s = (locative ? 30 : 25) + (city ? 30 : 0);
        const double pop = static_cast<double>(res_.places()[e.index].population);
        s += std::log10(pop + 1.0);
        break;
      }
      case NameKind::kActor: s = locative ? 10 : 45; break;
    }
    const std::string c = EntryCountry(res_, e);
    if (!c.empty() && c == hint_country_) s += 100;
    if (!c.empty() && c == a_.focus_country) s += 12;
    if (e.kind == NameKind::kPlace && RegionSupported(e)) s += 15;
    return s;
  }

  PlaceRef PlaceFromAdmin1(const Admin1& ad) const {
    PlaceRef p;
    p.id = ad.id;
    p.name = ad.name;
    p.kind = PlaceKind::kAdmin1;
    p.admin1 = ad.name;
    p.admin1_id = ad.id;
    p.country = ad.country_iso3;
    p.latitude = ad.latitude;
    p.longitude = ad.longitude;
    p.precision_km = ad.precision_km;
    return p;
  }
  PlaceRef PlaceFromPlace(const Place& pl) const {
    PlaceRef p;
    p.id = pl.id;
    p.name = pl.name;
    p.kind = PlaceKind::kCity;
    p.admin1_id = pl.admin1_id;
    if (const Admin1* ad = res_.Admin1ById(pl.admin1_id)) p.admin1 = ad->name;
    p.country = pl.country_iso3;
    p.latitude = pl.latitude;
    p.longitude = pl.longitude;
    p.precision_km = 10;
    return p;
  }
  PlaceRef PlaceFromCountry(const Country& c) const {
    PlaceRef p;
    p.id = "iso:" + c.iso3;
    p.name = c.name;
    p.kind = PlaceKind::kCountry;
    p.country = c.iso3;
    p.latitude = c.latitude;
    p.longitude = c.longitude;
    p.precision_km = c.precision_km;
    return p;
  }
  EntityRef EntityFromCountry(const Country& c, EntityKind kind) const {
    EntityRef e;
    e.id = "country:" + c.iso3;
    e.name = c.name;
    e.kind = kind;
    e.country = c.iso3;
    return e;
  }
  EntityRef EntityFromActor(const Actor& ac) const {
    EntityRef e;
    e.id = ac.id;
    e.name = ac.name;
    e.kind = ac.kind;
    e.country = ac.country;
    e.sector = ac.sector;
    return e;
  }

  std::string SpanText(std::size_t tb, std::size_t te) const {
    return std::string(a_.body.substr(toks_[tb].start, toks_[te - 1].end - toks_[tb].start));
  }

  int AddMention(Mention m) {
    m.entity.span = m.place.span = TextSpan{toks_[m.tb].start, toks_[m.te - 1].end};
    const std::string text = SpanText(m.tb, m.te);
    if (!m.entity.id.empty()) m.entity.text = text;
    if (!m.place.id.empty()) m.place.text = text;
    m.in_quote = a_.tok_in_quote[m.tb];
    a_.mentions.push_back(std::move(m));
    const int idx = static_cast<int>(a_.mentions.size() - 1);
    const Mention& mm = a_.mentions.back();
    for (std::size_t k = mm.tb; k < mm.te; ++k) a_.tok_mention[k] = idx;
    if (!mm.in_quote && mm.entity.kind == EntityKind::kPerson && !mm.entity.id.empty()) {
      RegisterSurname(mm.entity);
    }
    return idx;
  }

  void RegisterSurname(const EntityRef& e) {
    if (!surnamed_.insert(e.id).second) return;  // once per person
    std::vector<Token> nt;
    Tokenize(e.name, 0, &nt);
    if (nt.size() >= 2 && nt.back().cap) aliases_[nt.back().hash] = e;
  }

  // A sequence of capitalised words starting at i (connectors allowed inside);
  // it stops before a word that starts a known name.
  std::size_t CapSequence(std::size_t i, std::size_t end) {
    std::size_t k = i;
    while (k < end && IsWord(k) && toks_[k].cap && !In(kMonths, toks_[k].lower) &&
           !a_.tok_in_quote[k] == !a_.tok_in_quote[i] &&
           (k == i || MatchNames(k, end, false).len == 0)) {
      ++k;
      if (k + 1 < end && (absl::string_view(toks_[k].lower) == "of" || absl::string_view(toks_[k].lower) == "for" ||
                          absl::string_view(toks_[k].lower) == "al" || absl::string_view(toks_[k].lower) == "bin" ||
                          absl::string_view(toks_[k].lower) == "de") &&
          IsWord(k + 1) && toks_[k + 1].cap) {
        ++k;
      }
    }
    return k - i;
  }

  // Person name after a title: a dictionary person or capitalised words.
  std::size_t PersonAfter(std::size_t k, std::size_t end, EntityRef* out) {
    // (MatchNames may grow its cache: copy what is needed before calling again.)
    if (k >= end || !IsWord(k) || !toks_[k].cap) return 0;
    const Best& b = MatchNames(k, end, k == 0);
    for (const NameEntry& e : b.entries) {
      if (e.kind == NameKind::kActor &&
          res_.actors()[e.index].kind == EntityKind::kPerson) {
        *out = EntityFromActor(res_.actors()[e.index]);
        return b.len;
      }
    }
    auto al = aliases_.find(toks_[k].hash);
    if (al != aliases_.end() && al->second.kind == EntityKind::kPerson) {
      *out = al->second;
      return 1;
    }
    if (b.len > 0) return 0;  // a country or place, not a person
    std::size_t len = CapSequence(k, end);
    if (len == 0 || len > 4) return 0;
    for (std::size_t j = k; j < k + len; ++j) {
      if (IsStop(j) || In(kOrgWords, toks_[j].lower)) return 0;
    }
    const std::string name = SpanText(k, k + len);
    out->id = "new:" + ShortHash(FoldCase(name));
    out->name = name;
    out->kind = EntityKind::kPerson;
    return len;
  }

  bool IsAdjective(std::size_t k) const {
    const Token& t = toks_[k];
    if (t.type != TokenType::kWord || t.cap) return false;
    if (IsPreposition(t.lower) || IsDeterminer(t.lower) || IsStop(k)) return false;
    if (IsTriggerWord(k)) return false;
    static constexpr absl::string_view kNotAdj[] = {
        "and", "or", "is", "are", "was", "were", "has", "have", "had", "be", "been", "who"};
    return !In(kNotAdj, t.lower) && !IsLexiconWord(k);
  }

  // demonym/possessor + adjectives + sector noun (+ person name for titles).
  bool Compose(int sentence, std::size_t i, std::size_t k, std::size_t end,
               const Country& c, Mention* out) {
    std::size_t j = k;
    for (int adj = 0; adj < 2 && j < end && IsAdjective(j); ++adj) ++j;
    SectorNoun sn;
    std::size_t len = j < end ? MatchSector(j, end, &sn) : 0;
    if (len == 0 && j != k) {
      j = k;
      len = MatchSector(j, end, &sn);
    }
    if (len == 0) return false;
    Mention m;
    m.sentence = sentence;
    m.tb = i;
    if (sn.title) {
      EntityRef person;
      const std::size_t plen = PersonAfter(j + len, end, &person);
      if (plen > 0) {
        if (person.country.empty()) person.country = c.iso3;
        if (person.sector.empty()) person.sector = sn.sector;
        m.entity = person;
        m.te = j + len + plen;
        *out = std::move(m);
        return true;
      }
    }
    m.entity = EntityFromCountry(c, sn.kind == EntityKind::kPerson && !sn.plural
                                        ? EntityKind::kPerson
                                        : sn.kind);
    m.entity.sector = sn.sector;
    if (!sn.plural) m.entity.count = 1;
    m.te = j + len;
    *out = std::move(m);
    return true;
  }

  // Finds the antecedent of a pronoun or definite noun phrase.
  const Mention* Antecedent(bool person, bool plural, absl::string_view sector,
                            EntityKind kind) const {
    int looked = 0;
    for (auto it = a_.mentions.rbegin(); it != a_.mentions.rend() && looked < 400;
         ++it, ++looked) {
      const Mention& m = *it;
      if (m.in_quote || m.entity.id.empty() || m.generic) continue;
      if (person) {
        if (m.entity.kind == EntityKind::kPerson) return &m;
        continue;
      }
      if (!sector.empty() && m.entity.sector != sector) continue;
      if (sector.empty() && (m.entity.kind == EntityKind::kPerson ||
                             m.entity.kind == EntityKind::kCountry))
        continue;
      if (plural && m.entity.count == 1) continue;
      if (!plural && m.entity.count != 1 && kind != EntityKind::kOrganization) continue;
      return &m;
    }
    return nullptr;
  }

  std::size_t Step(int s, const Sentence& sent, std::size_t i) {
    const Token& t = toks_[i];
    if (t.type != TokenType::kWord) return i + 1;
    const std::size_t end = sent.tok_end;
    const bool at_start = i == sent.tok_begin ||
                          (i == sent.tok_begin + 1 && toks_[i - 1].type == TokenType::kPunct);
    bool city = false, region = false;

    // Pronouns.
    if (!a_.tok_in_quote[i] &&
        (absl::string_view(t.lower) == "he" || absl::string_view(t.lower) == "she" || absl::string_view(t.lower) == "him" || absl::string_view(t.lower) == "they" ||
         absl::string_view(t.lower) == "them")) {
      const bool person = absl::string_view(t.lower) == "he" || absl::string_view(t.lower) == "she" || absl::string_view(t.lower) == "him";
      if (const Mention* ante = Antecedent(person, true, "", EntityKind::kGroup)) {
        Mention m;
        m.sentence = s;
        m.tb = i;
        m.te = i + 1;
        m.entity = ante->entity;
        m.prep = GoverningPrep(i, sent.tok_begin, &city, &region);
        AddMention(std::move(m));
      }
      return i + 1;
    }

    // Article-local aliases (acronyms, surnames).
    if (t.cap) {
      auto al = aliases_.find(t.hash);
      const Best& b = MatchNames(i, end, at_start);
      if (al != aliases_.end() && b.len <= 1) {
        Mention m;
        m.sentence = s;
        m.tb = i;
        m.te = i + 1;
        m.entity = al->second;
        m.prep = GoverningPrep(i, sent.tok_begin, &city, &region);
        const bool poss = i + 1 < end && toks_[i + 1].type == TokenType::kPossessive;
        m.possessor = poss;
        AddMention(std::move(m));
        return poss ? i + 2 : i + 1;
      }
      if (b.len > 0) return NamedMention(s, sent, i, b);
    }

    // Title + person ("President Volodymyr Zelenskyy", "Gen. Ivanov").
    SectorNoun sn;
    const std::size_t slen = MatchSector(i, end, &sn);
    if (slen > 0 && sn.title && t.cap) {
      std::size_t k = i + slen;
      if (k < end && absl::string_view(toks_[k].lower) == ".") ++k;
      EntityRef person;
      const std::size_t plen = PersonAfter(k, end, &person);
      if (plen > 0) {
        if (person.sector.empty()) person.sector = sn.sector;
        Mention m;
        m.sentence = s;
        m.tb = i;
        m.te = k + plen;
        m.entity = person;
        m.prep = GoverningPrep(i, sent.tok_begin, &city, &region);
        return FinishNamed(std::move(m), end);
      }
    }
    // Sector nouns alone: definite ones corefer, others stay generic.
    if (slen > 0 && !a_.tok_in_quote[i]) {
      const bool definite = i > sent.tok_begin && IsDeterminer(toks_[i - 1].lower) &&
                            absl::string_view(toks_[i - 1].lower) != "a" && absl::string_view(toks_[i - 1].lower) != "an";
      Mention m;
      m.sentence = s;
      m.tb = i;
      m.te = i + slen;
      m.prep = GoverningPrep(i, sent.tok_begin, &city, &region);
      const Mention* ante = definite ? Antecedent(false, sn.plural, sn.sector, sn.kind) : nullptr;
      if (ante != nullptr) {
        m.entity = ante->entity;
        if (!sn.plural) m.entity.count = 1;
      } else {
        m.entity.id = "group:" + sn.sector;
        m.entity.name = SpanText(i, i + slen);
        m.entity.kind = sn.kind;
        m.entity.sector = sn.sector;
        m.entity.count = sn.plural ? 0 : 1;
        m.generic = true;
      }
      AddMention(std::move(m));
      return i + slen;
    }

    // Unknown capitalised names.
    if (t.cap && !IsStop(i)) {
      std::size_t len = CapSequence(i, end);
      // Strip trailing connectors.
      if (len == 0) return i + 1;
      bool all_lex = true;
      for (std::size_t k = i; k < i + len; ++k) {
        if (!IsLexiconWord(k)) all_lex = false;
      }
      if (all_lex) return i + len;
      if (len == 1 && t.lower.size() == 1) return i + 1;  // an initial
      if (at_start) {
        const std::size_t k = i + len;
        const bool verb_follows =
            k < end && (In(kVerbCues, toks_[k].lower) || IsTriggerWord(k) || IsReportingWord(k));
        if (!verb_follows) return i + len;
      }
      const std::string name = SpanText(i, i + len);
      Mention m;
      m.sentence = s;
      m.tb = i;
      m.te = i + len;
      m.prep = GoverningPrep(i, sent.tok_begin, &city, &region);
      const std::string folded = FoldCase(name);
      m.entity.id = "new:" + ShortHash(folded);
      m.entity.name = name;
      bool org = false, mil = false;
      for (std::size_t k = i; k < i + len; ++k) {
        if (In(kOrgWords, toks_[k].lower)) org = true;
        if (In(kMilitaryOrgWords, toks_[k].lower)) mil = true;
      }
      if (mil) {
        m.entity.kind = EntityKind::kArmedForce;
        m.entity.sector = "military";
      } else if (org) {
        m.entity.kind = EntityKind::kOrganization;
      } else if (len >= 2 && len <= 4 && !IsLocativePreposition(m.prep)) {
        m.entity.kind = EntityKind::kPerson;
      }
      if (i > sent.tok_begin && a_.tok_mention[i - 1] >= 0 && m.entity.kind != EntityKind::kPerson) {
        const Mention& prev = a_.mentions[static_cast<std::size_t>(a_.tok_mention[i - 1])];
        if ((prev.demonym_adj || prev.entity.kind == EntityKind::kCountry) &&
            !prev.entity.country.empty() && prev.te == i) {
          m.entity.country = prev.entity.country;
        }
      }
      if (i == possessor_next_ && !possessor_country_.empty() && m.entity.country.empty() &&
          m.entity.kind != EntityKind::kPerson) {
        m.entity.country = possessor_country_;
      }
      // "Velykyi Prykil village": a place noun after the name makes it a place.
      const std::size_t nx = i + len;
      const bool place_noun =
          nx < end && (absl::string_view(toks_[nx].lower) == "village" ||
                       absl::string_view(toks_[nx].lower) == "town" ||
                       absl::string_view(toks_[nx].lower) == "settlement" ||
                       absl::string_view(toks_[nx].lower) == "hamlet");
      if ((IsLocativePreposition(m.prep) || place_noun) && !org) {
        m.place.id = m.entity.id;
        m.place.name = name;
        m.place.kind = PlaceKind::kOther;
        m.entity = EntityRef();
      }
      return FinishNamed(std::move(m), end);
    }
    return i + 1;
  }

  bool IsReportingWord(std::size_t i) const {
    bool hit = false;
    res_.reporting().index.ForEachMatch(
        1, [&](std::size_t) { return toks_[i].hash; },
        [&](std::size_t, const std::vector<std::uint32_t>& v) {
          for (std::uint32_t x : v) {
            if (res_.reporting().entries[x].kind == CueKind::kVerb) hit = true;
          }
        });
    return hit;
  }

  // Adds a named mention and handles a following possessive and "(ACRONYM)".
  std::size_t FinishNamed(Mention m, std::size_t end) {
    std::size_t k = m.te;
    if (k < end && toks_[k].type == TokenType::kPossessive) {
      m.possessor = true;
      ++k;
    }
    if (k + 2 < end && absl::string_view(toks_[k].lower) == "(" && toks_[k + 1].allcaps && absl::string_view(toks_[k + 2].lower) == ")" &&
        !m.entity.id.empty()) {
      aliases_[toks_[k + 1].hash] = m.entity;
      AddMention(std::move(m));
      return k + 3;
    }
    const std::string country = m.possessor && !m.entity.country.empty() &&
                                        (m.entity.kind == EntityKind::kCountry)
                                    ? m.entity.country
                                    : std::string();
    AddMention(std::move(m));
    possessor_country_ = country;
    possessor_next_ = k;
    return k;
  }

  std::size_t NamedMention(int s, const Sentence& sent, std::size_t i, const Best& b) {
    const std::size_t end = sent.tok_end;
    bool city = false, region = false;
    hint_country_ = i == possessor_next_ ? possessor_country_ : std::string();
    current_name_ = NameKey(i, b.len);
    Mention m;
    m.sentence = s;
    m.tb = i;
    m.te = i + b.len;
    m.prep = GoverningPrep(i, sent.tok_begin, &city, &region);
    const bool locative = IsLocativePreposition(m.prep) || m.prep == "from" ||
                          m.prep == "to" || city;
    const NameEntry* chosen = nullptr;
    double best = -1e9;
    for (const NameEntry& e : b.entries) {
      const double sc = Score(e, locative, city, region);
      if (sc > best) {
        best = sc;
        chosen = &e;
      }
    }
    possessor_country_.clear();
    const std::size_t after = i + b.len;
    const bool poss = after < end && toks_[after].type == TokenType::kPossessive;
    switch (chosen->kind) {
      case NameKind::kCountry:
      case NameKind::kCapital: {
        const Country& c = res_.countries()[chosen->index];
        // "Russia's troops", "Pyongyang's best-trained soldiers".
        if (poss) {
          Mention comp;
          if (Compose(s, i, after + 1, end, c, &comp)) {
            comp.prep = m.prep;
            if (chosen->kind == NameKind::kCapital) comp.entity.sector = comp.entity.sector;
            return FinishNamed(std::move(comp), end);
          }
        }
        // "Ukraine troops"; "Kiev forces" even after "in" ("killed in Kiev
        // forces' shelling" is not in Kiev).
        if (!poss && (chosen->kind == NameKind::kCapital ||
                      (chosen->kind == NameKind::kCountry && !locative))) {
          Mention comp;
          SectorNoun sn;
          if (after < end && MatchSector(after, end, &sn) > 0 && !sn.title &&
              Compose(s, i, after, end, c, &comp)) {
            comp.prep = m.prep;
            if (chosen->kind == NameKind::kCapital) comp.metonym = true;
            return FinishNamed(std::move(comp), end);
          }
        }
        m.entity = EntityFromCountry(c, EntityKind::kCountry);
        if (chosen->kind == NameKind::kCapital) {
          m.entity.sector = "government";
          // "Kiev protest", "Kabul bombing": the capital names where.
          m.metonym = !locative && !(after < end && IsTriggerWord(after));
          // The capital as a place: the populated place of that country.
          for (const NameEntry& e : b.entries) {
            if (e.kind == NameKind::kPlace &&
                res_.places()[e.index].country_iso3 == c.iso3) {
              m.place = PlaceFromPlace(res_.places()[e.index]);
            }
          }
          if (m.place.id.empty()) {
            m.place = PlaceFromCountry(c);
            m.place.id = "new:" + ShortHash(FoldCase(c.capital));
            m.place.name = c.capital;
            m.place.kind = PlaceKind::kCity;
            m.place.precision_km = 25;
          }
        } else {
          m.place = PlaceFromCountry(c);
        }
        break;
      }
      case NameKind::kDemonym:
      case NameKind::kDemonymPlural: {
        const Country& c = res_.countries()[chosen->index];
        Mention comp;
        if (Compose(s, i, after, end, c, &comp)) {
          comp.prep = m.prep;
          return FinishNamed(std::move(comp), end);
        }
        m.entity = EntityFromCountry(
            c, chosen->kind == NameKind::kDemonymPlural ? EntityKind::kGroup
                                                        : EntityKind::kCountry);
        m.demonym_adj = chosen->kind == NameKind::kDemonym;
        break;
      }
      case NameKind::kAdmin1:
      case NameKind::kAdmin1Bare:
        m.place = PlaceFromAdmin1(res_.admin1s()[chosen->index]);
        break;
      case NameKind::kPlace: {
        const Place& pl = res_.places()[chosen->index];
        m.place = PlaceFromPlace(pl);
        if (after < end && toks_[after].cap && In(kFacilityWords, toks_[after].lower)) {
          // "Donetsk Airport": a site in the town, at the town's position.
          m.te = after + 1;
          m.place.id = "new:" + ShortHash(FoldCase(SpanText(i, after + 1)));
          m.place.name = SpanText(i, after + 1);
          m.place.kind = PlaceKind::kOther;
          return FinishNamed(std::move(m), end);
        }
        SectorNoun sn;
        const bool sector_after = after < end && MatchSector(after, end, &sn) > 0 && !sn.title;
        if (pl.capital_of >= 0 && (!locative || sector_after) &&
            !(after < end && IsTriggerWord(after))) {
          // A capital standing for its government: "Kiev forces", "Kiev said".
          const Country& c = res_.countries()[static_cast<std::size_t>(pl.capital_of)];
          Mention comp;
          const std::size_t k = poss ? after + 1 : after;
          if (Compose(s, i, k, end, c, &comp)) {
            comp.prep = m.prep;
            comp.metonym = true;
            return FinishNamed(std::move(comp), end);
          }
          m.entity = EntityFromCountry(c, EntityKind::kCountry);
          m.entity.sector = "government";
          m.metonym = true;
        }
        break;
      }
      case NameKind::kActor:
        m.entity = EntityFromActor(res_.actors()[chosen->index]);
        // An authority named like its region ("the Donetsk republic"): the
        // region too, for "shelling of the Donetsk republic".
        for (const NameEntry& e : b.entries) {
          if (e.kind == NameKind::kAdmin1) {
            m.place = PlaceFromAdmin1(res_.admin1s()[e.index]);
            break;
          }
        }
        break;
    }
    return FinishNamed(std::move(m), end);
  }

  void Finish() {
    // "French and German officials": the first demonym shares the noun.
    for (std::size_t i = 0; i + 1 < a_.mentions.size(); ++i) {
      Mention& m = a_.mentions[i];
      const Mention& n = a_.mentions[i + 1];
      if (!m.demonym_adj || n.entity.sector.empty() || n.entity.kind == EntityKind::kPerson) {
        continue;
      }
      if (n.tb != m.te + 1 || (absl::string_view(toks_[m.te].lower) != "and" && absl::string_view(toks_[m.te].lower) != "or" &&
                               absl::string_view(toks_[m.te].lower) != ",")) {
        continue;
      }
      m.entity.sector = n.entity.sector;
      m.entity.kind = n.entity.kind;
      m.demonym_adj = false;
    }
    // Objects of verbs are not subjects.
    for (Mention& m : a_.mentions) {
      std::size_t k = m.tb;
      for (int steps = 0; steps < 4 && k > 0 &&
                          (IsDeterminer(toks_[k - 1].lower) || IsAdjectiveLoose(k - 1));
           ++steps) {
        --k;
      }
      if (k > 0 && k - 1 >= a_.seg.sentences[static_cast<std::size_t>(m.sentence)].tok_begin &&
          IsTriggerWord(k - 1)) {
        m.object_of_verb = true;
      }
    }
    // "Hamas fighters", "DPR militiamen": the named group's own people.
    for (std::size_t i = 1; i < a_.mentions.size(); ++i) {
      Mention& m = a_.mentions[i];
      const Mention& p = a_.mentions[i - 1];
      if (!m.generic || p.sentence != m.sentence || p.te != m.tb || p.possessor) continue;
      if (p.entity.id.empty() || p.metonym) continue;
      if (p.place.kind == PlaceKind::kCountry || p.place.kind == PlaceKind::kCity) continue;
      if (p.entity.kind == EntityKind::kPerson) continue;
      if (!absl::StartsWith(p.entity.id, "country:") && !absl::StartsWith(p.entity.id, "armed:") &&
          !absl::StartsWith(p.entity.id, "org:")) {
        continue;
      }
      const int count = m.entity.count;
      const std::string sector = m.entity.sector;
      m.entity = p.entity;
      m.entity.count = count;
      if (m.entity.sector.empty()) m.entity.sector = sector;
      m.generic = false;
    }
    // "Rebels in the Ivory Coast", "workers of Serbia": the place's country.
    for (std::size_t i = 0; i + 1 < a_.mentions.size(); ++i) {
      Mention& m = a_.mentions[i];
      if (!m.generic || !m.entity.country.empty()) continue;
      const Mention& n = a_.mentions[i + 1];
      if (n.sentence != m.sentence || n.tb > m.te + 3) continue;
      if (n.prep != "in" && n.prep != "of" && n.prep != "from") continue;
      const std::string& c = !n.place.country.empty() ? n.place.country : n.entity.country;
      if (!c.empty() && (n.entity.kind == EntityKind::kCountry || !n.place.id.empty())) {
        m.entity.country = c;
      }
    }
    // Focus region: the most mentioned first-level region or city.
    struct Count {
      int n = 0;
      int first = -1;
    };
    absl::flat_hash_map<std::string, Count> counts;
    int best = 0;
    for (std::size_t i = 0; i < a_.mentions.size(); ++i) {
      const Mention& m = a_.mentions[i];
      if (m.metonym || m.place.id.empty()) continue;
      if (m.place.kind != PlaceKind::kAdmin1 && m.place.kind != PlaceKind::kCity) continue;
      Count& c = counts[m.place.id];
      if (c.first < 0) c.first = static_cast<int>(i);
      if (++c.n > best) {
        best = c.n;
        a_.focus_place = c.first;  // the first mention of the winner
      }
    }
  }

  bool IsAdjectiveLoose(std::size_t k) const {
    const Token& t = toks_[k];
    return t.type == TokenType::kWord && !t.cap && absl::EndsWith(t.lower, "ly");
  }

  const Resources& res_;
  Analysis& a_;
  const std::vector<Token>& toks_;
  std::vector<std::uint8_t> lex_;
  absl::flat_hash_set<std::string> surnamed_;
  std::vector<int> name_cache_;
  std::vector<Best> name_store_;
  absl::flat_hash_map<std::uint64_t, EntityRef> aliases_;
  std::string possessor_country_;
  std::size_t possessor_next_ = static_cast<std::size_t>(-1);
  std::string hint_country_;
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::uint64_t>> region_names_;
  std::uint64_t current_name_ = 0;
};

}  // namespace

void FindMentions(const Resources& res, Analysis& a) {
  MentionFinder(res, a).Run();
}

}  // namespace newsevents::ingest
