#include "query/durability/log.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace newsevents::query::durability {
namespace {

constexpr std::size_t kHeaderBytes = 16;
// A record longer than this is treated as corrupt (the length field itself
// is damaged); the service's messages are far smaller.
constexpr std::uint32_t kMaxPayload = 1u << 30;
constexpr char kSegmentPrefix[] = "wal-";
constexpr char kSegmentSuffix[] = ".log";
constexpr char kSnapshotPrefix[] = "snapshot-";
constexpr char kSnapshotSuffix[] = ".snap";
constexpr char kEndPrefix[] = "end:";

void PutU32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint32_t GetU32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
std::uint64_t GetU64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::uint32_t Checksum(const char* seq_bytes, absl::string_view payload) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(seq_bytes), 8);
  // zlib takes lengths as uInt; feed large payloads in pieces.
  while (!payload.empty()) {
    const std::size_t n = std::min<std::size_t>(payload.size(), 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(n));
    payload.remove_prefix(n);
  }
  return static_cast<std::uint32_t>(crc);
}

// Parses "<prefix><20 digits><suffix>"; false for other names.
bool ParseName(absl::string_view name, absl::string_view prefix,
               absl::string_view suffix, std::uint64_t* number) {
  if (!absl::ConsumePrefix(&name, prefix) || !absl::ConsumeSuffix(&name, suffix)) return false;
  return name.size() == 20 && absl::SimpleAtoi(name, number);
}

}  // namespace

std::string EncodeRecord(std::uint64_t sequence, absl::string_view payload) {
  std::string out;
  out.reserve(kHeaderBytes + payload.size());
  PutU32(out, static_cast<std::uint32_t>(payload.size()));
  std::string seq;
  PutU64(seq, sequence);
  PutU32(out, Checksum(seq.data(), payload));
  out += seq;
  out.append(payload.data(), payload.size());
  return out;
}

absl::StatusOr<std::uint64_t> ScanRecords(
    absl::string_view data,
    absl::FunctionRef<absl::Status(std::uint64_t, absl::string_view)> fn) {
  std::uint64_t offset = 0;
  while (data.size() - offset >= kHeaderBytes) {
    const char* p = data.data() + offset;
    const std::uint32_t length = GetU32(p);
    if (length > kMaxPayload || data.size() - offset - kHeaderBytes < length) break;
    const absl::string_view payload(p + kHeaderBytes, length);
    if (Checksum(p + 8, payload) != GetU32(p + 4)) break;
    absl::Status s = fn(GetU64(p + 8), payload);
    if (!s.ok()) return s;
    offset += kHeaderBytes + length;
  }
  return offset;
}

Log::Log(LogOptions options)
    : options_(std::move(options)),
      fs_(options_.fs != nullptr ? options_.fs : PosixFileSystem()) {}

Log::~Log() = default;

std::string Log::SegmentPath(std::uint64_t first) const {
  return absl::StrFormat("%s/%s%020d%s", options_.dir, kSegmentPrefix, first, kSegmentSuffix);
}

std::string Log::SnapshotPath(std::uint64_t covered) const {
  return absl::StrFormat("%s/%s%020d%s", options_.dir, kSnapshotPrefix, covered, kSnapshotSuffix);
}

absl::StatusOr<std::unique_ptr<Log>> Log::Open(LogOptions options, const ReplayFn& replay,
                                               RecoveryInfo* info) {
  if (options.dir.empty()) return absl::InvalidArgumentError("data_dir is empty");
  std::unique_ptr<Log> log(new Log(std::move(options)));
  RecoveryInfo local;
  absl::Status s = log->Recover(replay, info != nullptr ? info : &local);
  if (!s.ok()) return s;
  return log;
}

