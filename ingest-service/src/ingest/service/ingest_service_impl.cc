#include "ingest/service/ingest_service_impl.h"

#include <map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "ingest/codec/codec.h"
#include "ingest/service/event_log.h"
#include "ingest/service/pipeline.h"
#include "ingest/service/worker_pool.h"

namespace newsevents::ingest {
namespace {

absl::Time DeadlineOf(const grpc::CallbackServerContext* ctx,
                      absl::Duration fallback) {
  const absl::Time client = absl::FromChrono(ctx->deadline());
  const absl::Time ours = absl::Now() + fallback;
  return client < ours ? client : ours;
}

grpc::Status QueueFull(const WorkerPool& pool) {
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      absl::StrCat("ingest queue is full (", pool.max_queue(),
                                   " articles waiting); retry with backoff"));
}

// One IngestArticles stream: reads up to `window` articles ahead, works on
// them in parallel on the pool, and writes the results in request order.
class IngestStream final
    : public grpc::ServerBidiReactor<v1::IngestArticlesRequest,
                                     v1::IngestArticlesResponse> {
 public:
  IngestStream(const IngestServiceImpl* service, grpc::CallbackServerContext* ctx)
      : service_(service), ctx_(ctx) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Act([this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { reads_done_ = true; });
      return;
    }
    const std::int64_t index = next_index_++;
    v1::Article article = std::move(*request_.mutable_article());
    Act([this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { ++in_flight_; });
    const absl::Time deadline =
        DeadlineOf(ctx_, service_->options().default_deadline);
    auto task = [this, index, article = std::move(article), deadline]() {
      v1::IngestArticleResponse one;
      absl::Status status =
          service_->Ingest(article, absl::StrCat("article[", index, "]"),
                           /*with_annotations=*/false, deadline, &one);
      Complete(index, status, one);
    };
    if (!service_->pool()->TrySubmit(std::move(task))) {
      Complete(index, absl::ResourceExhaustedError(QueueFull(*service_->pool()).error_message()), {});
    }
    Act([this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      if (in_flight_ >= service_->options().stream_window) read_paused_ = true;
      else want_read_ = true;
    });
  }

  void OnWriteDone(bool ok) override {
    Act([this, ok]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      writing_ = false;
      if (!ok) broken_ = true;
      ++next_write_;
    });
  }

