#include "query/service/query_service_impl.h"

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/slice.h"
#include "query/service/article_writer.h"
#include "query/service/log_follower.h"
#include "query/service/encoded_event_cache.h"
#include "query/codec/grpc_status.h"
#include "query/codec/model_codec.h"
#include "query/codec/request_codec.h"
#include "query/service/read_pool.h"
#include "query/store/event_store.h"
#include "query/store/status_macros.h"
#include "query/store/subscription.h"

namespace newsevents::query {
namespace {

// Runs `body` (decode, call the store, encode) and finishes the call once
// with its status.
template <typename Body>
grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context, Body body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(codec::ToGrpcStatus(body()));
  return reactor;
}

}  // namespace

struct QueryServiceImpl::Watches {
  absl::Mutex mu;
  bool shutting_down ABSL_GUARDED_BY(mu) = false;
  absl::flat_hash_set<WatchReactor*> open ABSL_GUARDED_BY(mu);
};

// One WatchEvents stream. The store's subscription calls Pump() when events
// are ready; Pump() also runs after each write. Lock order: the
// subscription's callback lock, then mu_, then the subscription's own lock.
class QueryServiceImpl::WatchReactor
    : public grpc::ServerWriteReactor<v1::WatchEventsResponse> {
 public:
  WatchReactor(QueryServiceImpl* service, const v1::WatchEventsRequest& request)
      : service_(service) {
    absl::StatusOr<codec::WatchInput> input = codec::DecodeWatchEvents(request);
    if (!input.ok()) {
      FinishNow(input.status());
      return;
    }
    {
      absl::MutexLock lock(&service_->watches_->mu);
      if (service_->watches_->shutting_down) {
        FinishNow(absl::UnavailableError("server is shutting down"));
        return;
      }
      if (service_->watches_->open.size() >= service_->max_watchers_) {
        FinishNow(absl::ResourceExhaustedError(absl::StrCat(
            "too many open WatchEvents streams (limit ", service_->max_watchers_,
            ", set by --max_watchers); close one or retry later")));
        return;
      }
      absl::StatusOr<std::unique_ptr<store::Subscription>> sub =
          service_->store_->Subscribe(std::move(input->filter),
                                      input->from_revision, [this] { Pump(); });
      if (!sub.ok()) {
        FinishNow(sub.status());
        return;
      }
      {
        absl::MutexLock reactor_lock(&mu_);
        subscription_ = std::move(*sub);
      }
      service_->watches_->open.insert(this);
      registered_ = true;
    }
    Pump();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) Cancel(absl::CancelledError("the stream is broken"));
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
    }
    Pump();
  }

  void OnCancel() override { Cancel(absl::CancelledError("the call was cancelled")); }

  void OnDone() override {
    if (registered_) {
      absl::MutexLock lock(&service_->watches_->mu);
      service_->watches_->open.erase(this);
    }
    std::unique_ptr<store::Subscription> sub;
    {
      absl::MutexLock lock(&mu_);
      sub = std::move(subscription_);
    }
    sub.reset();  // waits out a Pump() running from the store's side
    delete this;
  }

  // Ends the stream with `status` once the write in flight (if any) is done.
  void Cancel(absl::Status status) ABSL_LOCKS_EXCLUDED(mu_) {
    store::Subscription* sub = nullptr;
    {
      absl::MutexLock lock(&mu_);
      sub = subscription_.get();
    }
    if (sub != nullptr) sub->Cancel(std::move(status));
  }

 private:
  void FinishNow(const absl::Status& status) ABSL_LOCKS_EXCLUDED(mu_) {
    {
      absl::MutexLock lock(&mu_);
      finished_ = true;
    }
    Finish(codec::ToGrpcStatus(status));
  }

  // Starts the next write, or finishes when the subscription has ended.
  // Touches nothing after StartWrite()/Finish(): OnDone may follow at once.
  void Pump() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::Status end;
    {
      absl::MutexLock lock(&mu_);
      if (subscription_ == nullptr || writing_ || finished_) return;
      absl::StatusOr<std::optional<store::Event>> next = subscription_->Next();
      if (next.ok() && !next->has_value()) return;
      if (next.ok()) {
        codec::EncodeWatchEvent(**next, service_->store_->ChangeAt((*next)->revision),
                                &response_);
        writing_ = true;
      } else {
        end = next.status();
        finished_ = true;
      }
    }
    if (end.ok()) {
      StartWrite(&response_);
    } else {
      Finish(codec::ToGrpcStatus(end));
    }
  }

  QueryServiceImpl* const service_;
  bool registered_ = false;  // set in the constructor only
  absl::Mutex mu_;
  std::unique_ptr<store::Subscription> subscription_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  // The message being written; untouched until OnWriteDone.
  v1::WatchEventsResponse response_;
};

