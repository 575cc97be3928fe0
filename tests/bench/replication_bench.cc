// The replicated event log (NATS JetStream) on loopback: how many articles
// a second the ingest side gets acknowledged, and how fast a query replica
// catches up with a stream it has not seen (messages a second).
//
// Starts its own nats-server processes (Debian's nats-server package): one
// server with a one-copy stream, and a three-server cluster with a
// three-copy stream. Articles are the realistic ten-event ones of the
// recovery benchmark (about 5 KB serialized).
//   BM_Publish/<copies>/<publishers>: publishers threads, each waiting for
//     its acknowledgement before the next article (as ingest requests do).
//   BM_CatchUp/<copies>/<durable>: a fresh replica (grouping off) applies
//     the whole stream, memory-only (0) or logging to its own data folder (1).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ingest/service/event_log.h"
#include "query/replication/jetstream.h"
#include "query/service/article_writer.h"
#include "query/service/log_follower.h"
#include "query/store/event_store.h"
#include "tests/bench/bench_articles.h"
#include "tests/testing/nats_process.h"

namespace newsevents::query {
namespace {

constexpr int kArticles = 20000;

// A running nats-server setup with its stream, kept for the whole program.
struct Log {
  std::string dir;
  std::vector<std::unique_ptr<testing::NatsNode>> nodes;
  replication::JetStreamOptions options;
  int published = 0;  // articles in the stream so far
};

// The servers started so far; main() stops them and removes their files.
std::map<int, std::unique_ptr<Log>>& Logs() {
  static std::map<int, std::unique_ptr<Log>>* logs = new std::map<int, std::unique_ptr<Log>>();
  return *logs;
}

Log* LogWith(int copies) {
  std::unique_ptr<Log>& log = Logs()[copies];
  if (log != nullptr) return log.get();
  log = std::make_unique<Log>();
  log->dir = (std::filesystem::temp_directory_path() /
              absl::StrCat("newsevents-replication-bench-", getpid(), "-", copies))
                 .string();
  std::filesystem::remove_all(log->dir);
  std::vector<int> cluster_ports;
  for (int i = 0; i < copies && copies > 1; ++i) cluster_ports.push_back(testing::FreePort());
  for (int i = 0; i < copies; ++i) {
    const std::string node_dir = absl::StrCat(log->dir, "/n", i);
    std::filesystem::create_directories(node_dir);
    std::vector<int> routes;
    for (int k = 0; k < static_cast<int>(cluster_ports.size()); ++k) {
      if (k != i) routes.push_back(cluster_ports[k]);
    }
    log->nodes.push_back(std::make_unique<testing::NatsNode>(
        absl::StrCat("n", i), node_dir, testing::FreePort(),
        copies > 1 ? cluster_ports[i] : 0, routes));
    log->nodes.back()->Start();
    log->options.urls.push_back(log->nodes.back()->url());
  }
  log->options.stream = absl::StrCat("BENCH", copies);
  log->options.replicas = copies;
  absl::Status made = absl::UnavailableError("not tried");
  for (int i = 0; i < 300 && !made.ok(); ++i) {
    auto js = replication::JetStream::Connect(log->options);
    made = js.ok() ? (*js)->EnsureStream() : js.status();
    if (!made.ok()) absl::SleepFor(absl::Milliseconds(100));
  }
  if (!made.ok()) {
    std::fprintf(stderr, "cannot start nats-server: %s\n", std::string(made.message()).c_str());
    log->nodes.clear();
    std::filesystem::remove_all(log->dir);
    std::exit(1);
  }
  return log.get();
}

void BM_Publish(benchmark::State& state) {
  const int copies = static_cast<int>(state.range(0));
  const int publishers = static_cast<int>(state.range(1));
  Log* log = LogWith(copies);
  std::vector<std::unique_ptr<ingest::EventLog>> logs;
  for (int p = 0; p < publishers; ++p) {
    auto js = replication::JetStream::Connect(log->options);
    if (!js.ok()) {
      state.SkipWithError(std::string(js.status().message()).c_str());
      return;
    }
    logs.push_back(ingest::NewJetStreamLog(std::move(*js)));
  }
  const int per_publisher = kArticles / publishers;
  for (auto _ : state) {
    std::atomic<int> failed{0};
    const int first = log->published;
    const absl::Time t0 = absl::Now();
    std::vector<std::thread> threads;
    for (int p = 0; p < publishers; ++p) {
      threads.emplace_back([&, p] {
        for (int i = 0; i < per_publisher; ++i) {
          auto r = logs[p]->Append(bench::Article(first + p * per_publisher + i),
                                   absl::Now() + absl::Seconds(30));
          if (!r.ok() || r->duplicate()) failed.fetch_add(1);
        }
      });
    }
    for (std::thread& t : threads) t.join();
    state.SetIterationTime(absl::ToDoubleSeconds(absl::Now() - t0));
    log->published += publishers * per_publisher;
    if (failed.load() > 0) state.SkipWithError("a publish failed");
  }
  state.SetItemsProcessed(state.iterations() * publishers * per_publisher);
}

void BM_CatchUp(benchmark::State& state) {
  const int copies = static_cast<int>(state.range(0));
  const bool durable = state.range(1) != 0;
  Log* log = LogWith(copies);
  if (log->published == 0) {
    state.SkipWithError("run BM_Publish first (it fills the stream)");
    return;
  }
  for (auto _ : state) {
    // Without grouping: these synthetic articles are one dense stream of
    // near-identical reports, which the grouper chains into a few huge
    // events; the store's own rate on realistic data is query_store_bench's.
    store::EventStoreOptions store_options;
    store_options.group_mentions = false;
    store::EventStore store(store_options);
    ArticleWriterOptions options;
    options.replica = true;
    options.snapshot_check_interval = absl::ZeroDuration();
    if (durable) options.data_dir = absl::StrCat(log->dir, "/replica");
    std::filesystem::remove_all(absl::StrCat(log->dir, "/replica"));
    auto writer = ArticleWriter::Open(&store, options);
    if (!writer.ok()) {
      state.SkipWithError(std::string(writer.status().message()).c_str());
      return;
    }
    LogFollowerOptions follow;
    follow.jetstream = log->options;
    const absl::Time t0 = absl::Now();
    std::unique_ptr<LogFollower> follower = LogFollower::Start(writer->get(), follow);
    while ((*writer)->log_position() < static_cast<std::uint64_t>(log->published)) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    state.SetIterationTime(absl::ToDoubleSeconds(absl::Now() - t0));
    follower.reset();
    if (store.GetStats().articles != log->published) state.SkipWithError("articles missing");
  }
  state.SetItemsProcessed(state.iterations() * log->published);
  state.counters["articles"] = log->published;
}

BENCHMARK(BM_Publish)
    ->ArgNames({"copies", "publishers"})
    ->Args({1, 1})->Args({1, 8})->Args({3, 1})->Args({3, 8})
    ->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CatchUp)
    ->ArgNames({"copies", "durable"})
    ->Args({1, 0})->Args({1, 1})->Args({3, 0})
    ->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

// Stops the servers and removes their files, also when a benchmark failed.
void StopServers() {
  for (auto& [copies, log] : Logs()) {
    log->nodes.clear();  // SIGKILL and wait
    std::filesystem::remove_all(log->dir);
  }
  Logs().clear();
}

}  // namespace
}  // namespace newsevents::query

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  newsevents::query::StopServers();
  return 0;
}
