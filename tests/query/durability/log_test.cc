#include "query/durability/log.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"

namespace newsevents::query::durability {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

// Opens the log in `dir`, collecting replayed payloads.
absl::StatusOr<std::unique_ptr<Log>> OpenCollecting(const std::string& dir,
                                                    std::vector<std::string>* out,
                                                    RecoveryInfo* info = nullptr,
                                                    FileSystem* fs = nullptr,
                                                    std::uint64_t segment_bytes = 64ull << 20) {
  LogOptions options;
  options.dir = dir;
  options.fs = fs;
  options.segment_bytes = segment_bytes;
  return Log::Open(
      options,
      [out](absl::string_view p) {
        out->emplace_back(p);
        return absl::OkStatus();
      },
      info);
}

std::vector<std::string> Payloads(int n, int from = 0) {
  std::vector<std::string> v;
  for (int i = from; i < from + n; ++i) v.push_back(absl::StrCat("article-", i, std::string(i % 7, 'x')));
  return v;
}

void CommitAll(Log& log, const std::vector<std::string>& payloads,
               std::vector<std::string>* applied) {
  for (const std::string& p : payloads) {
    ASSERT_TRUE(log.Commit(p, [&] {
                     applied->push_back(p);
                     return absl::OkStatus();
                   }).ok());
  }
}

std::vector<std::string> Segments(const std::string& dir) {
  std::vector<std::string> v;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".log") v.push_back(e.path().string());
  }
  std::sort(v.begin(), v.end());
  return v;
}

TEST(LogTest, RecordsSurviveReopenInOrder) {
  const std::string dir = testing::MakeTempDir();
  std::vector<std::string> applied;
  {
    std::vector<std::string> replayed;
    auto log = OpenCollecting(dir, &replayed);
    ASSERT_TRUE(log.ok()) << log.status();
    EXPECT_TRUE(replayed.empty());
    CommitAll(**log, Payloads(50), &applied);
    EXPECT_EQ((*log)->last_sequence(), 50u);
  }
  EXPECT_THAT(applied, ElementsAreArray(Payloads(50)));
  std::vector<std::string> replayed;
  RecoveryInfo info;
  auto log = OpenCollecting(dir, &replayed, &info);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_THAT(replayed, ElementsAreArray(Payloads(50)));
  EXPECT_EQ(info.log_records, 50u);
  EXPECT_EQ(info.last_sequence, 50u);
  EXPECT_EQ(info.truncated_bytes, 0u);
}