namespace {

int ReadThreads(int requested) {
  if (requested > 0) return requested;
  return std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace

QueryServiceImpl::QueryServiceImpl(store::EventStore* store,
                                   QueryServiceOptions options)
    : store_(store),
      inline_read_budget_(options.inline_read_budget),
      writer_(options.writer),
      follower_(options.follower),
      max_watchers_(std::max<std::size_t>(1, options.max_watchers)),
      watches_(std::make_unique<Watches>()),
      read_pool_(std::make_unique<ReadPool>(
          ReadThreads(options.read_threads),
          std::max<std::size_t>(1, options.max_queued_reads))),
      event_cache_(std::make_unique<EncodedEventCache>(options.event_cache_slots)) {}

template <typename Body>
grpc::ServerUnaryReactor* QueryServiceImpl::OnReadPool(
    grpc::CallbackServerContext* context, Body body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const bool queued = read_pool_->TrySchedule([context, reactor, body]() {
    if (context->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
      return;
    }
    reactor->Finish(codec::ToGrpcStatus(body()));
  });
  if (!queued) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "server is busy: too many queued reads"));
  }
  return reactor;
}

QueryServiceImpl::~QueryServiceImpl() = default;

void QueryServiceImpl::Shutdown() {
  absl::MutexLock lock(&watches_->mu);
  watches_->shutting_down = true;
  for (WatchReactor* reactor : watches_->open) {
    reactor->Cancel(absl::CancelledError("server is shutting down"));
  }
}

