// A live feed of newly stored events that match a filter; see
// EventStore::Subscribe.
#ifndef NEWSEVENTS_QUERY_STORE_SUBSCRIPTION_H_
#define NEWSEVENTS_QUERY_STORE_SUBSCRIPTION_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "query/store/model.h"
#include "query/store/query.h"

namespace newsevents::query::store {

class EventStore;

namespace internal {

// Shared by a Subscription and the store that feeds it, so that either may
// go first. Lock order: mu before the store's locks; callback_mu is never
// held while taking mu from the store's side.
struct SubscriptionState {
  SubscriptionState(const EventStore* store, EventFilter filter,
                    std::size_t capacity, std::function<void()> on_ready)
      : store(store),
        filter(std::move(filter)),
        capacity(capacity),
        on_ready(std::move(on_ready)) {}

  const EventStore* const store;
  const EventFilter filter;
  const std::size_t capacity;

  absl::Mutex mu;
  // Replay of stored events: revisions [replay_next, replay_end] are still
  // to be scanned; `replayed` holds the matches read but not yet taken.
  std::int64_t replay_next ABSL_GUARDED_BY(mu) = 1;
  // The store's revision when the subscription was registered.
  std::int64_t replay_end ABSL_GUARDED_BY(mu) = 0;
  // Live delivery covers larger revisions only: max(replay_end,
  // from_revision), as the client has seen up to from_revision.
  std::int64_t live_after ABSL_GUARDED_BY(mu) = 0;
  std::deque<Event> replayed ABSL_GUARDED_BY(mu);
  std::deque<std::int64_t> live ABSL_GUARDED_BY(mu);  // matching revisions
  // Set when `live` was full: every matching event up to resume_revision
  // was queued; the ones after it were not.
  bool overflowed ABSL_GUARDED_BY(mu) = false;
  std::int64_t resume_revision ABSL_GUARDED_BY(mu) = 0;
  absl::Status cancelled ABSL_GUARDED_BY(mu);  // non-OK once cancelled
  bool detached ABSL_GUARDED_BY(mu) = false;

  absl::Mutex callback_mu;
  std::function<void()> on_ready ABSL_GUARDED_BY(callback_mu);

  // Calls on_ready (if still set) under callback_mu.
  void Notify() ABSL_LOCKS_EXCLUDED(mu, callback_mu);
};

}  // namespace internal

// Owned by its consumer; thread-safe. Must be destroyed before the store.
class Subscription {
 public:
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  // Stops delivery; once it returns, on_ready is not running and is never
  // called again.
  ~Subscription();

  // Never blocks on new events. Returns the next event (replayed ones first,
  // in revision order, then live ones in revision order), or nullopt when
  // none is ready yet (on_ready will be called when one is), or the status
  // that ended the subscription:
  //  - RESOURCE_EXHAUSTED when the consumer fell more than the buffer size
  //    behind; returned after the events queued before that, with the
  //    revision to pass as from_revision in the message and in
  //    resume_revision().
  //  - the status given to Cancel(), at once.
  absl::StatusOr<std::optional<Event>> Next();

  // Ends the subscription with `status` (not OK) and calls on_ready.
  void Cancel(absl::Status status);

  // After Next() returned RESOURCE_EXHAUSTED: the from_revision to resume
  // with. Otherwise 0.
  std::int64_t resume_revision() const;

 private:
  friend class EventStore;
  explicit Subscription(std::shared_ptr<internal::SubscriptionState> state)
      : state_(std::move(state)) {}

  std::shared_ptr<internal::SubscriptionState> state_;
};

}  // namespace newsevents::query::store

#endif  // NEWSEVENTS_QUERY_STORE_SUBSCRIPTION_H_
