#include "query/service/article_writer.h"

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "query/codec/model_codec.h"
#include "query/codec/request_codec.h"

namespace newsevents::query {

bool IsFinalRejection(const absl::Status& s) {
  return s.code() == absl::StatusCode::kInvalidArgument ||
         s.code() == absl::StatusCode::kAlreadyExists;
}

ArticleWriter::ArticleWriter(store::EventStore* store, ArticleWriterOptions options)
    : store_(store), options_(std::move(options)) {}

ArticleWriter::~ArticleWriter() {
  stop_.Notify();
  if (snapshotter_.joinable()) snapshotter_.join();
}

absl::StatusOr<std::unique_ptr<ArticleWriter>> ArticleWriter::Open(
    store::EventStore* store, ArticleWriterOptions options, RecoveryReport* report) {
  std::unique_ptr<ArticleWriter> writer(new ArticleWriter(store, std::move(options)));
  if (writer->options_.data_dir.empty()) return writer;

  RecoveryReport local;
  RecoveryReport* r = report != nullptr ? report : &local;
  const absl::Time start = absl::Now();
  durability::LogOptions log_options;
  log_options.dir = writer->options_.data_dir;
  log_options.segment_bytes = writer->options_.segment_bytes;
  log_options.fs = writer->options_.fs;
  log_options.sync = !writer->options_.replica;
  absl::StatusOr<std::unique_ptr<durability::Log>> log = durability::Log::Open(
      log_options,
      [store, r, w = writer.get()](absl::string_view payload) -> absl::Status {
        v1::AppendArticleRequest request;
        if (!request.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
          return absl::DataLossError(
              "a log record is not an AppendArticleRequest; the data folder was "
              "written by an incompatible version");
        }
        if (request.log_sequence() > w->log_position_.load(std::memory_order_relaxed)) {
          w->log_position_.store(request.log_sequence(), std::memory_order_release);
        }
        // A snapshot's position record: no article, only the log sequence.
        if (!request.has_article() && request.log_sequence() > 0) return absl::OkStatus();
        absl::StatusOr<codec::AppendInput> in = codec::DecodeAppendArticle(request);
        if (!in.ok()) {
          ++r->skipped_records;
          return absl::OkStatus();
        }
        // The codec ignores client-sent ingest times; logged ones are ours.
        if (request.article().has_ingested_at()) {
          in->article.ingested_at =
              absl::FromUnixSeconds(request.article().ingested_at().seconds()) +
              absl::Nanoseconds(request.article().ingested_at().nanos());
        }
        absl::StatusOr<store::AppendResult> applied = store->AppendArticle(
            std::move(in->article), std::move(in->events), std::move(in->quotes));
        if (!applied.ok()) {
          if (!IsFinalRejection(applied.status())) return applied.status();
          ++r->skipped_records;
        }
        return absl::OkStatus();
      },
      &r->log);
  if (!log.ok()) return log.status();
  writer->log_ = std::move(*log);
  const store::Stats stats = store->GetStats();
  r->articles = stats.articles;
  r->events = stats.events;
  r->elapsed = absl::Now() - start;
  if (writer->options_.snapshot_check_interval > absl::ZeroDuration()) {
    writer->snapshotter_ = std::thread([w = writer.get()] { w->SnapshotLoop(); });
  }
  return writer;
}

absl::StatusOr<store::AppendResult> ArticleWriter::Append(
    const v1::AppendArticleRequest& request) {
  if (options_.replica) {
    return absl::FailedPreconditionError(
        "this query service is a replica of the replicated event log (--event_log): "
        "send articles to the ingest service, which writes them to the log");
  }
  absl::StatusOr<codec::AppendInput> in = codec::DecodeAppendArticle(request);
  if (!in.ok()) return in.status();
  if (log_ == nullptr) {
    return store_->AppendArticle(std::move(in->article), std::move(in->events),
                                 std::move(in->quotes));
  }
  // A retry of a stored article is answered without touching the disk.
  if (store_->GetArticle(in->article.id).ok()) {
    store::AppendResult result;
    result.article_id = in->article.id;
    result.duplicate = true;
    result.revision = store_->revision();
    return result;
  }
  // The ingest time is fixed here and logged, so that a replay keeps it.
  // Serialized messages concatenate as a merge: appending a message that
  // holds only article.ingested_at sets that field in the logged record.
  const absl::Time now = absl::Now();
  in->article.ingested_at = now;
  v1::AppendArticleRequest stamp;
  codec::EncodeTime(now, stamp.mutable_article()->mutable_ingested_at());
  absl::StatusOr<store::AppendResult> result;
  absl::Status logged = log_->Commit(
      absl::StrCat(request.SerializeAsString(), stamp.SerializeAsString()),
      [&]() -> absl::Status {
    result = store_->AppendArticle(std::move(in->article), std::move(in->events),
                                   std::move(in->quotes));
    return result.status();
  });
  if (!logged.ok()) return logged;
  return result;
}

absl::StatusOr<store::AppendResult> ArticleWriter::ApplyFromLog(absl::string_view payload,
                                                               std::uint64_t sequence,
                                                               absl::Time stored_at) {
  if (sequence <= log_position()) {
    store::AppendResult skipped;
    skipped.duplicate = true;
    skipped.revision = store_->revision();
    return skipped;
  }
  const auto advance = [&] { log_position_.store(sequence, std::memory_order_release); };
  v1::AppendArticleRequest request;
  if (!request.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    advance();
    return absl::InvalidArgumentError(absl::StrCat(
        "log message ", sequence, " (", payload.size(),
        " bytes) is not an AppendArticleRequest; skipped"));
  }
  absl::StatusOr<codec::AppendInput> in = codec::DecodeAppendArticle(request);
  if (!in.ok()) {
    advance();
    return in.status();
  }
  in->article.ingested_at = stored_at;
  if (store_->GetArticle(in->article.id).ok()) {
    advance();
    store::AppendResult result;
    result.article_id = in->article.id;
    result.duplicate = true;
    result.revision = store_->revision();
    return result;
  }
  absl::StatusOr<store::AppendResult> result;
  const auto apply = [&]() -> absl::Status {
    result = store_->AppendArticle(std::move(in->article), std::move(in->events),
                                   std::move(in->quotes));
    // Rejections are final (a replay rejects them again): they advance too.
    if (result.ok() || IsFinalRejection(result.status())) advance();
    return result.status();
  };
  if (log_ == nullptr) {
    apply().IgnoreError();
    return result;
  }
  // The logged record carries the ingest time and the log sequence, merged
  // in as for Append().
  v1::AppendArticleRequest stamp;
  codec::EncodeTime(stored_at, stamp.mutable_article()->mutable_ingested_at());
  stamp.set_log_sequence(sequence);
  absl::Status logged = log_->Commit(absl::StrCat(payload, stamp.SerializeAsString()), apply);
  if (!logged.ok() && !result.ok()) return result.status();
  if (!logged.ok()) return logged;
  return result;
}

absl::Status ArticleWriter::Snapshot() {
  if (log_ == nullptr) {
    return absl::FailedPreconditionError("the store is memory-only (no --data_dir)");
  }
  return log_->WriteSnapshot(
      [this](const std::function<absl::Status(absl::string_view)>& emit,
             const std::function<std::uint64_t()>& covered) -> absl::Status {
        std::uint64_t position = 0;
        absl::Status exported = store_->ExportArticles(
            [&] {
              covered();
              // Read after the store's state is fixed: a position at or
              // below what the snapshot holds only replays duplicates.
              position = log_position();
            },
            [&emit](const store::ArticleInfo& article, const std::vector<store::Event>& events,
                    const std::vector<store::Quote>& quotes) -> absl::Status {
              v1::AppendArticleRequest request;
              codec::EncodeArticle(article, request.mutable_article());
              for (const store::Event& e : events) codec::EncodeEvent(e, request.add_events());
              for (const store::Quote& q : quotes) codec::EncodeQuote(q, request.add_quotes());
              return emit(request.SerializeAsString());
            });
        if (!exported.ok() || position == 0) return exported;
        v1::AppendArticleRequest position_record;
        position_record.set_log_sequence(position);
        return emit(position_record.SerializeAsString());
      });
}

void ArticleWriter::SnapshotLoop() {
  while (!stop_.WaitForNotificationWithTimeout(options_.snapshot_check_interval)) {
    if (log_->log_bytes() < options_.snapshot_after_bytes) continue;
    const absl::Time start = absl::Now();
    absl::Status s = Snapshot();
    std::fprintf(stderr, "newsevents-query: snapshot %s in %s%s\n",
                 s.ok() ? "written" : "failed",
                 absl::FormatDuration(absl::Now() - start).c_str(),
                 s.ok() ? "" : absl::StrCat(": ", s.message()).c_str());
  }
}

}  // namespace newsevents::query
