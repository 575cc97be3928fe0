// newsevents-cluster-eval: how well cross-article grouping of the extractor's
// events matches labelled real-world events.
//
//   newsevents-cluster-eval --news_cluster DIR [--resources DIR] [--show N]
//                           [--misses N]
//
// DIR holds Giveme5W1H news_cluster JSON files, each an article labelled with
// the event it reports (newsCluster's EventId; an object, or its Python-style
// string form). Every dated article gives one
// mention, its MAIN event: the first event with a firm modality (not future,
// hypothetical or negated) and a type other than OUTCOME whose sentence lies
// in the lead (title and description, which come first in the body); failing
// that, the firm event of highest confidence in the whole article; failing
// that, any event of highest confidence. Articles without an event are their
// own singleton groups. An event without any time of its own is given the
// reporting window [publication - 3 days, publication + 1 day); an open
// bound ("by the publication day") is closed by the grouper's options.
//
// Prints pairwise and B-cubed precision/recall/F1 against the labels, with
// two baselines (every article alone; all articles in one group), the N
// largest predicted groups with their titles for a hand spot-check (--show,
// default 20), and gold events split over several groups (--misses).
#include <algorithm>
#include <cstdio>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "ingest/document/document.h"
#include "ingest/extract/extractor.h"
#include "ingest/resources/resources.h"
#include "query/identity/grouping.h"
#include "rapidjson/document.h"

namespace newsevents::tools {
namespace {

using ingest::EventRecord;
using ingest::Extraction;
using ingest::Extractor;
namespace identity = query::identity;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Str(const rapidjson::Value& d, const char* key) {
  if (!d.HasMember(key) || !d[key].IsString()) return "";
  return d[key].GetString();
}

// "{'CategoryId': 1, ..., 'EventId': 70, ...}" -> 70; -1 if absent.
int ParseEventId(const std::string& cluster) {
  const std::string key = "'EventId':";
  const std::size_t at = cluster.find(key);
  if (at == std::string::npos) return -1;
  std::size_t i = at + key.size();
  while (i < cluster.size() && cluster[i] == ' ') ++i;
  std::size_t j = i;
  while (j < cluster.size() && (std::isdigit(static_cast<unsigned char>(cluster[j])) != 0)) ++j;
  int id = -1;
  if (!absl::SimpleAtoi(cluster.substr(i, j - i), &id)) return -1;
  return id;
}

bool Firm(const EventRecord& e) {
  return e.modality != ingest::Modality::kFuture &&
         e.modality != ingest::Modality::kHypothetical &&
         e.modality != ingest::Modality::kNegated;
}

const EventRecord* MainEvent(const Extraction& x, std::size_t lead_end) {
  for (const EventRecord& e : x.events) {
    if (Firm(e) && e.type != ingest::EventType::kOutcome && e.sentence_span.start < lead_end) {
      return &e;
    }
  }
  const EventRecord* best = nullptr;
  for (const EventRecord& e : x.events) {
    if (!Firm(e)) continue;
    if (best == nullptr || e.confidence > best->confidence) best = &e;
  }
  if (best != nullptr) return best;
  for (const EventRecord& e : x.events) {
    if (best == nullptr || e.confidence > best->confidence) best = &e;
  }
  return best;
}

identity::ModalityClass ClassOf(ingest::Modality m) {
  switch (m) {
    case ingest::Modality::kAsserted:
    case ingest::Modality::kReported:
    case ingest::Modality::kAlleged:
    case ingest::Modality::kEstimated: return identity::ModalityClass::kFactual;
    case ingest::Modality::kDenied:
    case ingest::Modality::kNegated: return identity::ModalityClass::kDenied;
    case ingest::Modality::kFuture:
    case ingest::Modality::kHypothetical: return identity::ModalityClass::kUnreal;
    default: return identity::ModalityClass::kUnspecified;
  }
}

identity::Mention ToMention(const EventRecord& e, const std::string& article_id,
                            const std::string& outlet, absl::Time published) {
  identity::Mention m;
  m.mention_id = absl::StrCat(article_id, "#", e.id);
  m.article_id = article_id;
  m.outlet = outlet;
  m.event_type = static_cast<int>(e.type);
  m.mode = e.mode;
  m.modality = ClassOf(e.modality);
  for (const auto& a : e.actors) m.actors.push_back(a.id);
  for (const auto& r : e.recipients) m.recipients.push_back(r.id);
  for (const auto& p : e.patients) m.recipients.push_back(p.id);
  const ingest::PlaceRef& p = e.place;
  if (!p.id.empty()) {
    m.place.id = p.id;
    m.place.admin1_id = p.admin1_id;
    m.place.country = p.country;
    switch (p.kind) {
      case ingest::PlaceKind::kCountry: m.place.level = identity::PlaceLevel::kCountry; break;
      case ingest::PlaceKind::kAdmin1: m.place.level = identity::PlaceLevel::kAdmin1; break;
      case ingest::PlaceKind::kCity:
      case ingest::PlaceKind::kOther: m.place.level = identity::PlaceLevel::kLocal; break;
      default: break;
    }
    m.place.has_coordinates = p.latitude != 0 || p.longitude != 0;
    m.place.latitude = p.latitude;
    m.place.longitude = p.longitude;
    m.place.precision_km = p.precision_km;
  }
  if (e.when.start || e.when.end) {
    if (e.when.start) m.when.start_micros = absl::ToUnixMicros(*e.when.start);
    if (e.when.end) m.when.end_micros = absl::ToUnixMicros(*e.when.end);
    m.when.granularity = static_cast<identity::Granularity>(e.when.granularity);
  } else {
    m.when.start_micros = absl::ToUnixMicros(published - absl::Hours(72));
    m.when.end_micros = absl::ToUnixMicros(published + absl::Hours(24));
  }
  m.fingerprint = identity::TextFingerprint(e.sentence);
  m.seen_micros = absl::ToUnixMicros(published);
  return m;
}

struct Article {
  std::string id, title, outlet;
  int gold = -1;
  std::string group;  // predicted group
  std::string summary;
};

struct Scores {
  double pp = 0, pr = 0, pf = 0, bp = 0, br = 0, bf = 0;
  long tp = 0, fp = 0, fn = 0;
};

double F(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0; }

Scores Score(const std::vector<int>& gold, const std::vector<std::string>& pred) {
  Scores s;
  const std::size_t n = gold.size();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const bool g = gold[i] == gold[j], p = pred[i] == pred[j];
      if (g && p) ++s.tp;
      else if (p) ++s.fp;
      else if (g) ++s.fn;
    }
  }
  s.pp = s.tp + s.fp ? static_cast<double>(s.tp) / (s.tp + s.fp) : 1;
  s.pr = s.tp + s.fn ? static_cast<double>(s.tp) / (s.tp + s.fn) : 1;
  s.pf = F(s.pp, s.pr);
  std::map<std::string, std::vector<std::size_t>> by_pred;
  std::map<int, std::vector<std::size_t>> by_gold;
  for (std::size_t i = 0; i < n; ++i) {
    by_pred[pred[i]].push_back(i);
    by_gold[gold[i]].push_back(i);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto& pc = by_pred[pred[i]];
    const auto& gc = by_gold[gold[i]];
    double both = 0;
    for (std::size_t j : pc) both += gold[j] == gold[i] ? 1 : 0;
    s.bp += both / static_cast<double>(pc.size());
    s.br += both / static_cast<double>(gc.size());
  }
  if (n > 0) {
    s.bp /= static_cast<double>(n);
    s.br /= static_cast<double>(n);
  }
  s.bf = F(s.bp, s.br);
  return s;
}

