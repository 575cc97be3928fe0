#include "query/service/log_follower.h"

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"

namespace newsevents::query {

LogFollower::LogFollower(ArticleWriter* writer, LogFollowerOptions options)
    : writer_(writer), options_(std::move(options)) {}

std::unique_ptr<LogFollower> LogFollower::Start(ArticleWriter* writer,
                                                LogFollowerOptions options) {
  if (options.subject_filter.empty()) {
    options.subject_filter = replication::AllArticlesSubject(options.jetstream.stream);
  }
  std::unique_ptr<LogFollower> follower(new LogFollower(writer, std::move(options)));
  follower->thread_ = std::thread([f = follower.get()] { f->Run(); });
  return follower;
}

LogFollower::~LogFollower() {
  stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

LogFollower::Progress LogFollower::progress() const {
  Progress p;
  p.applied = writer_->log_position();
  absl::MutexLock lock(&mu_);
  p.last_seen = std::max(last_seen_, p.applied);
  p.pending = pending_;
  p.rejected = rejected_;
  p.error = error_;
  p.caught_up = caught_up_.HasBeenNotified();
  return p;
}

bool LogFollower::WaitForCatchUp(absl::Duration timeout) const {
  return caught_up_.WaitForNotificationWithTimeout(timeout);
}

void LogFollower::SetError(std::string error) {
  absl::MutexLock lock(&mu_);
  // Said once while it lasts, not at every retry.
  if (error == error_) return;
  std::fprintf(stderr, "newsevents-query: event log: %s\n", error.c_str());
  error_ = std::move(error);
}

void LogFollower::SawLast(std::uint64_t last, std::uint64_t pending) {
  absl::MutexLock lock(&mu_);
  if (last > last_seen_) last_seen_ = last;
  pending_ = pending;
}

void LogFollower::CaughtUp() {
  if (!caught_up_.HasBeenNotified()) caught_up_.Notify();
}

void LogFollower::Run() {
  while (!stop_.HasBeenNotified()) {
    absl::StatusOr<std::unique_ptr<replication::JetStream>> log =
        replication::JetStream::Connect(options_.jetstream);
    absl::Status ready = log.ok() ? (*log)->EnsureStream() : log.status();
    if (!ready.ok()) {
      SetError(absl::StrCat(ready.message(), "; retrying"));
      stop_.WaitForNotificationWithTimeout(options_.retry_interval);
      continue;
    }
    Follow(**log);
  }
}

void LogFollower::Follow(replication::JetStream& log) {
  const bool contiguous =
      options_.subject_filter == replication::AllArticlesSubject(options_.jetstream.stream);
  absl::StatusOr<std::uint64_t> last = log.LastSequence();
  if (!last.ok()) {
    SetError(std::string(last.status().message()));
    stop_.WaitForNotificationWithTimeout(options_.retry_interval);
    return;
  }
  if (const std::uint64_t position = writer_->log_position(); *last < position) {
    // Following would wait for messages that already exist here: the
    // stream was deleted and made again, or this is another stream.
    SetError(absl::StrCat("stream ", options_.jetstream.stream, " ends at message ", *last,
                          " but this replica has applied up to message ", position,
                          ": the stream was recreated or is another one; move this "
                          "replica's --data_dir aside to rebuild it from the stream"));
    stop_.WaitForNotificationWithTimeout(options_.retry_interval);
    return;
  }
  // Caught up means: applied what the stream held when first reached. With
  // every subject that is a sequence; with one shard's subjects (not
  // contiguous) the consumer's own count of what is left stands in.
  const std::uint64_t target = *last;
  {
    const std::uint64_t position = writer_->log_position();
    // With one shard's subjects, what is pending is known from the first
    // message on.
    SawLast(*last, contiguous && *last > position ? *last - position : 0);
    if (*last <= position) CaughtUp();
  }
  std::unique_ptr<replication::JetStream::Reader> reader;
  std::uint64_t expected = 0;  // the next sequence to apply
  absl::Time last_check = absl::Now();
  while (!stop_.HasBeenNotified()) {
    if (reader == nullptr) {
      expected = writer_->log_position() + 1;
      absl::StatusOr<std::unique_ptr<replication::JetStream::Reader>> r =
          log.Follow(expected, options_.subject_filter);
      if (!r.ok()) {
        SetError(std::string(r.status().message()));
        stop_.WaitForNotificationWithTimeout(options_.retry_interval);
        continue;
      }
      reader = std::move(*r);
      absl::MutexLock lock(&mu_);
      error_.clear();
    }
    absl::StatusOr<std::optional<replication::JetStream::Message>> next =
        reader->Next(absl::Milliseconds(500));
    if (!next.ok()) {
      SetError(std::string(next.status().message()));
      return;  // connect again
    }
    if (!next->has_value()) {
      // Nothing came for a while. That proves nothing for the whole stream
      // (a server that just rejoined may still be catching up), but for one
      // shard's subjects it is the best sign there is.
      if (!contiguous) CaughtUp();
      // Idle: refresh the log's last sequence now and then (for GetStats).
      if (absl::Now() - last_check > absl::Seconds(2)) {
        last_check = absl::Now();
        if (absl::StatusOr<std::uint64_t> l = log.LastSequence(); l.ok()) SawLast(*l, 0);
      }
      continue;
    }
    replication::JetStream::Message& m = **next;
    if (m.sequence < expected) continue;  // already applied (a redelivery)
    if (contiguous && m.sequence > expected) {
      // Ordered delivery skipped a message: follow again from our position.
      SetError(absl::StrCat("gap in the log: expected message ", expected, ", got ",
                            m.sequence, "; following again from ", expected));
      reader.reset();
      continue;
    }
    while (!stop_.HasBeenNotified()) {
      absl::StatusOr<store::AppendResult> applied =
          writer_->ApplyFromLog(m.payload, m.sequence, m.stored_at);
      if (applied.ok()) break;
      if (IsFinalRejection(applied.status())) {
        std::fprintf(stderr, "newsevents-query: event log: message %llu skipped: %s\n",
                     static_cast<unsigned long long>(m.sequence),
                     std::string(applied.status().message()).c_str());
        absl::MutexLock lock(&mu_);
        ++rejected_;
        break;
      }
      // The disk: nothing was applied; try the same message again.
      SetError(absl::StrCat("applying message ", m.sequence, ": ", applied.status().message(),
                            "; retrying"));
      stop_.WaitForNotificationWithTimeout(options_.retry_interval);
    }
    if (stop_.HasBeenNotified()) return;
    expected = m.sequence + 1;
    SawLast(m.sequence + m.pending, m.pending);
    if (contiguous ? m.sequence >= target : m.pending == 0) CaughtUp();
  }
}

}  // namespace newsevents::query
