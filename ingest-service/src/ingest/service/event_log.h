// The write path's one seam: where an extracted article goes to be stored.
// The default implementation appends to the query service over gRPC; a
// replicated log (e.g. a message broker) can implement the same interface.
#ifndef NEWSEVENTS_INGEST_SERVICE_EVENT_LOG_H_
#define NEWSEVENTS_INGEST_SERVICE_EVENT_LOG_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "newsevents/v1/query_service.pb.h"

namespace grpc {
class Channel;
}
namespace newsevents::query::replication {
class JetStream;
}

namespace newsevents::ingest {

// Appends one article with all its events and quotes, atomically and
// idempotently (by article id). Implementations are thread-safe.
class EventLog {
 public:
  virtual ~EventLog() = default;
  // Blocks until the write is acknowledged as durable, fails, or `deadline`
  // passes (DEADLINE_EXCEEDED or UNAVAILABLE: nothing may be assumed
  // stored; a retry is safe).
  virtual absl::StatusOr<v1::AppendArticleResponse> Append(
      const v1::AppendArticleRequest& request, absl::Time deadline) = 0;
};

struct QueryLogOptions {
  // Backoff between attempts on UNAVAILABLE or CANCELLED: starts at `initial_backoff`,
  // doubles up to `max_backoff`, with +-20% jitter, until the deadline.
  absl::Duration initial_backoff = absl::Milliseconds(50);
  absl::Duration max_backoff = absl::Seconds(1);
  // When not empty, sent on every call as 'authorization: Bearer <token>'
  // (the query service's --auth_token). TLS is the channel's business: see
  // MakeChannelCredentials in auth.h.
  std::string auth_token;
};

// Appends through QueryService.AppendArticle on `channel`.
std::unique_ptr<EventLog> NewQueryServiceLog(
    std::shared_ptr<grpc::Channel> channel, QueryLogOptions options = {});

// Publishes each article as one message of a NATS JetStream stream (see
// query/replication/jetstream.h): on its shard's subject, with the article
// id as message id, answering after the stream's acknowledgement. A
// request the query service would refuse is refused here, with the same
// INVALID_ARGUMENT, before it reaches the log. The answer's revision is 0
// (the query replicas apply the message later) and its log_sequence the
// message's; duplicate is true when the stream already held the article
// and no earlier attempt of this call may have stored it.
std::unique_ptr<EventLog> NewJetStreamLog(
    std::unique_ptr<query::replication::JetStream> jetstream, int shards = 1);

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_SERVICE_EVENT_LOG_H_
