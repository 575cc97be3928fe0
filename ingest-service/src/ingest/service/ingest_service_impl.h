// IngestService over gRPC's callback API. It only wires RPCs: requests are
// handed to a WorkerPool, where ProcessArticle() reads and extracts and the
// EventLog stores; the reactor then finishes the call.
//
// Thread-safe. The extractor, log and pool must outlive the service and
// every call it started: destroy the server first, then this, then the pool.
#ifndef NEWSEVENTS_INGEST_SERVICE_INGEST_SERVICE_IMPL_H_
#define NEWSEVENTS_INGEST_SERVICE_INGEST_SERVICE_IMPL_H_

#include "absl/time/time.h"
#include "ingest/document/document.h"
#include "newsevents/v1/ingest_service.grpc.pb.h"

namespace newsevents::ingest {

class EventLog;
class Extractor;
class WorkerPool;

struct IngestServiceOptions {
  ReadOptions read;
  // Used when the client sets no deadline, and as the upper bound for the
  // append to the query service.
  absl::Duration default_deadline = absl::Seconds(30);
  // Articles of one IngestArticles stream being worked on at once.
  int stream_window = 8;
};

class IngestServiceImpl final : public v1::IngestService::CallbackService {
 public:
  IngestServiceImpl(const Extractor* extractor, EventLog* log,
                    WorkerPool* pool, IngestServiceOptions options);

  grpc::ServerUnaryReactor* IngestArticle(
      grpc::CallbackServerContext* ctx, const v1::IngestArticleRequest* request,
      v1::IngestArticleResponse* response) override;
  grpc::ServerBidiReactor<v1::IngestArticlesRequest, v1::IngestArticlesResponse>*
  IngestArticles(grpc::CallbackServerContext* ctx) override;
  grpc::ServerUnaryReactor* ExtractEvents(
      grpc::CallbackServerContext* ctx, const v1::ExtractEventsRequest* request,
      v1::ExtractEventsResponse* response) override;

  // Reads, extracts and stores one article: the work of one IngestArticle
  // call, also used per article of a stream. Blocks; call it on the pool.
  absl::Status Ingest(const v1::Article& article, absl::string_view field,
                      bool with_annotations, absl::Time deadline,
                      v1::IngestArticleResponse* response) const;

  WorkerPool* pool() const { return pool_; }
  const IngestServiceOptions& options() const { return options_; }

 private:
  const Extractor* extractor_;
  EventLog* log_;
  WorkerPool* pool_;
  IngestServiceOptions options_;
};

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_SERVICE_INGEST_SERVICE_IMPL_H_
