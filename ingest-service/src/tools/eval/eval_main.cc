// newsevents-eval: measures the extractor against gold-labelled data sets.
//
//   newsevents-eval [--resources DIR] [--plover FILE.json] [--ucdp FILE.csv]
//                   [--giveme DIR] [--errors N] [--dump ARTICLE.txt]
//                   [--shape DIR]
//
// Prints one table per data set: per-field precision, recall and F1 (or
// accuracy where each item has exactly one gold value).
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "ingest/document/document.h"
#include "ingest/extract/extractor.h"
#include "ingest/resources/resources.h"
#include "rapidjson/document.h"
#include "tools/eval/csv.h"

namespace newsevents::tools {
namespace {

using ingest::EventRecord;
using ingest::EventType;
using ingest::Extraction;
using ingest::Extractor;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Prf {
  int tp = 0, fp = 0, fn = 0;
  double P() const { return tp + fp ? static_cast<double>(tp) / (tp + fp) : 0; }
  double R() const { return tp + fn ? static_cast<double>(tp) / (tp + fn) : 0; }
  double F() const { return P() + R() > 0 ? 2 * P() * R() / (P() + R()) : 0; }
};

void PrintPrf(const std::string& name, const Prf& p) {
  std::printf("  %-22s P=%.3f R=%.3f F1=%.3f  (tp=%d fp=%d fn=%d)\n", name.c_str(), p.P(),
              p.R(), p.F(), p.tp, p.fp, p.fn);
}

// The event an evaluator compares with a one-event gold record.
const EventRecord* MainEvent(const Extraction& x) {
  const EventRecord* best = nullptr;
  // Prefer what the text asserts or reports over what it plans or doubts.
  auto score = [](const EventRecord& e) {
    const bool firm = e.modality != ingest::Modality::kFuture &&
                      e.modality != ingest::Modality::kHypothetical &&
                      e.modality != ingest::Modality::kNegated;
    return e.confidence + (firm ? 1.0f : 0.0f);
  };
  for (const EventRecord& e : x.events) {
    if (best == nullptr || score(e) > score(*best)) best = &e;
  }
  return best;
}

ingest::Document MakeDoc(std::string body, const std::string& date) {
  ingest::Document d;
  d.body = std::move(body);
  d.published = ingest::ParseDate(date);
  return d;
}

std::string GoldPloverType(const std::string& t) {
  if (t == "DEMAND") return "REQUEST";
  if (t == "DISAPPROVE" || t == "INVESTIGATE") return "ACCUSE";
  if (t == "FIGHT") return "ASSAULT";
  return t;
}

std::set<std::string> Codes(const rapidjson::Value& v) {
  std::set<std::string> out;
  if (!v.IsArray()) return out;
  for (const auto& a : v.GetArray()) {
    if (a.IsObject() && a.HasMember("code") && a["code"].IsString()) {
      std::string c = a["code"].GetString();
      if (c == "JAP") c = "JPN";
      if (!c.empty()) out.insert(c);
    }
  }
  return out;
}

void EvalPlover(const Extractor& ex, const std::string& path, int errors) {
  rapidjson::Document d;
  const std::string text = ReadFile(path);
  d.Parse(text.c_str());
  if (!d.IsArray()) {
    std::printf("plover: cannot parse %s\n", path.c_str());
    return;
  }
  std::map<std::string, Prf> per_type;
  Prf all, actor, target;
  int shown = 0;
  for (const auto& r : d.GetArray()) {
    if (!r.HasMember("text") || !r.HasMember("event")) continue;
    const std::string gold = GoldPloverType(r["event"].GetString());
    ingest::Document doc = MakeDoc(r["text"].GetString(), "2000-01-01");
    const Extraction x = ex.Extract(doc, "eval");
    // PLOVER has no OUTCOME records: compare its other events, and read a
    // lone OUTCOME (people killed or hurt) as the ASSAULT that caused it.
    Extraction no_outcome;
    for (const EventRecord& ev : x.events) {
      if (ev.type != EventType::kOutcome) no_outcome.events.push_back(ev);
    }
    const EventRecord* e = MainEvent(no_outcome);
    std::string pred = e ? ingest::EventTypeName(e->type) : "";
    if (e == nullptr && MainEvent(x) != nullptr) pred = "ASSAULT";
    if (pred == gold) {
      ++per_type[gold].tp;
      ++all.tp;
    } else {
      ++per_type[gold].fn;
      ++all.fn;
      if (!pred.empty()) {
        ++per_type[pred].fp;
        ++all.fp;
      }
      if (shown < errors) {
        ++shown;
        std::printf("  [type] gold=%s pred=%s :: %s\n", gold.c_str(), pred.c_str(),
                    r["text"].GetString());
      }
    }
    // Actor and target countries (sets).
    auto score = [](const std::set<std::string>& g, const std::set<std::string>& p, Prf* out) {
      for (const auto& c : p) (g.count(c) ? out->tp : out->fp)++;
      for (const auto& c : g) {
        if (!p.count(c)) ++out->fn;
      }
    };
    std::set<std::string> ps, pt;
    if (e != nullptr) {
      for (const auto& a : e->actors) {
        if (!a.country.empty()) ps.insert(a.country);
      }
      for (const auto& a : e->recipients) {
        if (!a.country.empty()) pt.insert(a.country);
      }
    }
    const std::set<std::string> gs = r.HasMember("source") ? Codes(r["source"]) : std::set<std::string>();
    const std::set<std::string> gt = r.HasMember("target") ? Codes(r["target"]) : std::set<std::string>();
    if (std::getenv("EVAL_SHOW_ACTORS") != nullptr && e != nullptr) {
      for (const auto& g : gs) {
        if (!ps.count(g)) {
          std::string got;
          for (const auto& a : e->actors) got += a.id + "/" + a.country + " ";
          std::printf("  [actor] gold=%s got=%s :: %s\n", g.c_str(), got.c_str(),
                      r["text"].GetString());
        }
      }
    }
    score(gs, ps, &actor);
    score(gt, pt, &target);
  }
  std::printf("PLOVER (%s)\n", path.c_str());
  PrintPrf("event type (micro)", all);
  double macro = 0;
  int n = 0;
  for (const auto& [t, p] : per_type) {
    if (p.tp + p.fn == 0) continue;
    PrintPrf("  " + t, p);
    macro += p.F();
    ++n;
  }
  std::printf("  %-22s F1=%.3f\n", "event type (macro)", n ? macro / n : 0);
  PrintPrf("actor country", actor);
  PrintPrf("target country", target);
}

double Haversine(double la1, double lo1, double la2, double lo2) {
  const double r = 6371.0, k = M_PI / 180;
  const double dla = (la2 - la1) * k, dlo = (lo2 - lo1) * k;
  const double a = std::sin(dla / 2) * std::sin(dla / 2) +
                   std::cos(la1 * k) * std::cos(la2 * k) * std::sin(dlo / 2) * std::sin(dlo / 2);
  return 2 * r * std::asin(std::sqrt(a));
}

// Folds region names for comparison: "Donetsk oblast" ~ "Donetsk Oblast",
// "Kiev Special Republican city" ~ "Kyiv City", "Lugansk" ~ "Luhansk".
std::string NormRegion(std::string s) {
  s = absl::AsciiStrToLower(s);
  for (const char* w : {" oblast", " region", " special republican city", " city", " province",
                        "autonomous republic of ", " republic", "'", "-"}) {
    s = absl::StrReplaceAll(s, {{w, ""}});
  }
  s = absl::StrReplaceAll(s, {{"kiev", "kyiv"}, {"lugansk", "luhansk"}, {"kharkov", "kharkiv"},
                              {"odessa", "odesa"}, {"zaporozhye", "zaporizhzhia"},
                              {"zaporizhia", "zaporizhzhia"}, {"dnipropetrovsk", "dnipro"},
                              {"nikolaev", "mykolaiv"}, {"crimea", "krym"}});
  return std::string(absl::StripAsciiWhitespace(s));
}

// Whether the text names the gold place: a capitalised word of UCDP's
// where_description (not a type word) whose first five letters occur in the
// text. A coarse test, used only to say how many rows a reader could answer.
bool NamesGoldPlace(const std::string& text, const std::string& where) {
  static const std::set<std::string> kSkip = {"Near", "The", "Village", "Region", "Oblast",
                                              "District", "Town", "City", "Raion", "Area",
                                              "Ukraine", "Donetsk", "Luhansk", "Lugansk"};
  const std::string lower = absl::AsciiStrToLower(text);
  for (absl::string_view w : absl::StrSplit(where, absl::ByAnyChar(" ,.;()"), absl::SkipEmpty())) {
    if (w.size() < 4 || !absl::ascii_isupper(static_cast<unsigned char>(w[0]))) continue;
    if (kSkip.count(std::string(w))) continue;
    if (absl::StrContains(lower, absl::AsciiStrToLower(w.substr(0, 5)))) return true;
  }
  return false;
}

// Whether the text states a number at all (digits or one to twelve).
bool StatesNumber(const std::string& text) {
  static const std::set<std::string> kWords = {"one", "two", "three", "four", "five", "six",
                                               "seven", "eight", "nine", "ten", "eleven", "twelve",
                                               "dozen", "dozens", "hundreds"};
  for (absl::string_view w : absl::StrSplit(text, absl::ByAnyChar(" ,.;:-()'\""), absl::SkipEmpty())) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(w[0]))) return true;
    if (kWords.count(absl::AsciiStrToLower(w))) return true;
  }
  return false;
}

