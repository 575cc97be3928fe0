// A durable, append-only record log: write-ahead log segments plus
// snapshots, in one folder. Payloads are opaque bytes (the layer above
// decides their format).
//
// On disk (all integers little-endian):
//   wal-<first sequence, 20 digits>.log   segments of records
//   snapshot-<covered sequence, 20 digits>.snap
//                                         every live record up to and
//                                         including that sequence
//   record = u32 payload length | u32 CRC-32 of (sequence, payload)
//            | u64 sequence | payload
// A snapshot is records too, closed by an end record (sequence 0, payload
// "end:<count>"); one without it is ignored as unfinished.
//
// Guarantees: Commit() returns only after its record is on disk
// (fdatasync); concurrent commits share one sync (group commit) and their
// apply functions run in log order, one at a time. After a failed write
// the log cuts the file back, so no half record is ever followed by a good
// one; if even that fails, the log refuses further writes (UNAVAILABLE)
// until the process restarts and recovers.
//
// Recovery (Open): the newest complete snapshot, then the records of later
// segments in order. A torn or corrupt tail of the LAST segment (a crash in
// the middle of a write) is truncated; corruption anywhere else is
// DATA_LOSS naming the file and offset.
//
// Thread-safety: all methods may be called concurrently.
#ifndef NEWSEVENTS_QUERY_DURABILITY_LOG_H_
#define NEWSEVENTS_QUERY_DURABILITY_LOG_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "query/durability/file_system.h"

namespace newsevents::query::durability {

struct LogOptions {
  std::string dir;
  // A new segment starts when the current one is larger than this.
  std::uint64_t segment_bytes = 64ull << 20;
  // Not owned; null = PosixFileSystem().
  FileSystem* fs = nullptr;
  // false: Commit() returns once its record is written, without
  // fdatasync; a segment is synced when it is closed. For a log whose
  // records can be fetched again elsewhere (a replica of a replicated log):
  // a crash of the process loses nothing, one of the machine may lose the
  // tail of the last segment, which recovery cuts off as torn.
  bool sync = true;
};

// What Open() found.
struct RecoveryInfo {
  std::uint64_t snapshot_sequence = 0;   // 0 = no snapshot
  std::uint64_t snapshot_records = 0;
  std::uint64_t log_records = 0;         // replayed from segments
  std::uint64_t truncated_bytes = 0;     // torn tail cut from the last segment
  std::uint64_t ignored_snapshots = 0;   // unfinished snapshot files skipped
  std::uint64_t last_sequence = 0;
};

// Encodes one record (exposed for tests and fuzzers).
std::string EncodeRecord(std::uint64_t sequence, absl::string_view payload);

// Decodes the records of `data` in order, calling `fn` for each; stops at
// the first incomplete or corrupt record and returns the offset where the
// good records end. `fn` returning an error stops the scan with it.
absl::StatusOr<std::uint64_t> ScanRecords(
    absl::string_view data,
    absl::FunctionRef<absl::Status(std::uint64_t, absl::string_view)> fn);

class Log {
 public:
  using ReplayFn = std::function<absl::Status(absl::string_view payload)>;

  // Opens (creating) the folder and replays every durable record through
  // `replay`, in order. An error from `replay` stops recovery with it.
  static absl::StatusOr<std::unique_ptr<Log>> Open(LogOptions options,
                                                   const ReplayFn& replay,
                                                   RecoveryInfo* info = nullptr);
  ~Log();

  // Writes `payload` as the next record, makes it durable, then calls
  // `apply` (in log order with other commits) and returns its status. When
  // the write or sync fails, `apply` is not called and the error is
  // returned: RESOURCE_EXHAUSTED for a full disk, UNAVAILABLE otherwise.
  absl::Status Commit(std::string payload, absl::FunctionRef<absl::Status()> apply)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Writes a snapshot of the state after the last committed record:
  // `produce` is called with an `emit` function and must emit the payload
  // of every live record (it runs while commits continue: it must read a
  // consistent state on its own, e.g. under the store's reader lock, and
  // the snapshot covers exactly the sequence returned by `covered`, which
  // it calls while holding that state). Then drops the segments and older
  // snapshots the new snapshot covers.
  absl::Status WriteSnapshot(
      const std::function<absl::Status(
          const std::function<absl::Status(absl::string_view)>& emit,
          const std::function<std::uint64_t()>& covered)>& produce);

  std::uint64_t last_sequence() const ABSL_LOCKS_EXCLUDED(mu_);
  // Bytes in log segments (what a snapshot would let go).
  std::uint64_t log_bytes() const ABSL_LOCKS_EXCLUDED(mu_);
  const std::string& dir() const { return options_.dir; }

 private:
  struct Pending {
    std::string record;
    absl::FunctionRef<absl::Status()>* apply;
    absl::Status result;
    bool done = false;
  };

  explicit Log(LogOptions options);
  absl::Status Recover(const ReplayFn& replay, RecoveryInfo* info);
  absl::Status OpenSegment(std::uint64_t first_sequence) ABSL_EXCLUSIVE_LOCKS_REQUIRED(io_mu_);
  std::string SegmentPath(std::uint64_t first_sequence) const;
  std::string SnapshotPath(std::uint64_t covered) const;
  void LeadBatch() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const LogOptions options_;
  FileSystem* const fs_;

  mutable absl::Mutex mu_;
  std::uint64_t next_sequence_ ABSL_GUARDED_BY(mu_) = 1;
  std::uint64_t applied_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Pending*> queue_ ABSL_GUARDED_BY(mu_);
  bool leader_active_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status broken_ ABSL_GUARDED_BY(mu_);
  std::vector<std::uint64_t> segment_starts_ ABSL_GUARDED_BY(mu_);
  std::uint64_t closed_segment_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::uint64_t, std::uint64_t> segment_sizes_ ABSL_GUARDED_BY(mu_);

  // Serialises file I/O (the batch leader and snapshot rotation).
  absl::Mutex io_mu_ ABSL_ACQUIRED_AFTER(mu_);
  std::unique_ptr<WritableFile> segment_ ABSL_GUARDED_BY(io_mu_);
  std::uint64_t segment_first_ ABSL_GUARDED_BY(io_mu_) = 0;
};

}  // namespace newsevents::query::durability

#endif  // NEWSEVENTS_QUERY_DURABILITY_LOG_H_