absl::Status Log::Recover(const ReplayFn& replay, RecoveryInfo* info) {
  absl::Status s = fs_->CreateDir(options_.dir);
  if (!s.ok()) return s;
  absl::StatusOr<std::vector<std::string>> names = fs_->ListDir(options_.dir);
  if (!names.ok()) return names.status();

  std::vector<std::uint64_t> snapshots, segments;
  for (const std::string& name : *names) {
    std::uint64_t n = 0;
    if (ParseName(name, kSnapshotPrefix, kSnapshotSuffix, &n)) {
      snapshots.push_back(n);
    } else if (ParseName(name, kSegmentPrefix, kSegmentSuffix, &n)) {
      segments.push_back(n);
    } else if (absl::EndsWith(name, ".tmp")) {
      (void)fs_->Remove(absl::StrCat(options_.dir, "/", name));  // unfinished snapshot
    }
  }
  std::sort(snapshots.rbegin(), snapshots.rend());
  std::sort(segments.begin(), segments.end());

  // The newest complete snapshot: validated whole before anything is applied.
  std::uint64_t covered = 0;
  for (std::uint64_t candidate : snapshots) {
    const std::string path = SnapshotPath(candidate);
    absl::StatusOr<std::string> data = fs_->ReadFile(path);
    if (!data.ok()) return data.status();
    std::vector<absl::string_view> payloads;
    bool complete = false;
    absl::StatusOr<std::uint64_t> end = ScanRecords(
        *data, [&](std::uint64_t seq, absl::string_view payload) -> absl::Status {
          if (seq == 0 && absl::StartsWith(payload, kEndPrefix)) {
            std::uint64_t count = 0;
            complete = absl::SimpleAtoi(payload.substr(sizeof(kEndPrefix) - 1), &count) &&
                       count == payloads.size();
            return absl::OkStatus();
          }
          payloads.push_back(payload);
          return absl::OkStatus();
        });
    if (!end.ok()) return end.status();
    if (!complete || *end != data->size()) {
      ++info->ignored_snapshots;
      continue;
    }
    for (absl::string_view p : payloads) {
      s = replay(p);
      if (!s.ok()) return s;
    }
    covered = candidate;
    info->snapshot_sequence = candidate;
    info->snapshot_records = payloads.size();
    break;
  }

  std::uint64_t last = covered;
  std::vector<std::uint64_t> sizes(segments.size(), 0);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string path = SegmentPath(segments[i]);
    absl::StatusOr<std::string> data = fs_->ReadFile(path);
    if (!data.ok()) return data.status();
    absl::StatusOr<std::uint64_t> end = ScanRecords(
        *data, [&](std::uint64_t seq, absl::string_view payload) -> absl::Status {
          if (seq <= covered) return absl::OkStatus();
          if (seq != last + 1) {
            return absl::DataLossError(absl::StrCat(
                "write-ahead log ", path, ": record ", seq, " follows ", last,
                "; records are missing. Move the data folder aside to start "
                "empty, or restore it from a backup"));
          }
          absl::Status applied = replay(payload);
          if (!applied.ok()) return applied;
          last = seq;
          ++info->log_records;
          return absl::OkStatus();
        });
    if (!end.ok()) return end.status();
    sizes[i] = *end;
    if (*end != data->size()) {
      if (i + 1 != segments.size()) {
        return absl::DataLossError(absl::StrCat(
            "write-ahead log ", path, " is corrupt at byte ", *end, " of ", data->size(),
            " and is not the last segment; move the data folder aside to start empty, "
            "or restore it from a backup"));
      }
      // A crash in the middle of the last write: that record was never
      // acknowledged. Cut it off so new records follow good ones.
      s = fs_->TruncateFile(path, *end);
      if (!s.ok()) return s;
      info->truncated_bytes = data->size() - *end;
    }
  }
  info->last_sequence = last;

  absl::MutexLock lock(&mu_);
  absl::MutexLock io(&io_mu_);
  next_sequence_ = last + 1;
  applied_sequence_ = last;
  segment_starts_ = segments;
  if (segments.empty()) {
    segment_starts_.push_back(next_sequence_);
    return OpenSegment(next_sequence_);
  }
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    closed_segment_bytes_ += sizes[i];
    segment_sizes_[segments[i]] = sizes[i];
  }
  // Keep appending to the last segment.
  absl::StatusOr<std::unique_ptr<WritableFile>> f = fs_->OpenForAppend(SegmentPath(segments.back()));
  if (!f.ok()) return f.status();
  segment_ = std::move(*f);
  segment_first_ = segments.back();
  return absl::OkStatus();
}

