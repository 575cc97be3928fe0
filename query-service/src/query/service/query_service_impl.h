// The QueryService RPCs over an EventStore (gRPC callback API).
//
// Wiring only: each unary RPC decodes and validates its request
// (query/codec), calls the store, encodes the answer and finishes once.
// Point reads and appends run on the gRPC thread; listings, aggregates and
// searches (which may scan) run on a small pool of read threads, and are
// refused with RESOURCE_EXHAUSTED when its queue is full. A ListEvents page
// that the store answers within a small budget of candidates is answered on
// the gRPC thread (see QueryServiceOptions::inline_read_budget).
// ListEvents is a raw-bytes method: its response is assembled from events
// already encoded (see EncodedEventCache), which clients cannot tell apart
// from a ListEventsResponse built as a message.
// WatchEvents streams a store subscription: no thread per stream, one write
// in flight at a time; it ends with RESOURCE_EXHAUSTED (the message gives
// the from_revision to resume with) when the client falls more than the
// store's subscriber buffer behind, and with CANCELLED on Shutdown().
//
// Thread-safety: all methods may be called concurrently.
#ifndef NEWSEVENTS_QUERY_SERVICE_QUERY_SERVICE_IMPL_H_
#define NEWSEVENTS_QUERY_SERVICE_QUERY_SERVICE_IMPL_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "newsevents/v1/query_service.grpc.pb.h"

namespace newsevents::query {

namespace store {
class EventStore;
struct RevisionPage;
}  // namespace store
class ArticleWriter;
class LogFollower;

class ReadPool;
class EncodedEventCache;

// The QueryService with ListEvents taking and answering raw bytes; what
// this service and its decorators (AuthQueryService) implement.
using QueryCallbackService =
    v1::QueryService::WithRawCallbackMethod_ListEvents<v1::QueryService::CallbackService>;

struct QueryServiceOptions {
  // Threads for scan-heavy reads; 0 = the number of cores (at least 2).
  int read_threads = 0;
  // Reads waiting for a thread before new ones are refused.
  std::size_t max_queued_reads = 1024;
  // Open WatchEvents streams before new ones are refused with
  // RESOURCE_EXHAUSTED (each holds a bounded buffer).
  std::size_t max_watchers = 1024;
  // The write path (not owned; must outlive the service). Null: appends go
  // to the store directly, in memory only.
  ArticleWriter* writer = nullptr;
  // A ListEvents page of at most 100 events is first read on gRPC's
  // callback thread, checking at most this many candidates against the
  // filter; a read that needs more moves to the read pool and starts over.
  // Selective listings are answered without the hand-over to another
  // thread, and no callback thread is held by a long read. 0 = every
  // listing on the read pool.
  std::size_t inline_read_budget = 4096;
  // Encoded events kept for ListEvents (see EncodedEventCache); 0 = none.
  std::size_t event_cache_slots = 65536;
  // With a replicated event log: the replica's follower, whose progress
  // GetStats reports (not owned). Null: the embedded log.
  const LogFollower* follower = nullptr;
};

class QueryServiceImpl final : public QueryCallbackService {
 public:
  // `store` is not owned and must outlive this object.
  explicit QueryServiceImpl(store::EventStore* store,
                            QueryServiceOptions options = {});
  QueryServiceImpl(const QueryServiceImpl&) = delete;
  QueryServiceImpl& operator=(const QueryServiceImpl&) = delete;
  // REQUIRES: the server has shut down (no call is running). Joins the
  // read threads.
  ~QueryServiceImpl() override;

  // Ends every open WatchEvents stream with CANCELLED, and answers later
  // WatchEvents calls with UNAVAILABLE. Call before grpc::Server::Shutdown():
  // the server does not end running streams by itself. Idempotent.
  void Shutdown();

  grpc::ServerUnaryReactor* AppendArticle(
      grpc::CallbackServerContext* context,
      const v1::AppendArticleRequest* request,
      v1::AppendArticleResponse* response) override;
  grpc::ServerUnaryReactor* GetEvent(grpc::CallbackServerContext* context,
                                     const v1::GetEventRequest* request,
                                     v1::Event* response) override;
  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const v1::GetArticleRequest* request,
                                       v1::ArticleInfo* response) override;
  // Request and response are newsevents.v1.ListEventsRequest/Response.
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListMentions(grpc::CallbackServerContext* context,
                                         const v1::ListMentionsRequest* request,
                                         v1::ListMentionsResponse* response) override;
  grpc::ServerUnaryReactor* AggregateEvents(
      grpc::CallbackServerContext* context,
      const v1::AggregateEventsRequest* request,
      v1::AggregateEventsResponse* response) override;
  grpc::ServerUnaryReactor* ListFigures(grpc::CallbackServerContext* context,
                                        const v1::ListFiguresRequest* request,
                                        v1::ListFiguresResponse* response) override;
  grpc::ServerUnaryReactor* ListQuotes(grpc::CallbackServerContext* context,
                                       const v1::ListQuotesRequest* request,
                                       v1::ListQuotesResponse* response) override;
  grpc::ServerUnaryReactor* SearchEntities(
      grpc::CallbackServerContext* context,
      const v1::SearchEntitiesRequest* request,
      v1::SearchEntitiesResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context,
      const v1::WatchEventsRequest* request) override;
  grpc::ServerUnaryReactor* GetStats(grpc::CallbackServerContext* context,
                                     const v1::GetStatsRequest* request,
                                     v1::GetStatsResponse* response) override;

 private:
  class WatchReactor;
  struct Watches;  // the open streams

  // Runs `body` (returning absl::Status) on the read pool, then finishes.
  template <typename Body>
  grpc::ServerUnaryReactor* OnReadPool(grpc::CallbackServerContext* context,
                                       Body body);

  // The ListEvents response for `page`, whose events were read after the
  // store's output epoch was `epoch`.
  absl::Status EncodeRevisionPage(const store::RevisionPage& page, std::int64_t epoch,
                                  grpc::ByteBuffer* response);

  store::EventStore* const store_;
  const std::size_t inline_read_budget_;
  ArticleWriter* const writer_;
  const LogFollower* const follower_;
  const std::size_t max_watchers_;
  const std::unique_ptr<Watches> watches_;
  const std::unique_ptr<ReadPool> read_pool_;
  const std::unique_ptr<EncodedEventCache> event_cache_;
};

}  // namespace newsevents::query

#endif  // NEWSEVENTS_QUERY_SERVICE_QUERY_SERVICE_IMPL_H_