TEST(LogTest, ConcurrentCommitsApplyInLogOrder) {
  const std::string dir = testing::MakeTempDir();
  std::vector<std::string> applied;
  absl::Mutex mu;
  {
    std::vector<std::string> ignored;
    auto log = OpenCollecting(dir, &ignored);
    ASSERT_TRUE(log.ok());
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 100; ++i) {
          const std::string p = absl::StrCat("t", t, "-", i);
          ASSERT_TRUE((*log)->Commit(p, [&] {
                               absl::MutexLock lock(&mu);
                               applied.push_back(p);
                               return absl::OkStatus();
                             }).ok());
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  ASSERT_EQ(applied.size(), 800u);
  std::vector<std::string> replayed;
  ASSERT_TRUE(OpenCollecting(dir, &replayed).ok());
  // What recovery rebuilds is exactly what was applied, in the same order.
  EXPECT_EQ(replayed, applied);
}

TEST(LogTest, ApplyErrorIsReturnedToItsCaller) {
  const std::string dir = testing::MakeTempDir();
  std::vector<std::string> ignored;
  auto log = OpenCollecting(dir, &ignored);
  ASSERT_TRUE(log.ok());
  absl::Status s = (*log)->Commit("x", [] { return absl::InvalidArgumentError("bad"); });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

// Every possible torn write of the last record recovers to the record
// before it, and the log accepts new records afterwards.
TEST(LogTest, TornLastRecordIsTruncatedAtEveryByteOffset) {
  const std::string dir = testing::MakeTempDir();
  {
    std::vector<std::string> applied, ignored;
    auto log = OpenCollecting(dir, &ignored);
    ASSERT_TRUE(log.ok());
    CommitAll(**log, Payloads(5), &applied);
  }
  const std::string segment = Segments(dir).at(0);
  const auto full = fs::file_size(segment);
  const auto last_record = EncodeRecord(5, Payloads(5)[4]).size();
  const auto good = full - last_record;
  for (std::uintmax_t cut = good; cut < full; ++cut) {
    const std::string copy = testing::MakeTempDir();
    fs::copy_file(segment, copy + "/" + fs::path(segment).filename().string());
    fs::resize_file(copy + "/" + fs::path(segment).filename().string(), cut);
    std::vector<std::string> replayed;
    RecoveryInfo info;
    auto log = OpenCollecting(copy, &replayed, &info);
    ASSERT_TRUE(log.ok()) << "cut at " << cut << ": " << log.status();
    EXPECT_THAT(replayed, ElementsAreArray(Payloads(4))) << "cut at " << cut;
    EXPECT_EQ(info.truncated_bytes, cut - good);
    std::vector<std::string> applied;
    CommitAll(**log, {"after"}, &applied);
    log->reset();
    replayed.clear();
    ASSERT_TRUE(OpenCollecting(copy, &replayed).ok());
    std::vector<std::string> expected = Payloads(4);
    expected.push_back("after");
    EXPECT_THAT(replayed, ElementsAreArray(expected)) << "cut at " << cut;
    fs::remove_all(copy);
  }
}

TEST(LogTest, CorruptionBeforeTheLastSegmentIsDataLoss) {
  const std::string dir = testing::MakeTempDir();
  {
    std::vector<std::string> applied, ignored;
    auto log = OpenCollecting(dir, &ignored, nullptr, nullptr, /*segment_bytes=*/100);
    ASSERT_TRUE(log.ok());
    CommitAll(**log, Payloads(20), &applied);
  }
  std::vector<std::string> segments = Segments(dir);
  ASSERT_GE(segments.size(), 3u);
  {
    // Flip a byte in the middle of the first segment.
    std::fstream f(segments[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20);
    f.put('\x7f');
  }
  std::vector<std::string> replayed;
  auto log = OpenCollecting(dir, &replayed, nullptr, nullptr, 100);
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(log.status().message(), HasSubstr(fs::path(segments[0]).filename().string()));
}

TEST(LogTest, SnapshotCoversOldSegmentsAndRecoveryCombinesBoth) {
  const std::string dir = testing::MakeTempDir();
  std::vector<std::string> state;  // what the "store" holds
  {
    std::vector<std::string> ignored;
    auto log = OpenCollecting(dir, &ignored, nullptr, nullptr, /*segment_bytes=*/256);
    ASSERT_TRUE(log.ok());
    CommitAll(**log, Payloads(60), &state);
    const std::size_t segments_before = Segments(dir).size();
    ASSERT_GT(segments_before, 3u);
    absl::Status s = (*log)->WriteSnapshot(
        [&](const auto& emit, const auto& covered) -> absl::Status {
          covered();
          for (const std::string& p : state) {
            absl::Status e = emit(p);
            if (!e.ok()) return e;
          }
          return absl::OkStatus();
        });
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_LT(Segments(dir).size(), segments_before);
    CommitAll(**log, Payloads(10, 60), &state);
  }
  std::vector<std::string> replayed;
  RecoveryInfo info;
  ASSERT_TRUE(OpenCollecting(dir, &replayed, &info, nullptr, 256).ok());
  EXPECT_EQ(info.snapshot_sequence, 60u);
  EXPECT_EQ(info.snapshot_records, 60u);
  EXPECT_EQ(info.log_records, 10u);
  EXPECT_EQ(replayed, state);
}

TEST(LogTest, UnfinishedSnapshotIsIgnored) {
  const std::string dir = testing::MakeTempDir();
  std::vector<std::string> state;
  {
    std::vector<std::string> ignored;
    auto log = OpenCollecting(dir, &ignored);
    ASSERT_TRUE(log.ok());
    CommitAll(**log, Payloads(5), &state);
  }
  {
    // A snapshot file without its end record claims to cover everything.
    std::ofstream f(dir + "/snapshot-00000000000000000005.snap", std::ios::binary);
    f << EncodeRecord(1, "bogus");
  }
  std::vector<std::string> replayed;
  RecoveryInfo info;
  ASSERT_TRUE(OpenCollecting(dir, &replayed, &info).ok());
  EXPECT_EQ(info.snapshot_sequence, 0u);
  EXPECT_EQ(info.ignored_snapshots, 1u);
  EXPECT_EQ(replayed, state);
}

// A file system whose appends or syncs fail on demand.
class FaultyFileSystem : public FileSystem {
 public:
  std::atomic<bool> fail_append{false};
  std::atomic<bool> fail_sync{false};
  std::atomic<int> syncs{0};

  absl::StatusOr<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path) override {
    auto f = PosixFileSystem()->OpenForAppend(path);
    if (!f.ok()) return f.status();
    return std::unique_ptr<WritableFile>(new File(this, std::move(*f)));
  }
  absl::StatusOr<std::string> ReadFile(const std::string& p) override { return PosixFileSystem()->ReadFile(p); }
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& d) override { return PosixFileSystem()->ListDir(d); }
  absl::Status CreateDir(const std::string& d) override { return PosixFileSystem()->CreateDir(d); }
  absl::Status Rename(const std::string& a, const std::string& b) override { return PosixFileSystem()->Rename(a, b); }
  absl::Status Remove(const std::string& p) override { return PosixFileSystem()->Remove(p); }
  absl::Status TruncateFile(const std::string& p, std::uint64_t n) override { return PosixFileSystem()->TruncateFile(p, n); }
  absl::Status SyncDir(const std::string& d) override { return PosixFileSystem()->SyncDir(d); }

 private:
  class File : public WritableFile {
   public:
    File(FaultyFileSystem* fs, std::unique_ptr<WritableFile> f) : fs_(fs), f_(std::move(f)) {}
    absl::Status Append(absl::string_view data) override {
      if (fs_->fail_append) {
        // Half of the data reaches the disk, as with a real ENOSPC.
        (void)f_->Append(data.substr(0, data.size() / 2));
        return absl::ResourceExhaustedError("cannot write 'x': No space left on device");
      }
      return f_->Append(data);
    }
    absl::Status Sync() override {
      fs_->syncs.fetch_add(1);
      if (fs_->fail_sync) return absl::UnavailableError("cannot sync 'x': Input/output error");
      return f_->Sync();
    }
    absl::Status Truncate(std::uint64_t n) override { return f_->Truncate(n); }
    std::uint64_t Size() const override { return f_->Size(); }

   private:
    FaultyFileSystem* fs_;
    std::unique_ptr<WritableFile> f_;
  };
};

TEST(LogTest, FullDiskFailsTheCommitAndLosesNothingAcknowledged) {
  const std::string dir = testing::MakeTempDir();
  FaultyFileSystem faulty;
  std::vector<std::string> applied;
  {
    std::vector<std::string> ignored;
    auto log = OpenCollecting(dir, &ignored, nullptr, &faulty);
    ASSERT_TRUE(log.ok());
    CommitAll(**log, Payloads(3), &applied);
    faulty.fail_append = true;
    bool called = false;
    absl::Status s = (*log)->Commit("lost", [&] {
      called = true;
      return absl::OkStatus();
    });
    EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
    EXPECT_FALSE(called);
    faulty.fail_append = false;  // space freed
    CommitAll(**log, Payloads(2, 3), &applied);
  }
  std::vector<std::string> replayed;
  ASSERT_TRUE(OpenCollecting(dir, &replayed).ok());
  EXPECT_THAT(replayed, ElementsAreArray(Payloads(5)));
}

TEST(LogTest, FailedSyncRefusesFurtherWrites) {
  const std::string dir = testing::MakeTempDir();
  FaultyFileSystem faulty;
  std::vector<std::string> ignored;
  auto log = OpenCollecting(dir, &ignored, nullptr, &faulty);
  ASSERT_TRUE(log.ok());
  faulty.fail_sync = true;
  EXPECT_EQ((*log)->Commit("a", [] { return absl::OkStatus(); }).code(),
            absl::StatusCode::kUnavailable);
  faulty.fail_sync = false;
  absl::Status s = (*log)->Commit("b", [] { return absl::OkStatus(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("restarts"));
}

// A replica's local copy of a replicated log: no fdatasync per commit, one
// when a segment is closed, and the records are there after a reopen.
TEST(LogTest, WithoutSyncOnlyClosedSegmentsAreSynced) {
  const std::string dir = testing::MakeTempDir();
  FaultyFileSystem counting;
  std::vector<std::string> applied;
  {
    LogOptions options;
    options.dir = dir;
    options.fs = &counting;
    options.sync = false;
    options.segment_bytes = 1 << 20;
    auto log = Log::Open(options, [](absl::string_view) { return absl::OkStatus(); });
    ASSERT_TRUE(log.ok()) << log.status();
    counting.syncs = 0;
    CommitAll(**log, Payloads(20), &applied);
    EXPECT_EQ(counting.syncs.load(), 0);
  }
  {
    LogOptions options;
    options.dir = dir;
    options.fs = &counting;
    options.sync = false;
    options.segment_bytes = 16;  // a record header alone fills it: every commit closes its segment
    std::vector<std::string> ignored;
    auto log = Log::Open(options, [&](absl::string_view p) {
      ignored.emplace_back(p);
      return absl::OkStatus();
    });
    ASSERT_TRUE(log.ok()) << log.status();
    counting.syncs = 0;
    CommitAll(**log, Payloads(3, 20), &applied);
    EXPECT_EQ(counting.syncs.load(), 3);
  }
  std::vector<std::string> replayed;
  ASSERT_TRUE(OpenCollecting(dir, &replayed).ok());
  EXPECT_THAT(replayed, ElementsAreArray(Payloads(23)));
}

TEST(ScanRecordsTest, StopsAtGarbage) {
  std::string data = EncodeRecord(1, "one") + EncodeRecord(2, "two");
  const std::size_t good = data.size();
  data += "garbage that is long enough to look like a header";
  std::vector<std::string> seen;
  auto end = ScanRecords(data, [&](std::uint64_t, absl::string_view p) {
    seen.emplace_back(p);
    return absl::OkStatus();
  });
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, good);
  EXPECT_THAT(seen, ElementsAreArray({"one", "two"}));
}

}  // namespace
}  // namespace newsevents::query::durability