void EvalUcdp(const Extractor& ex, const std::string& path, int errors) {
  const auto rows = ParseCsv(ReadFile(path));
  if (rows.empty()) return;
  std::map<std::string, int> col;
  for (std::size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = static_cast<int>(i);
  for (const char* c : {"source_headline", "source_date", "latitude", "longitude", "adm_1",
                        "where_description", "low", "high", "best"}) {
    if (!col.count(c)) {
      std::printf("ucdp: missing column %s\n", c);
      return;
    }
  }
  int n = 0, place_ok = 0, place_pred = 0, fat_ok = 0, fat_pred = 0, with_event = 0;
  int sub_pred = 0, sub_ok = 0;  // predictions below the country level
  int named = 0, named_ok = 0, numbered = 0, numbered_ok = 0;  // rows the text can answer
  int shown_p = 0, shown_f = 0;
  const absl::Time t0 = absl::Now();
  std::size_t bytes = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (r.size() < rows[0].size()) continue;
    const std::string headline = r[static_cast<std::size_t>(col["source_headline"])];
    if (headline.empty()) continue;
    ++n;
    std::vector<std::string> parts = absl::StrSplit(headline, ';', absl::SkipWhitespace());
    std::string body = absl::StrJoin(parts, "\n\n");
    std::string date = r[static_cast<std::size_t>(col["source_date"])];
    if (date.find(';') != std::string::npos) date = date.substr(0, date.find(';'));
    if (date.size() == 10 && date[2] == '/') {
      date = absl::StrCat(date.substr(6, 4), "-", date.substr(3, 2), "-", date.substr(0, 2));
    }
    bytes += body.size();
    const Extraction x = ex.Extract(MakeDoc(body, date), "eval");
    if (!x.events.empty()) ++with_event;
    // Place: the most specific event place, else any place mention.
    const ingest::PlaceRef* place = nullptr;
    auto rank = [](const ingest::PlaceRef& p) {
      return p.kind == ingest::PlaceKind::kCity ? 3 : p.kind == ingest::PlaceKind::kAdmin1 ? 2
                                                                                           : 1;
    };
    for (const auto& e : x.events) {
      if (!e.place.id.empty() && (place == nullptr || rank(e.place) > rank(*place))) {
        place = &e.place;
      }
    }
    if (place == nullptr) {
      for (const auto& a : x.annotations) {
        if (a.kind == ingest::AnnotationRecord::Kind::kPlace &&
            (place == nullptr || rank(a.place) > rank(*place))) {
          place = &a.place;
        }
      }
    }
    if (place == nullptr && std::getenv("EVAL_SHOW_MISSES") != nullptr) {
      std::printf("  [place-miss] gold=%s :: %s\n",
                  r[static_cast<std::size_t>(col["where_description"])].c_str(), headline.c_str());
    }
    double glat = 0, glon = 0;
    const bool has_gold = absl::SimpleAtod(r[static_cast<std::size_t>(col["latitude"])], &glat) &&
                          absl::SimpleAtod(r[static_cast<std::size_t>(col["longitude"])], &glon);
    const std::string gadm = NormRegion(r[static_cast<std::size_t>(col["adm_1"])]);
    const bool names_place =
        NamesGoldPlace(headline, r[static_cast<std::size_t>(col["where_description"])]) ||
        (!gadm.empty() && absl::StrContains(NormRegion(headline), gadm.substr(0, 6)));
    const bool states_number = StatesNumber(headline);
    if (names_place) ++named;
    if (states_number) ++numbered;
    if (place != nullptr) {
      ++place_pred;
      bool ok = false;
      if (has_gold && (place->latitude != 0 || place->longitude != 0) &&
          Haversine(glat, glon, place->latitude, place->longitude) <= 25.0) {
        ok = true;
      }
      if (!gadm.empty() && (NormRegion(place->admin1) == gadm ||
                            (place->kind == ingest::PlaceKind::kAdmin1 &&
                             NormRegion(place->name) == gadm))) {
        ok = true;
      }
      if (place->kind != ingest::PlaceKind::kCountry) {
        ++sub_pred;
        if (ok) ++sub_ok;
      }
      if (!ok && names_place && std::getenv("EVAL_SHOW_MISSES") != nullptr) {
        std::printf("  [named-wrong] gold=%s pred=%s/%s :: %s\n",
                    r[static_cast<std::size_t>(col["where_description"])].c_str(),
                    place->name.c_str(), place->admin1.c_str(), headline.c_str());
      }
      if (ok) {
        ++place_ok;
        if (names_place) ++named_ok;
      } else if (shown_p < errors) {
        ++shown_p;
        std::printf("  [place] gold=%s (%.2f,%.2f) pred=%s/%s :: %s\n", gadm.c_str(), glat, glon,
                    place->name.c_str(), place->admin1.c_str(), headline.c_str());
      }
    }
    // Fatalities: the largest killed figure.
    std::int64_t low = 0, high = 0;
    // An empty or non-numeric bound is no figure (0).
    if (!absl::SimpleAtoi(r[static_cast<std::size_t>(col["low"])], &low)) low = 0;
    if (!absl::SimpleAtoi(r[static_cast<std::size_t>(col["high"])], &high)) high = 0;
    // The largest killed figure; vague and range figures count when their
    // interval overlaps the gold range.
    std::optional<ingest::FigureRef> killed;
    // UCDP's first headline is its main source: prefer its figure; among
    // several, the largest.
    const std::size_t first_end = parts.empty() ? body.size() : parts[0].size();
    auto consider = [&](const ingest::FigureRef& f) {
      if (f.kind != ingest::FigureKind::kKilled) return;
      const bool first = f.span.start < first_end;
      const bool best_first = killed && killed->span.start < first_end;
      if (!killed || (first && !best_first) || (first == best_first && f.low > killed->low)) {
        killed = f;
      }
    };
    for (const auto& a : x.annotations) {
      if (a.kind == ingest::AnnotationRecord::Kind::kFigure) consider(a.figure);
    }
    for (const auto& e : x.events) {
      for (const auto& f : e.figures) consider(f);
    }
    if (!killed && std::getenv("EVAL_SHOW_MISSES") != nullptr) {
      std::printf("  [deaths-miss] gold=[%lld,%lld] :: %s\n", static_cast<long long>(low),
                  static_cast<long long>(high), headline.c_str());
    }
    if (killed) {
      ++fat_pred;
      const bool interval = killed->qualifier == ingest::Qualifier::kVague ||
                            killed->qualifier == ingest::Qualifier::kRange;
      const std::int64_t hi = killed->high.value_or(killed->low);
      const bool ok = interval ? (killed->low <= high && hi >= low)
                               : (killed->low >= low && killed->low <= high);
      if (ok) {
        ++fat_ok;
        if (states_number) ++numbered_ok;
      } else if (shown_f < errors) {
        ++shown_f;
        std::printf("  [deaths] gold=[%lld,%lld] pred=%lld :: %s\n",
                    static_cast<long long>(low), static_cast<long long>(high),
                    static_cast<long long>(killed->low), headline.c_str());
      }
    }
  }
  const double secs = absl::ToDoubleSeconds(absl::Now() - t0);
  std::printf("UCDP headlines (%s): %d rows, %.1f rows/s, %.2f MB/s\n", path.c_str(), n,
              n / secs, bytes / secs / 1e6);
  std::printf("  %-22s acc=%.3f  precision=%.3f  (correct=%d predicted=%d rows=%d)\n",
              "place (25 km/admin1)", n ? static_cast<double>(place_ok) / n : 0,
              place_pred ? static_cast<double>(place_ok) / place_pred : 0, place_ok, place_pred, n);
  std::printf("  %-22s precision=%.3f  (correct=%d predicted=%d)\n", "  below country level",
              sub_pred ? static_cast<double>(sub_ok) / sub_pred : 0, sub_ok, sub_pred);
  std::printf("  %-22s acc=%.3f  precision=%.3f  (correct=%d predicted=%d rows=%d)\n",
              "fatalities in [low,high]", n ? static_cast<double>(fat_ok) / n : 0,
              fat_pred ? static_cast<double>(fat_ok) / fat_pred : 0, fat_ok, fat_pred, n);
  std::printf("  %-22s acc=%.3f  (%d rows whose text names the gold place or region)\n",
              "  place, text names it", named ? static_cast<double>(named_ok) / named : 0, named);
  std::printf("  %-22s acc=%.3f  (%d rows whose text states a number)\n", "  deaths, text has one",
              numbered ? static_cast<double>(numbered_ok) / numbered : 0, numbered);
  std::printf("  %-22s %.3f\n", "rows with an event", n ? static_cast<double>(with_event) / n : 0);
}