void PrintScores(const char* name, const Scores& s) {
  std::printf("  %-26s pairwise P=%.3f R=%.3f F1=%.3f (tp=%ld fp=%ld fn=%ld)  "
              "B3 P=%.3f R=%.3f F1=%.3f\n",
              name, s.pp, s.pr, s.pf, s.tp, s.fp, s.fn, s.bp, s.br, s.bf);
}

int Run(const Extractor& ex, const std::string& dir, int show, int misses) {
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() == ".json") files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Article> articles;
  std::vector<identity::Mention> mentions;
  int no_event = 0;
  for (const auto& path : files) {
    rapidjson::Document d;
    const std::string text = ReadFile(path.string());
    d.Parse(text.c_str());
    if (!d.IsObject() || Str(d, "text").empty()) continue;
    int gold = ParseEventId(Str(d, "newsCluster"));
    if (d.HasMember("newsCluster") && d["newsCluster"].IsObject() &&
        d["newsCluster"].HasMember("EventId") && d["newsCluster"]["EventId"].IsInt()) {
      gold = d["newsCluster"]["EventId"].GetInt();
    }
    if (gold < 0) continue;
    ingest::Document doc;
    doc.title = Str(d, "title");
    std::string body = doc.title.empty() ? "" : absl::StrCat(doc.title, "\n\n");
    if (!Str(d, "description").empty()) absl::StrAppend(&body, Str(d, "description"), "\n\n");
    const std::size_t lead_end = body.size();
    absl::StrAppend(&body, Str(d, "text"));
    doc.body = std::move(body);
    doc.published = ingest::ParseDate(Str(d, "date_publish"));
    if (!doc.published) continue;
    Article a;
    a.id = Str(d, "dId").empty() ? path.stem().string() : Str(d, "dId");
    a.title = doc.title;
    a.outlet = Str(d, "source_domain");
    a.gold = gold;
    const Extraction x = ex.Extract(doc, a.id);
    const EventRecord* e = MainEvent(x, lead_end);
    if (e == nullptr) {
      ++no_event;
      a.group = "alone:" + a.id;
    } else {
      mentions.push_back(ToMention(*e, a.id, a.outlet, *doc.published));
      a.group = mentions.back().mention_id;  // replaced by the event id below
      const identity::Mention& m = mentions.back();
      auto day = [](const std::optional<std::int64_t>& t) {
        return t ? absl::FormatTime("%Y-%m-%d", absl::FromUnixMicros(*t), absl::UTCTimeZone())
                 : std::string("open");
      };
      a.summary = absl::StrCat(ingest::EventTypeName(e->type), " [", absl::StrJoin(m.actors, ","),
                               " > ", absl::StrJoin(m.recipients, ","), " @", m.place.id, " ",
                               day(m.when.start_micros), "..", day(m.when.end_micros), "] ",
                               e->summary);
    }
    articles.push_back(std::move(a));
  }
  identity::EventGrouper grouper;
  for (const identity::Mention& m : mentions) grouper.Add(m);
  for (Article& a : articles) {
    if (a.group.rfind("alone:", 0) == 0) continue;
    a.group = *grouper.EventOf(a.group);
  }
  std::vector<int> gold;
  std::vector<std::string> pred, singles, one;
  std::set<int> gold_events;
  for (const Article& a : articles) {
    gold.push_back(a.gold);
    pred.push_back(a.group);
    singles.push_back(a.id);
    one.push_back("all");
    gold_events.insert(a.gold);
  }
  std::set<std::string> groups(pred.begin(), pred.end());
  std::printf("news_cluster: %zu dated articles, %zu gold events, %d without an event\n",
              articles.size(), gold_events.size(), no_event);
  std::printf("  predicted groups: %zu (of which with 2+ articles: %zu)\n", groups.size(),
              [&] {
                std::map<std::string, int> c;
                for (const auto& p : pred) ++c[p];
                std::size_t k = 0;
                for (const auto& [g, n] : c) k += n > 1 ? 1 : 0;
                return k;
              }());
  PrintScores("grouping", Score(gold, pred));
  PrintScores("baseline: every alone", Score(gold, singles));
  PrintScores("baseline: all in one", Score(gold, one));

  // Spot-check: the largest groups first (then by id; articles without an
  // event last).
  std::map<std::string, std::vector<const Article*>> members;
  for (const Article& a : articles) members[a.group].push_back(&a);
  std::vector<std::pair<std::string, std::vector<const Article*>>> multi;
  for (auto& [g, v] : members) multi.emplace_back(g, v);
  std::stable_sort(multi.begin(), multi.end(),
                   [](const auto& a, const auto& b) {
                     if (a.second.size() != b.second.size()) {
                       return a.second.size() > b.second.size();
                     }
                     // Groups with an event before articles without one.
                     return a.first.rfind("alone:", 0) != 0 && b.first.rfind("alone:", 0) == 0;
                   });
  for (int i = 0; i < show && i < static_cast<int>(multi.size()); ++i) {
    const auto& [g, v] = multi[i];
    std::set<int> labels;
    for (const Article* a : v) labels.insert(a->gold);
    std::printf("\n[%d] %s  %zu articles, %zu gold label(s)\n", i + 1, g.c_str(), v.size(),
                labels.size());
    for (const Article* a : v) {
      std::printf("    gold=%-3d %-28s %s\n      -> %s\n", a->gold, a->outlet.substr(0, 28).c_str(),
                  a->title.substr(0, 100).c_str(), a->summary.substr(0, 110).c_str());
    }
  }
  // Misses: gold events split over several predicted groups.
  std::map<int, std::vector<const Article*>> by_gold;
  for (const Article& a : articles) by_gold[a.gold].push_back(&a);
  int shown = 0;
  for (const auto& [g, v] : by_gold) {
    if (shown >= misses) break;
    std::set<std::string> parts;
    for (const Article* a : v) parts.insert(a->group);
    if (parts.size() < 2) continue;
    ++shown;
    std::printf("\n[miss] gold=%d split over %zu groups\n", g, parts.size());
    for (const Article* a : v) {
      std::printf("    %-20s %-28s %s\n      -> %s\n", a->group.substr(0, 20).c_str(),
                  a->outlet.substr(0, 28).c_str(), a->title.substr(0, 90).c_str(),
                  a->summary.substr(0, 150).c_str());
    }
  }
  return 0;
}

}  // namespace
}  // namespace newsevents::tools

int main(int argc, char** argv) {
  std::string resources = NEWSEVENTS_DEFAULT_RESOURCES;
  std::string dir;
  int show = 20, misses = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--resources") resources = v;
    else if (k == "--news_cluster") dir = v;
    else if (k == "--show") show = std::atoi(v.c_str());
    else if (k == "--misses") misses = std::atoi(v.c_str());
    else {
      std::fprintf(stderr, "unknown flag %s\n", k.c_str());
      return 2;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr,
                 "usage: newsevents-cluster-eval --news_cluster DIR [--resources DIR] [--show N] "
                 "[--misses N]\n");
    return 2;
  }
  auto ex = newsevents::ingest::Extractor::Create(resources);
  if (!ex.ok()) {
    std::fprintf(stderr, "%s\n", std::string(ex.status().message()).c_str());
    return 1;
  }
  return newsevents::tools::Run(**ex, dir, show, misses);
}
