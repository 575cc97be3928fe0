// A query service in router mode (--route_to): the front of a store split
// into shards by article (--shards on the ingest services, --shard on the
// query replicas). It holds no events; each call is fanned out to one
// address per shard (a replica, or a balancer in front of the shard's
// replicas) and the answers are merged:
//   ListEvents, ListQuotes
//                    ordered merge of the shards' pages; the page token holds
//                    each shard's own token, so pages stay gap-free
//   AggregateEvents  buckets summed over the shards (asked for all buckets,
//                    then sorted and cut to top_n as one store would)
//   GetStats         sums over the shards
//   ListFigures      the shards' figures regrouped by source, and the
//                    sources' disagreements found among all of them
//   SearchEntities   event counts summed per entity over the shards' largest
//                    pages (exact while no shard has over 1000 matches)
//   GetEvent, GetArticle, ListMentions
//                    the shard that has it
//   WatchEvents      the shards' streams interleaved (new events only:
//                    revisions are per shard, so from_revision must be 0)
// AppendArticle answers FAILED_PRECONDITION (articles go through the ingest
// service).
//
// Events are grouped within a shard: reports of one happening that landed
// in different shards stay separate events, and are counted once per shard.
//
// Thread-safety: a gRPC service; calls run concurrently.
#ifndef NEWSEVENTS_QUERY_SERVICE_ROUTER_H_
#define NEWSEVENTS_QUERY_SERVICE_ROUTER_H_

#include <memory>
#include <string>
#include <vector>

#include "newsevents/v1/query_service.grpc.pb.h"

namespace newsevents::query {

class QueryRouter final : public v1::QueryService::Service {
 public:
  // One channel per shard, in shard order.
  explicit QueryRouter(std::vector<std::shared_ptr<grpc::Channel>> shards);

  grpc::Status AppendArticle(grpc::ServerContext* context, const v1::AppendArticleRequest* request,
                             v1::AppendArticleResponse* response) override;
  grpc::Status GetEvent(grpc::ServerContext* context, const v1::GetEventRequest* request,
                        v1::Event* response) override;
  grpc::Status GetArticle(grpc::ServerContext* context, const v1::GetArticleRequest* request,
                          v1::ArticleInfo* response) override;
  grpc::Status ListMentions(grpc::ServerContext* context, const v1::ListMentionsRequest* request,
                            v1::ListMentionsResponse* response) override;
  grpc::Status ListEvents(grpc::ServerContext* context, const v1::ListEventsRequest* request,
                          v1::ListEventsResponse* response) override;
  grpc::Status AggregateEvents(grpc::ServerContext* context,
                               const v1::AggregateEventsRequest* request,
                               v1::AggregateEventsResponse* response) override;
  grpc::Status GetStats(grpc::ServerContext* context, const v1::GetStatsRequest* request,
                        v1::GetStatsResponse* response) override;
  grpc::Status ListFigures(grpc::ServerContext* context, const v1::ListFiguresRequest* request,
                           v1::ListFiguresResponse* response) override;
  grpc::Status ListQuotes(grpc::ServerContext* context, const v1::ListQuotesRequest* request,
                          v1::ListQuotesResponse* response) override;
  grpc::Status SearchEntities(grpc::ServerContext* context,
                              const v1::SearchEntitiesRequest* request,
                              v1::SearchEntitiesResponse* response) override;
  grpc::Status WatchEvents(grpc::ServerContext* context, const v1::WatchEventsRequest* request,
                           grpc::ServerWriter<v1::WatchEventsResponse>* writer) override;

 private:
  std::vector<std::unique_ptr<v1::QueryService::Stub>> shards_;
};

}  // namespace newsevents::query

#endif  // NEWSEVENTS_QUERY_SERVICE_ROUTER_H_