// The .json files in `dir`, in name order (Giveme5W1H keeps one article
// per file).
std::vector<std::filesystem::path> JsonFiles(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() == ".json") files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Parses a Giveme5W1H article file into *d; false when it is not an
// object with a "text" string.
bool ReadArticle(const std::filesystem::path& path, rapidjson::Document* d) {
  const std::string text = ReadFile(path.string());
  d->Parse(text.c_str());
  return d->IsObject() && d->HasMember("text") && (*d)["text"].IsString();
}

// A Giveme5W1H article's date_publish, or "" when it has none.
std::string PublishDate(const rapidjson::Document& d) {
  return d.HasMember("date_publish") && d["date_publish"].IsString()
             ? d["date_publish"].GetString()
             : "";
}

void EvalGiveme(const Extractor& ex, const std::string& dir, int errors) {
  int articles = 0, art_ok = 0, phrases = 0, phrase_found = 0, phrase_ok = 0;
  int shown = 0;
  const std::vector<std::filesystem::path> files = JsonFiles(dir);
  for (const auto& path : files) {
    rapidjson::Document d;
    if (!ReadArticle(path, &d)) continue;
    const std::string date = PublishDate(d);
    std::string body;
    if (d.HasMember("description") && d["description"].IsString()) {
      body = absl::StrCat(d["description"].GetString(), "\n\n");
    }
    absl::StrAppend(&body, d["text"].GetString());
    ingest::Document doc = MakeDoc(body, date);
    if (!doc.published) continue;
    const Extraction x = ex.Extract(doc, "eval");
    const auto& when = d["fiveWoneH"]["when"];
    if (!when.HasMember("annotated") || !when["annotated"].IsArray()) continue;
    // Gold: the phrase most coders marked.
    std::string gold_day;
    int best_count = -1;
    for (const auto& a : when["annotated"].GetArray()) {
      if (!a.HasMember("parsed") || !a["parsed"].IsString()) continue;
      const int c = a.HasMember("coderPhraseCount") && a["coderPhraseCount"].IsInt()
                        ? a["coderPhraseCount"].GetInt()
                        : 0;
      if (c > best_count) {
        best_count = c;
        gold_day = a["parsed"].GetString();
      }
      // Phrase level: do we resolve the phrase itself to the coders' date?
      if (!a.HasMember("text") || !a["text"].IsString()) continue;
      const std::string phrase = a["text"].GetString();
      const std::size_t at = body.find(std::string(absl::StripAsciiWhitespace(phrase)));
      if (phrase == "None" || at == std::string::npos) continue;
      ++phrases;
      for (const auto& an : x.annotations) {
        if (an.kind != ingest::AnnotationRecord::Kind::kTime) continue;
        if (an.span.end <= at || an.span.start >= at + phrase.size()) continue;
        if (!an.time.start && !an.time.end) continue;
        ++phrase_found;
        const absl::Time g = *ingest::ParseDate(a["parsed"].GetString());
        const absl::Time s = an.time.start ? *an.time.start : absl::InfinitePast();
        const absl::Time e = an.time.end ? *an.time.end : absl::InfiniteFuture();
        if (g >= s && g < e) {
          ++phrase_ok;
        } else if (shown < errors) {
          ++shown;
          std::printf("  [when-phrase] \"%s\" pub=%s gold=%s ours=%s..%s\n", phrase.c_str(),
                      date.c_str(), a["parsed"].GetString(),
                      absl::FormatTime("%Y-%m-%d", s, absl::UTCTimeZone()).c_str(),
                      absl::FormatTime("%Y-%m-%d", e, absl::UTCTimeZone()).c_str());
        }
        break;
      }
    }
    if (gold_day.empty()) continue;
    ++articles;
    const auto g = ingest::ParseDate(gold_day);
    if (!g) continue;
    // Ours: the lead event's interval (the first firm event in the text; the
    // default is "by the publication day").
    const EventRecord* e = nullptr;
    for (const EventRecord& ev : x.events) {
      if (ev.modality == ingest::Modality::kFuture ||
          ev.modality == ingest::Modality::kHypothetical ||
          ev.modality == ingest::Modality::kNegated) {
        continue;
      }
      e = &ev;
      break;
    }
    absl::Time s = absl::InfinitePast(), en = *doc.published + absl::Hours(24);
    if (e != nullptr && (e->when.start || e->when.end)) {
      s = e->when.start ? *e->when.start : absl::InfinitePast();
      en = e->when.end ? *e->when.end : absl::InfiniteFuture();
    }
    if (!e || !e->when.start) s = *doc.published - absl::Hours(24 * 7);
    if (*g >= s && *g < en) {
      ++art_ok;
    } else if (shown < errors) {
      ++shown;
      std::printf("  [when] gold=%s pub=%s pred=%s..%s :: %s\n", gold_day.c_str(), date.c_str(),
                  absl::FormatTime("%Y-%m-%d", s, absl::UTCTimeZone()).c_str(),
                  absl::FormatTime("%Y-%m-%d", en, absl::UTCTimeZone()).c_str(),
                  e ? e->sentence.substr(0, 120).c_str() : "(no event)");
    }
  }
  std::printf("Giveme5W1H gold standard (%s)\n", dir.c_str());
  std::printf("  %-22s acc=%.3f  (%d/%d articles; lead event interval holds the coders' date)\n",
              "when (article)", articles ? static_cast<double>(art_ok) / articles : 0, art_ok,
              articles);
  std::printf("  %-22s found=%.3f resolved-right=%.3f  (%d phrases in text)\n", "when (phrases)",
              phrases ? static_cast<double>(phrase_found) / phrases : 0,
              phrase_found ? static_cast<double>(phrase_ok) / phrase_found : 0, phrases);
}

