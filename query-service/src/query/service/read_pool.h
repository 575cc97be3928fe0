// Threads that run the scan-heavy reads (listings, aggregates, searches) off
// gRPC's callback threads, with a bounded queue so that overload is refused
// at once rather than piling up.
//
// Thread-safe. The destructor runs every task already queued, then joins.
#ifndef NEWSEVENTS_QUERY_SERVICE_READ_POOL_H_
#define NEWSEVENTS_QUERY_SERVICE_READ_POOL_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace newsevents::query {

class ReadPool {
 public:
  // REQUIRES: threads >= 1, max_queue >= 1.
  ReadPool(int threads, std::size_t max_queue);
  ~ReadPool();
  ReadPool(const ReadPool&) = delete;
  ReadPool& operator=(const ReadPool&) = delete;

  // Queues `task`; false (and `task` not run) when max_queue tasks are
  // already waiting.
  bool TrySchedule(std::function<void()> task) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Work() ABSL_LOCKS_EXCLUDED(mu_);

  const std::size_t max_queue_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace newsevents::query

#endif  // NEWSEVENTS_QUERY_SERVICE_READ_POOL_H_
