// Throughput of the extractor on realistic article text, per stage, and the
// time to load the data files. Run: extract_bench [--benchmark_filter=...]
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "ingest/document/document.h"
#include "ingest/extract/analysis.h"
#include "ingest/extract/extractor.h"
#include "ingest/resources/resources.h"

namespace newsevents::ingest {
namespace {

const std::string kData = NEWSEVENTS_BENCH_DATA_DIR;

// Wire-style paragraphs written for the benchmark.
constexpr const char* kWire[] = {
    "Russian forces shelled the city of Kharkiv overnight, killing at least three civilians "
    "and wounding 12 others, regional governor Oleh Syniehubov said on Telegram on Tuesday.",
    "Ukraine's military said its air defences shot down 25 of 31 drones launched by Russia "
    "over the Sumy and Chernihiv regions, according to a statement from the air force.",
    "\"We will not give up a single village,\" President Volodymyr Zelenskyy told reporters "
    "in Kyiv. He urged Western allies to speed up deliveries of air defence systems.",
    "Police in Tbilisi detained dozens of protesters who rallied outside parliament against "
    "the new law, the interior ministry said. Opposition leaders condemned the arrests.",
    "The United Nations estimates that more than 1.5 million people have been displaced by "
    "the fighting since October, with up to 300,000 of them sheltering in neighbouring Poland.",
    "Israeli troops raided the town of Jenin on Wednesday, and the Palestinian health ministry "
    "said four people were killed. Israel's military said it arrested 10 suspected militants.",
};

Document MakeArticle() {
  std::ifstream in(std::string(NEWSEVENTS_BENCH_TESTDATA_DIR) + "/kursk-article.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = ReadDocument(ss.str(), "text/plain");
  Document d = doc.ok() ? *doc : Document();
  for (const char* p : kWire) {
    d.body += "\n\n";
    d.body += p;
  }
  if (!d.published) d.published = absl::FromUnixSeconds(1735257600);  // 2024-12-27
  return d;
}

const Extractor& SharedExtractor() {
  static const Extractor* x = [] {
    auto e = Extractor::Create(kData);
    if (!e.ok()) abort();
    return e->release();
  }();
  return *x;
}

void BM_Extract(benchmark::State& state) {
  const Extractor& x = SharedExtractor();
  const Document doc = MakeArticle();
  const std::string id = DeriveArticleId(doc);
  std::size_t sentences = 0;
  {
    Analysis a;
    a.body = doc.body;
    sentences = Segment(a.body, x.resources()).sentences.size();
  }
  for (auto _ : state) {
    Extraction out = x.Extract(doc, id);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * doc.body.size()));
  state.SetItemsProcessed(state.iterations());
  state.counters["articles/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["sentences/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * sentences), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Extract);

// The pipeline up to stage N (1 = segmentation ... 7 = quotes); the
// difference between consecutive rows is the cost of one stage.
void BM_PipelineUpTo(benchmark::State& state) {
  const Extractor& x = SharedExtractor();
  const Resources& r = x.resources();
  const Document doc = MakeArticle();
  const int upto = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Analysis a;
    a.body = doc.body;
    a.published = absl::ToCivilDay(*doc.published, absl::UTCTimeZone());
    a.seg = Segment(a.body, r);
    if (upto >= 2) MarkQuotesAndClauses(a);
    if (upto >= 3) FindMentions(r, a);
    if (upto >= 4) FindTimes(r, a);
    if (upto >= 5) FindFigures(r, a);
    if (upto >= 6) benchmark::DoNotOptimize(FindEvents(r, a));
    if (upto >= 7) benchmark::DoNotOptimize(FindQuotes(r, a));
    benchmark::DoNotOptimize(a);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * doc.body.size()));
  const char* names[] = {"", "segment", "+quotes/clauses", "+mentions", "+times", "+figures",
                         "+events", "+quotes"};
  state.SetLabel(names[upto]);
}
BENCHMARK(BM_PipelineUpTo)->DenseRange(1, 7);

void BM_LoadResources(benchmark::State& state) {
  for (auto _ : state) {
    auto r = Resources::Load(kData);
    if (!r.ok()) state.SkipWithError("cannot load the data files");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_LoadResources)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace newsevents::ingest

BENCHMARK_MAIN();