  void OnCancel() override {
    Act([this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { broken_ = true; });
  }

  void OnDone() override { delete this; }

 private:
  void Complete(std::int64_t index, const absl::Status& status,
                const v1::IngestArticleResponse& one) {
    v1::IngestArticlesResponse out;
    out.set_index(index);
    out.set_article_id(one.article_id());
    out.set_status_code(static_cast<int>(status.code()));
    out.set_status_message(std::string(status.message()));
    out.set_event_count(one.events_size());
    out.set_quote_count(one.quotes_size());
    out.set_duplicate(one.duplicate());
    Act([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      --in_flight_;
      ready_.emplace(index, std::move(out));
      if (read_paused_ && in_flight_ < service_->options().stream_window) {
        read_paused_ = false;
        want_read_ = true;
      }
    });
  }

  // Runs `update` under the lock, then starts whatever operation the new
  // state calls for. gRPC operations are started outside the lock because
  // their reactions may run on any thread.
  template <typename F>
  void Act(F update) {
    bool read = false;
    const v1::IngestArticlesResponse* write = nullptr;
    bool finish = false;
    grpc::Status final_status;
    {
      absl::MutexLock lock(&mu_);
      update();
      if (finished_) return;
      if (want_read_ && !reads_done_ && !broken_) {
        want_read_ = false;
        read = true;
      }
      if (!writing_ && !broken_) {
        auto it = ready_.find(next_write_);
        if (it != ready_.end()) {
          current_ = std::move(it->second);
          ready_.erase(it);
          writing_ = true;
          write = &current_;
        }
      }
      const bool all_written = ready_.empty() && !writing_;
      if (in_flight_ == 0 && !writing_ &&
          ((reads_done_ && all_written) || broken_)) {
        finished_ = true;
        finish = true;
        final_status = broken_ ? grpc::Status(grpc::StatusCode::CANCELLED,
                                              "stream cancelled")
                               : grpc::Status::OK;
      }
    }
    if (read) StartRead(&request_);
    if (write) StartWrite(write);
    if (finish) Finish(final_status);
  }

  const IngestServiceImpl* service_;
  grpc::CallbackServerContext* ctx_;
  v1::IngestArticlesRequest request_;  // only touched by the read path
  std::int64_t next_index_ = 0;        // only touched by the read path

  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool read_paused_ ABSL_GUARDED_BY(mu_) = false;
  bool want_read_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::int64_t next_write_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::int64_t, v1::IngestArticlesResponse> ready_ ABSL_GUARDED_BY(mu_);
  v1::IngestArticlesResponse current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

IngestServiceImpl::IngestServiceImpl(const Extractor* extractor, EventLog* log,
                                     WorkerPool* pool,
                                     IngestServiceOptions options)
    : extractor_(extractor), log_(log), pool_(pool), options_(options) {}

absl::Status IngestServiceImpl::Ingest(const v1::Article& article,
                                       absl::string_view field,
                                       bool with_annotations,
                                       absl::Time deadline,
                                       v1::IngestArticleResponse* response) const {
  absl::StatusOr<ProcessedArticle> processed = ProcessArticle(
      article, field, *extractor_, options_.read, with_annotations);
  if (!processed.ok()) return processed.status();
  absl::StatusOr<v1::AppendArticleResponse> appended =
      log_->Append(processed->append, deadline);
  if (!appended.ok()) return appended.status();
  response->set_article_id(processed->article_id);
  response->set_duplicate(appended->duplicate());
  *response->mutable_events() = std::move(*processed->append.mutable_events());
  *response->mutable_quotes() = std::move(*processed->append.mutable_quotes());
  *response->mutable_article() = std::move(*processed->append.mutable_article());
  for (std::string& w : processed->warnings) response->add_warnings(std::move(w));
  *response->mutable_annotations() = std::move(processed->annotations);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* IngestServiceImpl::IngestArticle(
    grpc::CallbackServerContext* ctx, const v1::IngestArticleRequest* request,
    v1::IngestArticleResponse* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  if (!request->has_article()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "article is required"));
    return reactor;
  }
  const absl::Time deadline = DeadlineOf(ctx, options_.default_deadline);
  if (!pool_->TrySubmit([this, reactor, request, response, deadline] {
        reactor->Finish(ToGrpcStatus(Ingest(request->article(), "article",
                                            request->include_annotations(),
                                            deadline, response)));
      })) {
    reactor->Finish(QueueFull(*pool_));
  }
  return reactor;
}

grpc::ServerBidiReactor<v1::IngestArticlesRequest, v1::IngestArticlesResponse>*
IngestServiceImpl::IngestArticles(grpc::CallbackServerContext* ctx) {
  return new IngestStream(this, ctx);
}

grpc::ServerUnaryReactor* IngestServiceImpl::ExtractEvents(
    grpc::CallbackServerContext* ctx, const v1::ExtractEventsRequest* request,
    v1::ExtractEventsResponse* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  if (!request->has_article()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "article is required"));
    return reactor;
  }
  if (!pool_->TrySubmit([this, reactor, request, response] {
        absl::StatusOr<ProcessedArticle> p =
            ProcessArticle(request->article(), "article", *extractor_,
                           options_.read, /*with_annotations=*/true);
        if (!p.ok()) {
          reactor->Finish(ToGrpcStatus(p.status()));
          return;
        }
        response->set_article_id(p->article_id);
        *response->mutable_events() = std::move(*p->append.mutable_events());
        *response->mutable_quotes() = std::move(*p->append.mutable_quotes());
        *response->mutable_article() = std::move(*p->append.mutable_article());
        *response->mutable_annotations() = std::move(p->annotations);
        for (std::string& w : p->warnings) response->add_warnings(std::move(w));
        response->set_body(std::move(p->body));
        reactor->Finish(grpc::Status::OK);
      })) {
    reactor->Finish(QueueFull(*pool_));
  }
  return reactor;
}

}  // namespace newsevents::ingest
