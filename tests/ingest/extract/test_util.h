// Helpers for the extractor tests: loading an extractor over the data files
// or the small fixture gazetteer, building documents, printing results.
#ifndef NEWSEVENTS_TESTS_INGEST_EXTRACT_TEST_UTIL_H_
#define NEWSEVENTS_TESTS_INGEST_EXTRACT_TEST_UTIL_H_

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "ingest/extract/analysis.h"
#include "ingest/extract/extractor.h"
#include "ingest/resources/resources.h"

namespace newsevents::ingest::testing {

inline std::string DataDir() { return NEWSEVENTS_TEST_DATA_DIR; }
inline std::string FixtureDir() { return std::string(NEWSEVENTS_TESTDATA_DIR) + "/resources"; }
inline std::string LexiconDir() { return DataDir() + "/lexicon"; }

// The fixture gazetteer with the real lexicons; loaded once per process.
inline const Extractor& FixtureExtractor() {
  static const Extractor* x = [] {
    auto e = Extractor::Create(FixtureDir(), LexiconDir());
    if (!e.ok()) {
      fprintf(stderr, "fixture extractor: %s\n", std::string(e.status().message()).c_str());
      abort();
    }
    return e->release();
  }();
  return *x;
}

inline std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Document Doc(std::string body, std::string published = "2024-12-27") {
  Document d;
  d.body = std::move(body);
  absl::Time t;
  std::string err;
  if (!published.empty() &&
      (absl::ParseTime("%Y-%m-%d %H:%M:%S", published, absl::UTCTimeZone(), &t, &err) ||
       absl::ParseTime("%Y-%m-%d", published, absl::UTCTimeZone(), &t, &err))) {
    d.published = t;
  }
  return d;
}

inline std::string Day(const std::optional<absl::Time>& t) {
  if (!t) return "-";
  return absl::FormatTime("%Y-%m-%d", *t, absl::UTCTimeZone());
}

inline std::string Describe(const EntityRef& e) {
  if (e.id.empty()) return "-";
  return absl::StrCat(e.id, "[", e.name, "/", e.country, "/", e.sector, "/n=", e.count, "]");
}

inline std::string Describe(const EventRecord& e) {
  std::string s = absl::StrCat(EventTypeName(e.type), "/", e.mode, " trig=", e.trigger.start,
                               "-", e.trigger.end, " mod=", ModalityName(e.modality));
  for (const auto& a : e.actors) absl::StrAppend(&s, " A=", Describe(a));
  for (const auto& a : e.recipients) absl::StrAppend(&s, " R=", Describe(a));
  for (const auto& a : e.patients) absl::StrAppend(&s, " P=", Describe(a));
  absl::StrAppend(&s, " place=", e.place.id, " when=", Day(e.when.start), "..", Day(e.when.end),
                  " src=", Describe(e.according_to));
  for (const auto& f : e.figures) {
    absl::StrAppend(&s, " fig=", FigureKindName(f.kind), ":", f.low, "..",
                    f.high ? absl::StrCat(*f.high) : "inf", "(", QualifierName(f.qualifier), ")");
  }
  absl::StrAppend(&s, " q=", e.quote_ids.size(), " :: ", e.summary);
  return s;
}

inline std::string Describe(const Extraction& x) {
  std::string s;
  for (const auto& e : x.events) absl::StrAppend(&s, "  ", Describe(e), "\n");
  for (const auto& q : x.quotes) {
    absl::StrAppend(&s, "  Q speaker=", Describe(q.speaker), " cue=", q.cue, " text=", q.text,
                    " events=", q.event_ids.size(), "\n");
  }
  return s;
}

}  // namespace newsevents::ingest::testing

#endif  // NEWSEVENTS_TESTS_INGEST_EXTRACT_TEST_UTIL_H_
