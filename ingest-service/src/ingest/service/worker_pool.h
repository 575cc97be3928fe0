// A fixed pool of threads with a bounded queue. Extraction runs here, not on
// gRPC's threads, so that a slow article never stalls the transport and so
// that overload is refused early instead of growing memory.
//
// Thread-safe. The destructor runs every task already queued, then joins.
#ifndef NEWSEVENTS_INGEST_SERVICE_WORKER_POOL_H_
#define NEWSEVENTS_INGEST_SERVICE_WORKER_POOL_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace newsevents::ingest {

class WorkerPool {
 public:
  // REQUIRES: threads >= 1, max_queue >= 1.
  WorkerPool(int threads, std::size_t max_queue);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false (and `task` dropped) when the queue is full or the
  // pool is shutting down.
  bool TrySubmit(std::function<void()> task);

  std::size_t queued() const;
  std::size_t max_queue() const { return max_queue_; }
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void Run();

  const std::size_t max_queue_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_SERVICE_WORKER_POOL_H_
