// The query service's write path: AppendArticle requests go through the
// durable log (when there is a data folder) into the event store.
//
// With a data folder, an append is acknowledged only after its record is on
// disk (fdatasync, shared by concurrent appends) and applied; start-up
// replays the newest snapshot and the log before the service reports
// SERVING. Records are serialized AppendArticleRequest messages, so the
// files stay readable across versions that keep the proto compatible.
// A background thread writes a snapshot when the log has grown past a
// threshold, and drops the log segments it covers.
//
// Thread-safety: all methods may be called concurrently.
#ifndef NEWSEVENTS_QUERY_SERVICE_ARTICLE_WRITER_H_
#define NEWSEVENTS_QUERY_SERVICE_ARTICLE_WRITER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "newsevents/v1/query_service.pb.h"
#include "query/durability/log.h"
#include "query/store/event_store.h"

namespace newsevents::query {

struct ArticleWriterOptions {
  // Empty: memory only, nothing survives a restart.
  std::string data_dir;
  // Write a snapshot when the log segments hold more than this many bytes.
  std::uint64_t snapshot_after_bytes = 256ull << 20;
  // How often the background thread checks the log size (0 = no thread).
  absl::Duration snapshot_check_interval = absl::Seconds(10);
  std::uint64_t segment_bytes = 64ull << 20;
  durability::FileSystem* fs = nullptr;  // null = POSIX
  // A replica of a replicated log (--event_log=nats://...): articles come
  // only through ApplyFromLog, and Append() answers FAILED_PRECONDITION.
  // The data folder is then a local copy of the replicated log, written
  // without an fdatasync per article (durability::LogOptions::sync): what
  // a machine crash loses of its tail is fetched again from the log.
  bool replica = false;
};

// What recovery found and how long it took.
struct RecoveryReport {
  durability::RecoveryInfo log;
  std::int64_t articles = 0;
  std::int64_t events = 0;
  std::int64_t skipped_records = 0;  // records the store rejected on replay
  absl::Duration elapsed;
};

// The store's deterministic refusals (INVALID_ARGUMENT, ALREADY_EXISTS): a
// record refused once is refused again on every replay, so it is skipped,
// not retried.
bool IsFinalRejection(const absl::Status& status);

class ArticleWriter {
 public:
  // Opens the data folder and replays it into `store` (not owned; must be
  // empty and outlive the writer).
  static absl::StatusOr<std::unique_ptr<ArticleWriter>> Open(
      store::EventStore* store, ArticleWriterOptions options,
      RecoveryReport* report = nullptr);
  ~ArticleWriter();

  // Validates, logs and applies one article. A duplicate (by article id)
  // answers duplicate = true without writing anything. Errors:
  // INVALID_ARGUMENT (the request), ALREADY_EXISTS (an event id of another
  // article), RESOURCE_EXHAUSTED (disk full), UNAVAILABLE (disk error).
  // Reads keep working whatever the log's state.
  absl::StatusOr<store::AppendResult> Append(const v1::AppendArticleRequest& request);

  // Applies message `sequence` of the replicated log, whose payload is a
  // serialized AppendArticleRequest stored by the log at `stored_at` (the
  // article's ingest time, the same on every replica). Messages at or
  // below log_position() are skipped (OK, duplicate). A message the store
  // rejects (INVALID_ARGUMENT, ALREADY_EXISTS) or a duplicate article
  // still advances the position; RESOURCE_EXHAUSTED and UNAVAILABLE (the
  // disk) do not, and the message must be applied again.
  // Call from one thread, in log order.
  absl::StatusOr<store::AppendResult> ApplyFromLog(absl::string_view payload,
                                                   std::uint64_t sequence,
                                                   absl::Time stored_at);
  // The last log sequence applied: recovered from the data folder (each
  // logged record carries its sequence, a snapshot ends with a position
  // record), so a restarted replica resumes after it. 0 = none.
  std::uint64_t log_position() const { return log_position_.load(std::memory_order_acquire); }

  // Writes a snapshot now (FAILED_PRECONDITION when memory-only).
  absl::Status Snapshot();

  bool durable() const { return log_ != nullptr; }
  const std::string& data_dir() const { return options_.data_dir; }

 private:
  ArticleWriter(store::EventStore* store, ArticleWriterOptions options);
  void SnapshotLoop();

  store::EventStore* const store_;
  const ArticleWriterOptions options_;
  std::unique_ptr<durability::Log> log_;
  std::atomic<std::uint64_t> log_position_{0};
  absl::Notification stop_;
  std::thread snapshotter_;
};

}  // namespace newsevents::query

#endif  // NEWSEVENTS_QUERY_SERVICE_ARTICLE_WRITER_H_