absl::Status Log::OpenSegment(std::uint64_t first_sequence) {
  absl::StatusOr<std::unique_ptr<WritableFile>> f = fs_->OpenForAppend(SegmentPath(first_sequence));
  if (!f.ok()) return f.status();
  absl::Status s = fs_->SyncDir(options_.dir);
  if (!s.ok()) return s;
  segment_ = std::move(*f);
  segment_first_ = first_sequence;
  return absl::OkStatus();
}

absl::Status Log::Commit(std::string payload, absl::FunctionRef<absl::Status()> apply) {
  Pending p;
  p.record = std::move(payload);  // encoded by the leader, which numbers it
  p.apply = &apply;
  absl::MutexLock lock(&mu_);
  if (!broken_.ok()) return broken_;
  queue_.push_back(&p);
  struct WaitArgs {
    const Pending* pending;
    const bool* leader_active;
  } args{&p, &leader_active_};
  while (!p.done) {
    if (!leader_active_) {
      LeadBatch();
    } else {
      mu_.Await(absl::Condition(
          +[](WaitArgs* a) { return a->pending->done || !*a->leader_active; }, &args));
    }
  }
  return p.result;
}

void Log::LeadBatch() {
  leader_active_ = true;
  std::vector<Pending*> batch(queue_.begin(), queue_.end());
  queue_.clear();
  std::uint64_t first = next_sequence_;
  mu_.Unlock();

  absl::Status status;
  bool broken = false;
  bool rotated = false;
  std::uint64_t closed_start = 0, closed_size = 0, new_start = 0;
  {
    absl::MutexLock io(&io_mu_);
    std::string buffer;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      buffer += EncodeRecord(first + i, batch[i]->record);
    }
    const std::uint64_t before = segment_->Size();
    status = segment_->Append(buffer);
    if (!status.ok()) {
      if (!segment_->Truncate(before).ok()) broken = true;
    } else if (options_.sync || segment_->Size() >= options_.segment_bytes) {
      // Without per-commit syncs, a segment is still synced when it closes.
      status = segment_->Sync();
      // After a failed fdatasync the kernel may have dropped the dirty
      // pages: the file's content is unknown, so no more writes.
      if (!status.ok()) broken = true;
    }
    if (status.ok() && segment_->Size() >= options_.segment_bytes) {
      closed_size = segment_->Size();
      closed_start = segment_first_;
      // A failed rotation keeps writing to the old segment.
      rotated = OpenSegment(first + batch.size()).ok();
      new_start = segment_first_;
    }
  }

  if (status.ok()) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i]->result = (*batch[i]->apply)();
      absl::MutexLock lock(&mu_);
      applied_sequence_ = first + i;
    }
  } else {
    for (Pending* p : batch) p->result = status;
  }

  mu_.Lock();
  if (rotated) {
    closed_segment_bytes_ += closed_size;
    segment_sizes_[closed_start] = closed_size;
    segment_starts_.push_back(new_start);
  }
  if (status.ok()) next_sequence_ = first + batch.size();
  if (broken) {
    broken_ = absl::UnavailableError(absl::StrCat(
        "write-ahead log in ", options_.dir, " failed (", status.message(),
        "); writes are refused until the service restarts and recovers"));
  }
  for (Pending* p : batch) p->done = true;
  leader_active_ = false;
}