// Prints what the extractor finds in one plain-text article (reference layout).
void Dump(const Extractor& ex, const std::string& path) {
  auto doc = ingest::ReadDocument(ReadFile(path), "text/plain");
  if (!doc.ok()) {
    std::printf("%s: %s\n", path.c_str(), std::string(doc.status().message()).c_str());
    return;
  }
  const Extraction x = ex.Extract(*doc, ingest::DeriveArticleId(*doc));
  for (const EventRecord& e : x.events) {
    std::printf("%s %-9s %-14s %-9s %.2f  %s\n", e.id.c_str(), ingest::EventTypeName(e.type),
                e.mode.c_str(), ingest::ModalityName(e.modality), e.confidence,
                e.summary.c_str());
  }
  for (const auto& q : x.quotes) {
    std::printf("%s speaker=%s cue=%s events=%zu \"%s\"\n", q.id.c_str(),
                q.speaker.name.c_str(), q.cue.c_str(), q.event_ids.size(), q.text.c_str());
  }
}


// The shape of the extractor's output on real articles (Giveme5W1H-style
// JSON files in `dir`): what the query store's benchmark generator models.
void Shape(const Extractor& ex, const std::string& dir) {
  const std::vector<std::filesystem::path> files = JsonFiles(dir);
  int articles = 0, events = 0, sentences = 0, mentions = 0, figures = 0, places = 0;
  int times = 0, sources = 0, quotes = 0;
  double body_bytes = 0, sentence_bytes = 0, distinct_sentence_bytes = 0, summary_bytes = 0;
  std::map<int, int> per_article;
  for (const auto& path : files) {
    rapidjson::Document d;
    if (!ReadArticle(path, &d)) continue;
    const std::string date = PublishDate(d);
    const ingest::Document doc = MakeDoc(d["text"].GetString(), date);
    const Extraction x = ex.Extract(doc, "shape");
    ++articles;
    body_bytes += static_cast<double>(doc.body.size());
    events += static_cast<int>(x.events.size());
    quotes += static_cast<int>(x.quotes.size());
    ++per_article[std::min<int>(static_cast<int>(x.events.size()), 20)];
    std::set<std::string> distinct;
    for (const EventRecord& e : x.events) {
      sentence_bytes += static_cast<double>(e.sentence.size());
      summary_bytes += static_cast<double>(e.summary.size());
      if (distinct.insert(e.sentence).second) {
        distinct_sentence_bytes += static_cast<double>(e.sentence.size());
      }
      mentions += static_cast<int>(e.actors.size() + e.recipients.size() + e.patients.size());
      figures += static_cast<int>(e.figures.size());
      places += e.place.id.empty() ? 0 : 1;
      times += e.when.start || e.when.end ? 1 : 0;
      sources += e.according_to.id.empty() ? 0 : 1;
    }
    sentences += static_cast<int>(distinct.size());
  }
  if (articles == 0 || events == 0) {
    std::printf("shape: no articles with events in %s\n", dir.c_str());
    return;
  }
  const double n = events;
  std::printf("Output shape over %d articles (%s)\n", articles, dir.c_str());
  std::printf("  body bytes/article        %.0f\n", body_bytes / articles);
  std::printf("  events/article            %.2f\n", n / articles);
  std::printf("  quotes/article            %.2f\n", static_cast<double>(quotes) / articles);
  std::printf("  events/evidence sentence  %.2f\n", n / sentences);
  std::printf("  sentence bytes/event      %.0f (distinct sentences: %.0f per event)\n",
              sentence_bytes / n, distinct_sentence_bytes / n);
  std::printf("  summary bytes/event       %.0f\n", summary_bytes / n);
  std::printf("  participants/event        %.2f\n", mentions / n);
  std::printf("  figures/event             %.2f\n", figures / n);
  std::printf("  with place / time / source  %.2f / %.2f / %.2f\n", places / n, times / n,
              sources / n);
  std::printf("  events per article: ");
  for (const auto& [k, v] : per_article) std::printf("%s%d:%d", k ? " " : "", k, v);
  std::printf("\n");
}

}  // namespace
}  // namespace newsevents::tools

