// The store's source of "now": a seam so that tests control ingest times.
#ifndef NEWSEVENTS_QUERY_STORE_CLOCK_H_
#define NEWSEVENTS_QUERY_STORE_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace newsevents::query::store {

// Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;

  // The wall clock. Never null; lives for the whole program.
  static Clock* Real();
};

// A clock that only moves when told to. Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(absl::Time now) : now_(now) {}

  absl::Time Now() override ABSL_LOCKS_EXCLUDED(mu_);
  void Set(absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);
  void Advance(absl::Duration d) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace newsevents::query::store

#endif  // NEWSEVENTS_QUERY_STORE_CLOCK_H_