grpc::ServerUnaryReactor* QueryServiceImpl::AppendArticle(
    grpc::CallbackServerContext* context, const v1::AppendArticleRequest* request,
    v1::AppendArticleResponse* response) {
  return Unary(context, [&]() -> absl::Status {
    if (writer_ != nullptr) {
      QUERY_ASSIGN_OR_RETURN(const store::AppendResult result, writer_->Append(*request));
      codec::EncodeAppendResult(result, response);
      return absl::OkStatus();
    }
    QUERY_ASSIGN_OR_RETURN(codec::AppendInput in, codec::DecodeAppendArticle(*request));
    QUERY_ASSIGN_OR_RETURN(
        const store::AppendResult result,
        store_->AppendArticle(std::move(in.article), std::move(in.events),
                              std::move(in.quotes)));
    codec::EncodeAppendResult(result, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* QueryServiceImpl::GetEvent(
    grpc::CallbackServerContext* context, const v1::GetEventRequest* request,
    v1::Event* response) {
  return Unary(context, [&]() -> absl::Status {
    QUERY_ASSIGN_OR_RETURN(const std::string id, codec::DecodeGetEvent(*request));
    QUERY_ASSIGN_OR_RETURN(const store::Event event, store_->GetEvent(id));
    codec::EncodeEvent(event, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* QueryServiceImpl::GetArticle(
    grpc::CallbackServerContext* context, const v1::GetArticleRequest* request,
    v1::ArticleInfo* response) {
  return Unary(context, [&]() -> absl::Status {
    QUERY_ASSIGN_OR_RETURN(const std::string id, codec::DecodeGetArticle(*request));
    QUERY_ASSIGN_OR_RETURN(const store::ArticleInfo article, store_->GetArticle(id));
    codec::EncodeArticle(article, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* QueryServiceImpl::ListEvents(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  absl::StatusOr<store::ListEventsQuery> query = [&]() -> absl::StatusOr<store::ListEventsQuery> {
    v1::ListEventsRequest parsed;
    grpc::ByteBuffer copy(*request);  // deserialising consumes the buffer
    if (!grpc::GenericDeserialize<grpc::ProtoBufferReader, v1::ListEventsRequest>(
             &copy, &parsed)
             .ok()) {
      return absl::InvalidArgumentError(
          "request: not a newsevents.v1.ListEventsRequest (cannot parse the message; are "
          "all strings valid UTF-8?)");
    }
    return codec::DecodeListEvents(parsed);
  }();
  if (!query.ok()) {
    return Unary(context, [&]() { return query.status(); });
  }
  // A small page is tried here first, within the budget (see
  // QueryServiceOptions::inline_read_budget).
  constexpr int kInlinePageSize = 100;
  if (inline_read_budget_ > 0 && query->page_size <= kInlinePageSize) {
    // The epoch is read before the events, so that an event encoded after
    // an entity changed is at worst filed under the older epoch (a miss).
    const std::int64_t epoch = store_->output_epoch();
    absl::StatusOr<store::RevisionPage> page =
        store_->ListEventRevisions(*query, inline_read_budget_);
    if (!page.ok() || !page->over_budget) {
      return Unary(context, [&]() -> absl::Status {
        QUERY_RETURN_IF_ERROR(page.status());
        return EncodeRevisionPage(*page, epoch, response);
      });
    }
  }
  return OnReadPool(context, [this, query = *std::move(query), response]() -> absl::Status {
    const std::int64_t epoch = store_->output_epoch();
    QUERY_ASSIGN_OR_RETURN(const store::RevisionPage page, store_->ListEventRevisions(query));
    return EncodeRevisionPage(page, epoch, response);
  });
}

absl::Status QueryServiceImpl::EncodeRevisionPage(const store::RevisionPage& page,
                                                  std::int64_t epoch,
                                                  grpc::ByteBuffer* response) {
  // ListEventsResponse: events = 1, next_page_token = 2, total_size = 3.
  // An event is its cached encoding without identity, then its current
  // identity (Event.identity = 20) appended: fields may come in any order,
  // and identity changes as reports arrive.
  const std::vector<store::KeyedIdentity> identities =
      store_->IdentitiesOf(page.revisions);
  auto out = std::make_unique<std::string>();
  // Room for a typical encoded event each (a few hundred bytes), so that
  // most pages are written without the string growing.
  out->reserve(64 + 384 * page.revisions.size());
  v1::Event event;
  for (std::size_t i = 0; i < page.revisions.size(); ++i) {
    const std::int64_t revision = page.revisions[i];
    if (event_cache_->AppendField(revision, epoch, 1, identities[i], out.get())) continue;
    QUERY_ASSIGN_OR_RETURN(store::Event e, store_->GetEventByRevision(revision));
    e.identity = store::EventIdentity();
    event.Clear();
    codec::EncodeEvent(e, &event);
    std::string bytes = event.SerializeAsString();
    std::string identity_bytes;
    AppendIdentityField(kEventIdentityField, identities[i], &identity_bytes);
    AppendEventField(1, bytes, identity_bytes, out.get());  // ListEventsResponse.events
    event_cache_->Put(revision, epoch, std::move(bytes), identities[i],
                      std::move(identity_bytes));
  }
  if (!page.next_page_token.empty()) {
    AppendLengthDelimited(2, page.next_page_token, out.get());
  }
  if (page.total_size != 0) {
    AppendVarint((3 << 3) | 0, out.get());
    AppendVarint(static_cast<std::uint64_t>(page.total_size), out.get());
  }
  std::string* bytes = out.release();
  grpc::Slice slice(bytes->data(), bytes->size(),
                    [](void* p) { delete static_cast<std::string*>(p); }, bytes);
  *response = grpc::ByteBuffer(&slice, 1);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* QueryServiceImpl::ListMentions(
    grpc::CallbackServerContext* context, const v1::ListMentionsRequest* request,
    v1::ListMentionsResponse* response) {
  return OnReadPool(context, [this, request, response]() -> absl::Status {
    QUERY_ASSIGN_OR_RETURN(const store::ListEventsQuery query,
                           codec::DecodeListMentions(*request));
    if (!store_->HasEvent(request->event_id())) {
      return absl::NotFoundError(
          absl::StrCat("event_id: no event '", request->event_id(), "'"));
    }
    QUERY_ASSIGN_OR_RETURN(const store::EventPage page, store_->ListEvents(query));
    codec::EncodeMentionPage(page, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* QueryServiceImpl::AggregateEvents(
    grpc::CallbackServerContext* context, const v1::AggregateEventsRequest* request,
    v1::AggregateEventsResponse* response) {
  return OnReadPool(context, [this, request, response]() -> absl::Status {
    QUERY_ASSIGN_OR_RETURN(const store::AggregateQuery query,
                           codec::DecodeAggregateEvents(*request));
    QUERY_ASSIGN_OR_RETURN(const store::AggregateResult result,
                           store_->AggregateEvents(query));
    codec::EncodeAggregate(result, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* QueryServiceImpl::ListFigures(
    grpc::CallbackServerContext* context, const v1::ListFiguresRequest* request,
    v1::ListFiguresResponse* response) {
  return OnReadPool(context, [this, request, response]() -> absl::Status {
    QUERY_ASSIGN_OR_RETURN(const store::FigureQuery query, codec::DecodeListFigures(*request));
    QUERY_ASSIGN_OR_RETURN(const store::FigureReport report, store_->ListFigures(query));
    codec::EncodeFigureReport(report, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* QueryServiceImpl::ListQuotes(
    grpc::CallbackServerContext* context, const v1::ListQuotesRequest* request,
    v1::ListQuotesResponse* response) {
  return OnReadPool(context, [this, request, response]() -> absl::Status {
    QUERY_ASSIGN_OR_RETURN(const store::QuoteQuery query,
                           codec::DecodeListQuotes(*request));
    QUERY_ASSIGN_OR_RETURN(const store::QuotePage page, store_->ListQuotes(query));
    codec::EncodeQuotePage(page, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* QueryServiceImpl::SearchEntities(
    grpc::CallbackServerContext* context, const v1::SearchEntitiesRequest* request,
    v1::SearchEntitiesResponse* response) {
  return OnReadPool(context, [this, request, response]() -> absl::Status {
    QUERY_ASSIGN_OR_RETURN(const store::EntityQuery query,
                           codec::DecodeSearchEntities(*request));
    QUERY_ASSIGN_OR_RETURN(const std::vector<store::EntityCount> found,
                           store_->SearchEntities(query));
    codec::EncodeEntityCounts(found, response);
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* QueryServiceImpl::WatchEvents(
    grpc::CallbackServerContext* /*context*/, const v1::WatchEventsRequest* request) {
  return new WatchReactor(this, *request);
}

grpc::ServerUnaryReactor* QueryServiceImpl::GetStats(
    grpc::CallbackServerContext* context, const v1::GetStatsRequest* /*request*/,
    v1::GetStatsResponse* response) {
  return Unary(context, [&]() -> absl::Status {
    codec::EncodeStats(store_->GetStats(),
                       writer_ != nullptr ? writer_->data_dir() : std::string(), response);
    if (follower_ == nullptr) {
      response->set_event_log("embedded");
      return absl::OkStatus();
    }
    const LogFollower::Progress progress = follower_->progress();
    response->set_event_log("nats");
    response->set_applied_sequence(progress.applied);
    response->set_log_last_sequence(progress.last_seen);
    response->set_lag(progress.pending);
    return absl::OkStatus();
  });
}

}  // namespace newsevents::query
