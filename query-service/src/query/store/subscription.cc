#include "query/store/subscription.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "query/store/event_store.h"

namespace newsevents::query::store {
namespace {

// Replayed events read from the store per lock acquisition.
constexpr std::size_t kReplayBatch = 128;

}  // namespace

namespace internal {

void SubscriptionState::Notify() {
  absl::MutexLock lock(&callback_mu);
  if (on_ready) on_ready();
}

}  // namespace internal

Subscription::~Subscription() {
  {
    absl::MutexLock lock(&state_->mu);
    state_->detached = true;
    if (state_->cancelled.ok()) state_->cancelled = absl::CancelledError("detached");
    state_->replayed.clear();
    state_->live.clear();
  }
  absl::MutexLock lock(&state_->callback_mu);
  state_->on_ready = nullptr;
}

absl::StatusOr<std::optional<Event>> Subscription::Next() {
  internal::SubscriptionState& s = *state_;
  absl::MutexLock lock(&s.mu);
  if (!s.cancelled.ok()) return s.cancelled;
  while (s.replayed.empty() && s.replay_next <= s.replay_end) {
    std::int64_t next = 0;
    std::vector<Event> batch =
        s.store->Replay(s.filter, s.replay_next, s.replay_end, kReplayBatch, &next);
    s.replay_next = next;
    for (Event& e : batch) s.replayed.push_back(std::move(e));
  }
  if (!s.replayed.empty()) {
    Event e = std::move(s.replayed.front());
    s.replayed.pop_front();
    return std::optional<Event>(std::move(e));
  }
  if (!s.live.empty()) {
    const std::int64_t revision = s.live.front();
    s.live.pop_front();
    return std::optional<Event>(s.store->EventAt(revision));
  }
  if (s.overflowed) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "subscriber fell more than ", s.capacity,
        " events behind; resume with from_revision=", s.resume_revision));
  }
  return std::optional<Event>();
}

void Subscription::Cancel(absl::Status status) {
  if (status.ok()) status = absl::CancelledError("cancelled");
  {
    absl::MutexLock lock(&state_->mu);
    if (!state_->cancelled.ok()) return;
    state_->cancelled = std::move(status);
    state_->replayed.clear();
    state_->live.clear();
  }
  state_->Notify();
}

std::int64_t Subscription::resume_revision() const {
  absl::MutexLock lock(&state_->mu);
  return state_->overflowed ? state_->resume_revision : 0;
}

}  // namespace newsevents::query::store
