// Recovery time of the durable query store: how long the query service
// takes from start to SERVING, per million events, when it replays its
// write-ahead log and when it loads a snapshot.
//
// The data folder is written once per benchmark with fsync switched off (a
// file-system wrapper: only recovery is measured), then reopened; the time
// of ArticleWriter::Open() (read, check, decode and apply every record) is
// the result. Counters: events and seconds per million events.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "newsevents/v1/query_service.pb.h"
#include "query/durability/file_system.h"
#include "query/service/article_writer.h"
#include "query/store/event_store.h"
#include "tests/bench/bench_articles.h"

namespace newsevents::query {
namespace {

namespace v1 = ::newsevents::v1;
namespace dur = ::newsevents::query::durability;
using bench::Article;

// POSIX files without fsync: writing the test data fast is not what is
// measured.
class NoSyncFile : public dur::WritableFile {
 public:
  explicit NoSyncFile(std::unique_ptr<dur::WritableFile> f) : f_(std::move(f)) {}
  absl::Status Append(absl::string_view data) override { return f_->Append(data); }
  absl::Status Sync() override { return absl::OkStatus(); }
  absl::Status Truncate(std::uint64_t size) override { return f_->Truncate(size); }
  std::uint64_t Size() const override { return f_->Size(); }

 private:
  std::unique_ptr<dur::WritableFile> f_;
};

class NoSyncFileSystem : public dur::FileSystem {
 public:
  absl::StatusOr<std::unique_ptr<dur::WritableFile>> OpenForAppend(
      const std::string& path) override {
    auto f = base_->OpenForAppend(path);
    if (!f.ok()) return f.status();
    return std::unique_ptr<dur::WritableFile>(new NoSyncFile(std::move(*f)));
  }
  absl::StatusOr<std::string> ReadFile(const std::string& path) override {
    return base_->ReadFile(path);
  }
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override {
    return base_->ListDir(dir);
  }
  absl::Status CreateDir(const std::string& dir) override { return base_->CreateDir(dir); }
  absl::Status Rename(const std::string& from, const std::string& to) override {
    return base_->Rename(from, to);
  }
  absl::Status Remove(const std::string& path) override { return base_->Remove(path); }
  absl::Status TruncateFile(const std::string& path, std::uint64_t size) override {
    return base_->TruncateFile(path, size);
  }
  absl::Status SyncDir(const std::string&) override { return absl::OkStatus(); }

 private:
  dur::FileSystem* base_ = dur::PosixFileSystem();
};

// The store as the service runs it by default; NEWSEVENTS_BENCH_NO_GROUPING=1
// as with --group_mentions=false, NEWSEVENTS_BENCH_PLAIN_TEXT=1 as with
// --compress_text=false.
store::EventStoreOptions StoreOptions() {
  store::EventStoreOptions options;
  if (std::getenv("NEWSEVENTS_BENCH_NO_GROUPING") != nullptr) options.group_mentions = false;
  if (std::getenv("NEWSEVENTS_BENCH_PLAIN_TEXT") != nullptr) options.text_sample_bytes = 0;
  return options;
}

void BM_Recovery(benchmark::State& state, bool snapshot) {
  const int events = static_cast<int>(state.range(0));
  const std::string dir =
      (std::filesystem::temp_directory_path() /
       absl::StrCat("newsevents-recovery-bench-", getpid(), "-", snapshot ? "snap" : "log"))
          .string();
  std::filesystem::remove_all(dir);
  NoSyncFileSystem fs;
  {
    store::EventStore store(StoreOptions());
    ArticleWriterOptions o;
    o.data_dir = dir;
    o.fs = &fs;
    o.snapshot_check_interval = absl::ZeroDuration();
    o.snapshot_after_bytes = ~0ull;
    auto w = ArticleWriter::Open(&store, o);
    if (!w.ok()) {
      state.SkipWithError(std::string(w.status().message()).c_str());
      return;
    }
    for (int n = 0; n < events / 10; ++n) {
      auto r = (*w)->Append(Article(n));
      if (!r.ok()) {
        state.SkipWithError(std::string(r.status().message()).c_str());
        return;
      }
    }
    if (snapshot) {
      if (absl::Status s = (*w)->Snapshot(); !s.ok()) {
        state.SkipWithError(std::string(s.message()).c_str());
        return;
      }
    }
  }
  std::uintmax_t bytes = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) bytes += f.file_size();
  double seconds = 0;
  for (auto _ : state) {
    store::EventStore store(StoreOptions());
    ArticleWriterOptions o;
    o.data_dir = dir;
    o.fs = &fs;
    o.snapshot_check_interval = absl::ZeroDuration();
    RecoveryReport report;
    const absl::Time t0 = absl::Now();
    auto w = ArticleWriter::Open(&store, o, &report);
    seconds = absl::ToDoubleSeconds(absl::Now() - t0);
    if (!w.ok() || report.events != events) {
      state.SkipWithError("recovery did not restore every event");
      break;
    }
    state.SetIterationTime(seconds);
  }
  state.counters["events"] = events;
  state.counters["s_per_million_events"] = seconds / (events / 1e6);
  state.counters["data_MiB"] = static_cast<double>(bytes) / (1 << 20);
  std::filesystem::remove_all(dir);
}

BENCHMARK_CAPTURE(BM_Recovery, log_replay, false)
    ->Arg(100000)->Arg(1000000)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Recovery, snapshot_load, true)
    ->Arg(100000)->Arg(1000000)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace newsevents::query

BENCHMARK_MAIN();