absl::Status Log::WriteSnapshot(
    const std::function<absl::Status(
        const std::function<absl::Status(absl::string_view)>& emit,
        const std::function<std::uint64_t()>& covered)>& produce) {
  // Start a fresh segment so that the older ones can be dropped once the
  // snapshot covers them.
  {
    absl::MutexLock lock(&mu_);
    if (!broken_.ok()) return broken_;
    absl::MutexLock io(&io_mu_);
    if (segment_->Size() > 0) {
      const std::uint64_t size = segment_->Size();
      const std::uint64_t closed = segment_first_;
      absl::Status s = OpenSegment(next_sequence_);
      if (!s.ok()) return s;
      closed_segment_bytes_ += size;
      segment_sizes_[closed] = size;
      segment_starts_.push_back(segment_first_);
    }
  }

  const std::string tmp = absl::StrCat(options_.dir, "/snapshot.tmp");
  (void)fs_->Remove(tmp);
  absl::StatusOr<std::unique_ptr<WritableFile>> file = fs_->OpenForAppend(tmp);
  if (!file.ok()) return file.status();
  std::uint64_t count = 0;
  std::uint64_t covered_sequence = 0;
  bool covered_called = false;
  std::string buffer;
  auto flush = [&]() -> absl::Status {
    absl::Status s = (*file)->Append(buffer);
    buffer.clear();
    return s;
  };
  absl::Status s = produce(
      [&](absl::string_view payload) -> absl::Status {
        buffer += EncodeRecord(++count, payload);
        return buffer.size() >= (1u << 20) ? flush() : absl::OkStatus();
      },
      [&]() {
        absl::MutexLock lock(&mu_);
        covered_called = true;
        covered_sequence = applied_sequence_;
        return covered_sequence;
      });
  if (s.ok() && !covered_called) {
    s = absl::InternalError("snapshot producer did not report the covered sequence");
  }
  if (s.ok()) {
    buffer += EncodeRecord(0, absl::StrCat(kEndPrefix, count));
    s = flush();
  }
  if (s.ok()) s = (*file)->Sync();
  file->reset();
  if (s.ok()) s = fs_->Rename(tmp, SnapshotPath(covered_sequence));
  if (s.ok()) s = fs_->SyncDir(options_.dir);
  if (!s.ok()) {
    (void)fs_->Remove(tmp);
    return s;
  }

  // Drop what the snapshot covers: older snapshots, and every segment whose
  // records all have sequence <= covered (its successor starts at or below
  // covered + 1). The active segment is never dropped.
  absl::StatusOr<std::vector<std::string>> names = fs_->ListDir(options_.dir);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    std::uint64_t n = 0;
    if (ParseName(name, kSnapshotPrefix, kSnapshotSuffix, &n) && n < covered_sequence) {
      (void)fs_->Remove(absl::StrCat(options_.dir, "/", name));
    }
  }
  absl::MutexLock lock(&mu_);
  std::vector<std::uint64_t> kept;
  for (std::size_t i = 0; i < segment_starts_.size(); ++i) {
    const bool has_next = i + 1 < segment_starts_.size();
    if (has_next && segment_starts_[i + 1] <= covered_sequence + 1) {
      if (fs_->Remove(SegmentPath(segment_starts_[i])).ok()) {
        closed_segment_bytes_ -=
            std::min(closed_segment_bytes_, segment_sizes_[segment_starts_[i]]);
        segment_sizes_.erase(segment_starts_[i]);
      }
      continue;
    }
    kept.push_back(segment_starts_[i]);
  }
  segment_starts_ = std::move(kept);
  return fs_->SyncDir(options_.dir);
}

std::uint64_t Log::last_sequence() const {
  absl::MutexLock lock(&mu_);
  return next_sequence_ - 1;
}

std::uint64_t Log::log_bytes() const {
  absl::MutexLock lock(&mu_);
  return closed_segment_bytes_;
}

}  // namespace newsevents::query::durability
