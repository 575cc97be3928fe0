// A query replica's side of the replicated event log: a background thread
// that applies the log's messages, in order, to the replica's store through
// its ArticleWriter, from the position the writer recovered.
//
// It connects (retrying while no NATS server answers), creates the stream
// if it is missing, and follows it with an ordered consumer from
// writer->log_position() + 1. A lost connection or a gap makes it follow
// again from its own position, so nothing is skipped and nothing applied
// twice. A write the disk refused is retried until it succeeds.
//
// Thread-safety: all methods may be called concurrently.
#ifndef NEWSEVENTS_QUERY_SERVICE_LOG_FOLLOWER_H_
#define NEWSEVENTS_QUERY_SERVICE_LOG_FOLLOWER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "query/replication/jetstream.h"
#include "query/service/article_writer.h"

namespace newsevents::query {

struct LogFollowerOptions {
  replication::JetStreamOptions jetstream;
  // The subjects this replica applies: every shard by default, or one
  // shard's subject (replication::ArticleSubject).
  std::string subject_filter;
  // Wait between attempts after an error.
  absl::Duration retry_interval = absl::Seconds(1);
};

class LogFollower {
 public:
  struct Progress {
    std::uint64_t applied = 0;    // the writer's log position
    std::uint64_t last_seen = 0;  // the log's last sequence, as last seen
    std::uint64_t pending = 0;    // messages of this replica's subjects still to apply
    std::uint64_t rejected = 0;   // messages the store refused (skipped)
    // Applied what the log held when first reached (then stays true).
    bool caught_up = false;
    std::string error;            // the last error, while not following
  };

  // Starts the thread. `writer` is not owned and must outlive the follower.
  static std::unique_ptr<LogFollower> Start(ArticleWriter* writer, LogFollowerOptions options);
  // Stops and joins the thread.
  ~LogFollower();

  Progress progress() const ABSL_LOCKS_EXCLUDED(mu_);
  // True once the replica applied everything the log held when the
  // follower first reached it; false when `timeout` passed before that.
  bool WaitForCatchUp(absl::Duration timeout) const;

 private:
  LogFollower(ArticleWriter* writer, LogFollowerOptions options);
  void Run();
  // One connection's life: returns when the follower stops or must
  // reconnect (the error is recorded).
  void Follow(replication::JetStream& log);
  void SetError(std::string error) ABSL_LOCKS_EXCLUDED(mu_);
  void SawLast(std::uint64_t last, std::uint64_t pending) ABSL_LOCKS_EXCLUDED(mu_);
  void CaughtUp();

  ArticleWriter* const writer_;
  const LogFollowerOptions options_;
  mutable absl::Mutex mu_;
  std::uint64_t last_seen_ ABSL_GUARDED_BY(mu_) = 0;
  std::uint64_t pending_ ABSL_GUARDED_BY(mu_) = 0;
  std::uint64_t rejected_ ABSL_GUARDED_BY(mu_) = 0;
  std::string error_ ABSL_GUARDED_BY(mu_);
  absl::Notification caught_up_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace newsevents::query

#endif  // NEWSEVENTS_QUERY_SERVICE_LOG_FOLLOWER_H_
