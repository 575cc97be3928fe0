#include "ingest/service/event_log.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "ingest/codec/codec.h"
#include "newsevents/v1/query_service.grpc.pb.h"
#include "query/codec/request_codec.h"
#include "query/replication/jetstream.h"

namespace newsevents::ingest {
namespace {

class QueryServiceLog final : public EventLog {
 public:
  QueryServiceLog(std::shared_ptr<grpc::Channel> channel,
                  QueryLogOptions options)
      : stub_(v1::QueryService::NewStub(channel)), options_(std::move(options)) {}

  absl::StatusOr<v1::AppendArticleResponse> Append(
      const v1::AppendArticleRequest& request, absl::Time deadline) override {
    thread_local std::minstd_rand rng(std::random_device{}());
    absl::Duration backoff = options_.initial_backoff;
    for (int attempt = 1;; ++attempt) {
      grpc::ClientContext ctx;
      ctx.set_deadline(absl::ToChronoTime(deadline));
      if (!options_.auth_token.empty()) {
        ctx.AddMetadata("authorization", absl::StrCat("Bearer ", options_.auth_token));
      }
      v1::AppendArticleResponse response;
      grpc::Status status = stub_->AppendArticle(&ctx, request, &response);
      if (status.ok()) return response;
      // UNAVAILABLE: not reachable; CANCELLED (we never cancel our own
      // call): the query service is shutting down. Whether the append took
      // effect is unknown either way, and retrying is safe (idempotent).
      const bool retryable = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                             status.error_code() == grpc::StatusCode::CANCELLED;
      if (!retryable) {
        absl::Status s = FromGrpcStatus(status);
        if (s.code() == absl::StatusCode::kDeadlineExceeded) {
          return absl::UnavailableError(absl::StrCat(
              "query service did not acknowledge article '",
              request.article().id(), "' before the deadline; retry"));
        }
        return absl::Status(s.code(), absl::StrCat("query service: ", s.message()));
      }
      std::uniform_real_distribution<double> jitter(0.8, 1.2);
      absl::Duration wait = backoff * jitter(rng);
      if (absl::Now() + wait >= deadline) {
        return absl::UnavailableError(absl::StrCat(
            "query service unavailable after ", attempt,
            " attempt(s): ", status.error_message(),
            "; nothing was stored, retry later"));
      }
      absl::SleepFor(wait);
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }

 private:
  std::unique_ptr<v1::QueryService::Stub> stub_;
  QueryLogOptions options_;
};

class JetStreamLog final : public EventLog {
 public:
  JetStreamLog(std::unique_ptr<query::replication::JetStream> jetstream, int shards)
      : jetstream_(std::move(jetstream)), shards_(std::max(1, shards)) {}

  absl::StatusOr<v1::AppendArticleResponse> Append(const v1::AppendArticleRequest& request,
                                                   absl::Time deadline) override {
    // What the replicas would reject must not reach the log, where nobody
    // would hear of it.
    absl::StatusOr<query::codec::AppendInput> valid = query::codec::DecodeAppendArticle(request);
    if (!valid.ok()) return valid.status();
    const std::string& id = request.article().id();
    std::string payload = request.SerializeAsString();
    absl::StatusOr<query::replication::JetStream::Ack> ack = jetstream_->Publish(
        query::replication::ArticleSubject(jetstream_->options().stream,
                                           query::replication::ShardOf(id, shards_)),
        id, payload, deadline);
    if (!ack.ok()) return ack.status();
    v1::AppendArticleResponse response;
    response.set_article_id(id);
    response.set_duplicate(ack->duplicate);
    response.set_log_sequence(ack->sequence);
    return response;
  }

 private:
  const std::unique_ptr<query::replication::JetStream> jetstream_;
  const int shards_;
};

}  // namespace

std::unique_ptr<EventLog> NewJetStreamLog(
    std::unique_ptr<query::replication::JetStream> jetstream, int shards) {
  return std::make_unique<JetStreamLog>(std::move(jetstream), shards);
}

std::unique_ptr<EventLog> NewQueryServiceLog(
    std::shared_ptr<grpc::Channel> channel, QueryLogOptions options) {
  return std::make_unique<QueryServiceLog>(std::move(channel), std::move(options));
}

}  // namespace newsevents::ingest