int main(int argc, char** argv) {
  std::string resources = NEWSEVENTS_DEFAULT_RESOURCES;
  std::string plover, ucdp, giveme, dump, shape;
  int errors = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--resources") resources = v;
    else if (k == "--plover") plover = v;
    else if (k == "--ucdp") ucdp = v;
    else if (k == "--giveme") giveme = v;
    else if (k == "--errors") errors = std::atoi(v.c_str());
    else if (k == "--dump") dump = v;
    else if (k == "--shape") shape = v;
    else {
      std::fprintf(stderr, "unknown flag %s\n", k.c_str());
      return 2;
    }
  }
  if (plover.empty() && ucdp.empty() && giveme.empty() && dump.empty() && shape.empty()) {
    std::fprintf(stderr,
                 "usage: newsevents-eval [--resources DIR] [--plover FILE.json] "
                 "[--ucdp FILE.csv] [--giveme DIR] [--errors N] [--dump ARTICLE.txt] [--shape DIR]\n");
    return 2;
  }
  auto ex = newsevents::ingest::Extractor::Create(resources);
  if (!ex.ok()) {
    std::fprintf(stderr, "%s\n", std::string(ex.status().message()).c_str());
    return 1;
  }
  std::printf("resources: %s (loaded in %.3f s, ~%.1f MB)\n", resources.c_str(),
              (*ex)->resources().load_seconds(), (*ex)->resources().MemoryBytes() / 1e6);
  if (!plover.empty()) newsevents::tools::EvalPlover(**ex, plover, errors);
  if (!ucdp.empty()) newsevents::tools::EvalUcdp(**ex, ucdp, errors);
  if (!giveme.empty()) newsevents::tools::EvalGiveme(**ex, giveme, errors);
  if (!dump.empty()) newsevents::tools::Dump(**ex, dump);
  if (!shape.empty()) newsevents::tools::Shape(**ex, shape);
  return 0;
}
