#include "query/service/router.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <thread>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/io/coded_stream.h"
#include "query/codec/model_codec.h"
#include "query/codec/request_codec.h"
#include "query/replication/jetstream.h"
#include "query/store/event_store.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace newsevents::query {
namespace {

using Stub = v1::QueryService::Stub;

template <typename Response>
struct Answer {
  grpc::Status status;
  Response response;
};

// Calls `call(stub, context, request, response, done)` on the shards where
// `ask` is true, all at once, and waits for every answer. Each call gets the
// client's deadline (30 s when it set none) and its authorization header.
template <typename Request, typename Response, typename Call>
std::vector<Answer<Response>> FanOut(grpc::ServerContext* server,
                                     const std::vector<std::unique_ptr<Stub>>& shards,
                                     const std::vector<Request>& requests,
                                     const std::vector<bool>& ask, Call call) {
  std::vector<Answer<Response>> answers(shards.size());
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts(shards.size());
  const int asked = static_cast<int>(std::count(ask.begin(), ask.end(), true));
  absl::BlockingCounter pending(asked);
  auto deadline = server->deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) {
    deadline = std::chrono::system_clock::now() + std::chrono::seconds(30);
  }
  const auto& metadata = server->client_metadata();
  const auto auth = metadata.find("authorization");
  for (std::size_t i = 0; i < shards.size(); ++i) {
    if (!ask[i]) continue;
    contexts[i] = std::make_unique<grpc::ClientContext>();
    contexts[i]->set_deadline(deadline);
    if (auth != metadata.end()) {
      contexts[i]->AddMetadata("authorization", std::string(auth->second.data(), auth->second.size()));
    }
    call(shards[i].get(), contexts[i].get(), &requests[i], &answers[i].response,
         [&answers, &pending, i](grpc::Status s) {
           answers[i].status = std::move(s);
           pending.DecrementCount();
         });
  }
  pending.Wait();
  return answers;
}

std::vector<bool> All(std::size_t n) { return std::vector<bool>(n, true); }

grpc::Status ShardError(std::size_t shard, const grpc::Status& s) {
  return grpc::Status(s.error_code(), absl::StrCat("shard ", shard, ": ", s.error_message()));
}

// The first shard's OK answer; NOT_FOUND when every shard says so;
// otherwise the first other error.
template <typename Response>
grpc::Status FirstFound(std::vector<Answer<Response>>& answers, Response* out) {
  const Answer<Response>* error = nullptr;
  std::size_t error_shard = 0;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (answers[i].status.ok()) {
      *out = std::move(answers[i].response);
      return grpc::Status::OK;
    }
    if (answers[i].status.error_code() != grpc::StatusCode::NOT_FOUND && error == nullptr) {
      error = &answers[i];
      error_shard = i;
    }
  }
  if (error != nullptr) return ShardError(error_shard, error->status);
  return answers.empty() ? grpc::Status(grpc::StatusCode::NOT_FOUND, "no shard")
                         : answers[0].status;
}

std::int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

bool ByIngest(v1::OrderBy order) {
  return order == v1::ORDER_BY_INGEST_TIME_ASC || order == v1::ORDER_BY_INGEST_TIME_DESC;
}
bool Descending(v1::OrderBy order) {
  return order != v1::ORDER_BY_EVENT_TIME_ASC && order != v1::ORDER_BY_INGEST_TIME_ASC;
}

// The key a store sorts a row by (see EventStore::SortKey): the ingest
// time, or the event's start, else the last moment before its end, else
// the publication time, else the ingest time.
std::int64_t SortKey(const v1::Event& e, v1::OrderBy order) {
  if (ByIngest(order)) return Micros(e.ingested_at());
  if (e.when().has_start()) return Micros(e.when().start());
  if (e.when().has_end()) return Micros(e.when().end()) - 1;
  if (e.has_published_at()) return Micros(e.published_at());
  return Micros(e.ingested_at());
}

// What a page token must have been made for: the request without its page.
template <typename Request>
std::string QueryFingerprint(const Request& request, std::size_t shards) {
  Request query = request;
  query.clear_page_token();
  query.clear_page_size();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    query.SerializeToCodedStream(&out);
  }
  // A stable hash: a router restarted with the same shards accepts its
  // earlier page tokens.
  return absl::StrCat(absl::Hex(replication::StableHash(bytes)), ".", shards);
}

// The router's page token: the query's fingerprint, then per shard "-"
// (no more rows) or its own page token, base64.
struct RouterToken {
  std::vector<std::string> tokens;
  std::vector<bool> done;
};

std::string EncodeToken(const std::string& fingerprint, const RouterToken& t) {
  std::string body = fingerprint;
  for (std::size_t i = 0; i < t.tokens.size(); ++i) {
    absl::StrAppend(&body, "|", t.done[i] ? "-" : absl::StrCat("t", absl::WebSafeBase64Escape(t.tokens[i])));
  }
  return absl::WebSafeBase64Escape(body);
}

grpc::Status DecodeToken(const std::string& token, const std::string& fingerprint,
                         std::size_t shards, RouterToken* out) {
  out->tokens.assign(shards, "");
  out->done.assign(shards, false);
  if (token.empty()) return grpc::Status::OK;
  const grpc::Status bad(grpc::StatusCode::INVALID_ARGUMENT,
                         absl::StrCat("page_token '", token.substr(0, 40),
                                      token.size() > 40 ? "...'" : "'",
                                      " is not a page token of this query from this router; "
                                      "start again without a token"));
  std::string body;
  if (!absl::WebSafeBase64Unescape(token, &body)) return bad;
  std::vector<std::string> parts = absl::StrSplit(body, '|');
  if (parts.size() != shards + 1 || parts[0] != fingerprint) return bad;
  for (std::size_t i = 0; i < shards; ++i) {
    const std::string& p = parts[i + 1];
    if (p == "-") {
      out->done[i] = true;
    } else if (p.empty() || p[0] != 't' ||
               !absl::WebSafeBase64Unescape(absl::string_view(p).substr(1), &out->tokens[i])) {
      return bad;
    }
  }
  return grpc::Status::OK;
}

bool IsTime(v1::GroupBy g) {
  return g == v1::GROUP_BY_DAY || g == v1::GROUP_BY_WEEK || g == v1::GROUP_BY_MONTH;
}

bool KeysLess(const v1::Bucket& a, const v1::Bucket& b) {
  return std::lexicographical_compare(a.keys().begin(), a.keys().end(), b.keys().begin(),
                                      b.keys().end());
}

void AddFigures(const v1::Bucket& from, v1::Bucket* to) {
  for (const v1::FigureStats& f : from.figures()) {
    v1::FigureStats* into = nullptr;
    for (v1::FigureStats& g : *to->mutable_figures()) {
      if (g.kind() == f.kind()) into = &g;
    }
    if (into == nullptr) {
      *to->add_figures() = f;
      continue;
    }
    into->set_count(into->count() + f.count());
    into->set_sum_low(into->sum_low() + f.sum_low());
    into->set_sum_high(into->sum_high() + f.sum_high());
    into->set_min_low(std::min(into->min_low(), f.min_low()));
    into->set_max_high(std::max(into->max_high(), f.max_high()));
  }
}


// What MergePages needs to know of a paged read.
struct EventPaging {
  using Request = v1::ListEventsRequest;
  using Response = v1::ListEventsResponse;
  using Row = v1::Event;
  static auto* Rows(Response& r) { return r.mutable_events(); }
  static bool Descending(const Request& q) { return query::Descending(q.order_by()); }
  static std::int64_t Key(const Row& e, const Request& q) { return SortKey(e, q.order_by()); }
  static bool Same(const Row& a, const Row& b) {
    return a.id() == b.id() && a.revision() == b.revision();
  }
  static void AddTotal(const Response& from, Response* to) {
    to->set_total_size(to->total_size() + from.total_size());
  }
  static void Call(Stub* s, grpc::ClientContext* c, const Request* q, Response* r,
                   std::function<void(grpc::Status)> done) {
    s->async()->ListEvents(c, q, r, std::move(done));
  }
};

// Quotes come newest publication first, undated last (EventStore::ListQuotes).
struct QuotePaging {
  using Request = v1::ListQuotesRequest;
  using Response = v1::ListQuotesResponse;
  using Row = v1::Quote;
  static auto* Rows(Response& r) { return r.mutable_quotes(); }
  static bool Descending(const Request&) { return true; }
  static std::int64_t Key(const Row& q, const Request&) {
    return q.has_published_at() ? Micros(q.published_at())
                                : std::numeric_limits<std::int64_t>::min();
  }
  static bool Same(const Row& a, const Row& b) { return a.id() == b.id(); }
  static void AddTotal(const Response&, Response*) {}
  static void Call(Stub* s, grpc::ClientContext* c, const Request* q, Response* r,
                   std::function<void(grpc::Status)> done) {
    s->async()->ListQuotes(c, q, r, std::move(done));
  }
};

constexpr int kConsistentReadAttempts = 3;

// One page of rows from every shard, merged in the order one store would
// give them (the same sort keys; ties by shard, then by the shard's own
// order). The page token holds each shard's own token after the rows taken
// from it: the shard's next token when its page was used up, otherwise the
// token a page of exactly the taken rows ends with, read again and checked
// to hold the same rows (a first page can move under new rows: then the
// whole page is read again).
template <typename P>
grpc::Status MergePages(grpc::ServerContext* context,
                        const std::vector<std::unique_ptr<Stub>>& shards,
                        const typename P::Request& request, typename P::Response* response) {
  using Request = typename P::Request;
  using Response = typename P::Response;
  if (request.page_size() < 0 || request.page_size() > 1000) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("page_size ", request.page_size(),
                                     " is out of range: use 1 to 1000, or 0 for 50"));
  }
  const int page_size = request.page_size() == 0 ? 50 : request.page_size();
  const std::size_t n = shards.size();
  const std::string fingerprint = QueryFingerprint(request, n);
  RouterToken from;
  if (grpc::Status s = DecodeToken(request.page_token(), fingerprint, n, &from); !s.ok()) {
    return s;
  }
  const bool desc = P::Descending(request);
  for (int attempt = 0; attempt < kConsistentReadAttempts; ++attempt) {
    std::vector<Request> asks(n, request);
    std::vector<bool> ask(n);
    for (std::size_t i = 0; i < n; ++i) {
      asks[i].set_page_size(page_size);
      asks[i].set_page_token(from.tokens[i]);
      ask[i] = !from.done[i];
    }
    auto pages = FanOut<Request, Response>(context, shards, asks, ask, P::Call);
    for (std::size_t i = 0; i < n; ++i) {
      if (ask[i] && !pages[i].status.ok()) return ShardError(i, pages[i].status);
    }
    struct Row {
      std::int64_t key;
      std::size_t shard;
      int pos;
    };
    std::vector<Row> rows;
    Response merged;
    for (std::size_t i = 0; i < n; ++i) {
      if (!ask[i]) continue;
      P::AddTotal(pages[i].response, &merged);
      const auto& shard_rows = *P::Rows(pages[i].response);
      for (int k = 0; k < shard_rows.size(); ++k) {
        rows.push_back({P::Key(shard_rows[k], request), i, k});
      }
    }
    std::stable_sort(rows.begin(), rows.end(), [desc](const Row& a, const Row& b) {
      if (a.key != b.key) return desc ? a.key > b.key : a.key < b.key;
      if (a.shard != b.shard) return a.shard < b.shard;
      return a.pos < b.pos;
    });
    if (rows.size() > static_cast<std::size_t>(page_size)) rows.resize(page_size);
    std::vector<int> taken(n, 0);
    for (const Row& r : rows) ++taken[r.shard];

    RouterToken next = from;
    std::vector<Request> exact(n, request);
    std::vector<bool> partial(n, false);
    for (std::size_t i = 0; i < n; ++i) {
      if (!ask[i]) continue;
      const Response& page = pages[i].response;
      if (taken[i] == P::Rows(pages[i].response)->size()) {
        next.tokens[i] = page.next_page_token();
        next.done[i] = page.next_page_token().empty();
      } else if (taken[i] > 0) {
        partial[i] = true;
        exact[i].set_page_size(taken[i]);
        exact[i].set_page_token(from.tokens[i]);
      }
    }
    bool consistent = true;
    if (std::count(partial.begin(), partial.end(), true) > 0) {
      auto cuts = FanOut<Request, Response>(context, shards, exact, partial, P::Call);
      for (std::size_t i = 0; i < n && consistent; ++i) {
        if (!partial[i]) continue;
        if (!cuts[i].status.ok()) return ShardError(i, cuts[i].status);
        const auto& got = *P::Rows(cuts[i].response);
        const auto& had = *P::Rows(pages[i].response);
        if (got.size() != taken[i] || cuts[i].response.next_page_token().empty()) {
          consistent = false;
          break;
        }
        for (int k = 0; k < taken[i]; ++k) {
          if (!P::Same(got[k], had[k])) {
            consistent = false;
            break;
          }
        }
        next.tokens[i] = cuts[i].response.next_page_token();
      }
    }
    if (!consistent) continue;

    for (const Row& r : rows) {
      *P::Rows(merged)->Add() = std::move(*P::Rows(pages[r.shard].response)->Mutable(r.pos));
    }
    const bool all_done = std::all_of(next.done.begin(), next.done.end(), [](bool d) { return d; });
    if (!all_done) merged.set_next_page_token(EncodeToken(fingerprint, next));
    *response = std::move(merged);
    return grpc::Status::OK;
  }
  return grpc::Status(grpc::StatusCode::ABORTED,
                      "the shards changed while this page was read; ask for it again");
}

}  // namespace

QueryRouter::QueryRouter(std::vector<std::shared_ptr<grpc::Channel>> shards) {
  for (auto& channel : shards) shards_.push_back(v1::QueryService::NewStub(channel));
}

grpc::Status QueryRouter::AppendArticle(grpc::ServerContext*, const v1::AppendArticleRequest*,
                                        v1::AppendArticleResponse*) {
  return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                      "this query service is a router over shards (--route_to): send articles to "
                      "the ingest service, which writes them to the replicated log");
}

grpc::Status QueryRouter::GetEvent(grpc::ServerContext* context, const v1::GetEventRequest* request,
                                   v1::Event* response) {
  auto answers = FanOut<v1::GetEventRequest, v1::Event>(
      context, shards_, std::vector<v1::GetEventRequest>(shards_.size(), *request),
      All(shards_.size()), [](Stub* s, grpc::ClientContext* c, const v1::GetEventRequest* q,
                              v1::Event* r, std::function<void(grpc::Status)> done) {
        s->async()->GetEvent(c, q, r, std::move(done));
      });
  return FirstFound(answers, response);
}

grpc::Status QueryRouter::GetArticle(grpc::ServerContext* context,
                                     const v1::GetArticleRequest* request,
                                     v1::ArticleInfo* response) {
  auto answers = FanOut<v1::GetArticleRequest, v1::ArticleInfo>(
      context, shards_, std::vector<v1::GetArticleRequest>(shards_.size(), *request),
      All(shards_.size()), [](Stub* s, grpc::ClientContext* c, const v1::GetArticleRequest* q,
                              v1::ArticleInfo* r, std::function<void(grpc::Status)> done) {
        s->async()->GetArticle(c, q, r, std::move(done));
      });
  return FirstFound(answers, response);
}

grpc::Status QueryRouter::ListMentions(grpc::ServerContext* context,
                                       const v1::ListMentionsRequest* request,
                                       v1::ListMentionsResponse* response) {
  auto answers = FanOut<v1::ListMentionsRequest, v1::ListMentionsResponse>(
      context, shards_, std::vector<v1::ListMentionsRequest>(shards_.size(), *request),
      All(shards_.size()),
      [](Stub* s, grpc::ClientContext* c, const v1::ListMentionsRequest* q,
         v1::ListMentionsResponse* r, std::function<void(grpc::Status)> done) {
        s->async()->ListMentions(c, q, r, std::move(done));
      });
  // The event lives in one shard; the others' answers to that shard's page
  // token are beside the point.
  return FirstFound(answers, response);
}

grpc::Status QueryRouter::ListEvents(grpc::ServerContext* context,
                                     const v1::ListEventsRequest* request,
                                     v1::ListEventsResponse* response) {
  return MergePages<EventPaging>(context, shards_, *request, response);
}

grpc::Status QueryRouter::ListQuotes(grpc::ServerContext* context,
                                     const v1::ListQuotesRequest* request,
                                     v1::ListQuotesResponse* response) {
  return MergePages<QuotePaging>(context, shards_, *request, response);
}

grpc::Status QueryRouter::AggregateEvents(grpc::ServerContext* context,
                                          const v1::AggregateEventsRequest* request,
                                          v1::AggregateEventsResponse* response) {
  if (request->top_n() < 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("top_n ", request->top_n(), " is negative: use 0 for every bucket"));
  }
  // Every bucket from every shard: a shard's top N is not the sum's.
  v1::AggregateEventsRequest all = *request;
  all.set_top_n(0);
  auto answers = FanOut<v1::AggregateEventsRequest, v1::AggregateEventsResponse>(
      context, shards_, std::vector<v1::AggregateEventsRequest>(shards_.size(), all),
      All(shards_.size()),
      [](Stub* s, grpc::ClientContext* c, const v1::AggregateEventsRequest* q,
         v1::AggregateEventsResponse* r, std::function<void(grpc::Status)> done) {
        s->async()->AggregateEvents(c, q, r, std::move(done));
      });
  std::map<std::vector<std::string>, v1::Bucket> sums;
  std::int64_t total = 0;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i].status.ok()) return ShardError(i, answers[i].status);
    total += answers[i].response.total_events();
    for (const v1::Bucket& b : answers[i].response.buckets()) {
      std::vector<std::string> keys(b.keys().begin(), b.keys().end());
      auto [it, fresh] = sums.try_emplace(std::move(keys));
      if (fresh) {
        it->second = b;
        continue;
      }
      v1::Bucket& into = it->second;
      into.set_event_count(into.event_count() + b.event_count());
      into.set_article_count(into.article_count() + b.article_count());
      AddFigures(b, &into);
    }
  }
  std::vector<v1::Bucket> buckets;
  buckets.reserve(sums.size());
  for (auto& [keys, b] : sums) {
    std::sort(b.mutable_figures()->begin(), b.mutable_figures()->end(),
              [](const v1::FigureStats& x, const v1::FigureStats& y) { return x.kind() < y.kind(); });
    buckets.push_back(std::move(b));
  }
  // As one store orders them (query/store/aggregate.cc).
  std::sort(buckets.begin(), buckets.end(), [](const v1::Bucket& a, const v1::Bucket& b) {
    if (a.event_count() != b.event_count()) return a.event_count() > b.event_count();
    return KeysLess(a, b);
  });
  if (request->top_n() > 0 && buckets.size() > static_cast<std::size_t>(request->top_n())) {
    buckets.resize(request->top_n());
  }
  if (request->group_by_size() == 1 && IsTime(request->group_by(0))) {
    std::sort(buckets.begin(), buckets.end(), KeysLess);
  }
  response->Clear();
  for (v1::Bucket& b : buckets) *response->add_buckets() = std::move(b);
  response->set_total_events(total);
  return grpc::Status::OK;
}

grpc::Status QueryRouter::GetStats(grpc::ServerContext* context, const v1::GetStatsRequest* request,
                                   v1::GetStatsResponse* response) {
  auto answers = FanOut<v1::GetStatsRequest, v1::GetStatsResponse>(
      context, shards_, std::vector<v1::GetStatsRequest>(shards_.size(), *request),
      All(shards_.size()), [](Stub* s, grpc::ClientContext* c, const v1::GetStatsRequest* q,
                              v1::GetStatsResponse* r, std::function<void(grpc::Status)> done) {
        s->async()->GetStats(c, q, r, std::move(done));
      });
  response->Clear();
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i].status.ok()) return ShardError(i, answers[i].status);
    const v1::GetStatsResponse& s = answers[i].response;
    response->set_articles(response->articles() + s.articles());
    response->set_events(response->events() + s.events());
    response->set_quotes(response->quotes() + s.quotes());
    response->set_entities(response->entities() + s.entities());
    response->set_places(response->places() + s.places());
    response->set_revision(response->revision() + s.revision());
    response->set_grouped_events(response->grouped_events() + s.grouped_events());
    response->set_applied_sequence(response->applied_sequence() + s.applied_sequence());
    response->set_log_last_sequence(std::max(response->log_last_sequence(), s.log_last_sequence()));
    response->set_lag(response->lag() + s.lag());
    if (i == 0 || (s.has_started_at() && (s.started_at().seconds() < response->started_at().seconds()))) {
      *response->mutable_started_at() = s.started_at();
    }
  }
  response->set_event_log("router");
  return grpc::Status::OK;
}

grpc::Status QueryRouter::ListFigures(grpc::ServerContext* context,
                                      const v1::ListFiguresRequest* request,
                                      v1::ListFiguresResponse* response) {
  if (request->max_figures() < 0 || request->max_figures() > 10000) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("max_figures: must be in 0..10000, got ",
                                     request->max_figures()));
  }
  const std::size_t cap =
      static_cast<std::size_t>(request->max_figures() == 0 ? 1000 : request->max_figures());
  auto answers = FanOut<v1::ListFiguresRequest, v1::ListFiguresResponse>(
      context, shards_, std::vector<v1::ListFiguresRequest>(shards_.size(), *request),
      All(shards_.size()),
      [](Stub* s, grpc::ClientContext* c, const v1::ListFiguresRequest* q,
         v1::ListFiguresResponse* r, std::function<void(grpc::Status)> done) {
        s->async()->ListFigures(c, q, r, std::move(done));
      });
  // Every shard's figures, regrouped and compared as one store would
  // (store::AssembleFigureReport): a conflict between two sources may only
  // show once their figures from different shards meet.
  std::vector<store::SourcedFigure> figures;
  bool truncated = false;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i].status.ok()) return ShardError(i, answers[i].status);
    truncated = truncated || answers[i].response.truncated();
    for (const v1::SourceFigures& group : answers[i].response.sources()) {
      for (const v1::SourcedFigure& f : group.figures()) {
        if (figures.size() == cap) {
          truncated = true;
          break;
        }
        store::SourcedFigure& sf = figures.emplace_back();
        sf.figure = codec::DecodeFigure(f.figure());
        sf.event_id = f.event_id();
        sf.article_id = f.article_id();
        sf.sentence = f.sentence();
        sf.when = codec::DecodeTimeSpan(f.when());
        if (f.has_place()) sf.place = codec::DecodePlace(f.place());
        sf.published_at = codec::DecodeTime(f.has_published_at(), f.published_at());
      }
    }
  }
  codec::EncodeFigureReport(store::AssembleFigureReport(std::move(figures), truncated), response);
  return grpc::Status::OK;
}
grpc::Status QueryRouter::SearchEntities(grpc::ServerContext* context,
                                         const v1::SearchEntitiesRequest* request,
                                         v1::SearchEntitiesResponse* response) {
  if (request->page_size() < 0 || request->page_size() > 1000) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("page_size ", request->page_size(),
                                     " is out of range: use 1 to 1000, or 0 for 50"));
  }
  const int page_size = request->page_size() == 0 ? 50 : request->page_size();
  // The largest page from each shard: an entity's total is the sum of its
  // counts, exact while no shard has more than 1000 matches.
  v1::SearchEntitiesRequest wide = *request;
  wide.set_page_size(1000);
  auto answers = FanOut<v1::SearchEntitiesRequest, v1::SearchEntitiesResponse>(
      context, shards_, std::vector<v1::SearchEntitiesRequest>(shards_.size(), wide),
      All(shards_.size()),
      [](Stub* s, grpc::ClientContext* c, const v1::SearchEntitiesRequest* q,
         v1::SearchEntitiesResponse* r, std::function<void(grpc::Status)> done) {
        s->async()->SearchEntities(c, q, r, std::move(done));
      });
  std::map<std::string, v1::EntityCount> by_id;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i].status.ok()) return ShardError(i, answers[i].status);
    for (v1::EntityCount& c : *answers[i].response.mutable_entities()) {
      auto [it, fresh] = by_id.try_emplace(c.entity().id());
      if (fresh) {
        it->second = std::move(c);
      } else {
        it->second.set_event_count(it->second.event_count() + c.event_count());
      }
    }
  }
  std::vector<v1::EntityCount> found;
  found.reserve(by_id.size());
  for (auto& [id, c] : by_id) found.push_back(std::move(c));
  // As one store orders them: by event count, then name, then id.
  std::sort(found.begin(), found.end(), [](const v1::EntityCount& a, const v1::EntityCount& b) {
    if (a.event_count() != b.event_count()) return a.event_count() > b.event_count();
    if (a.entity().name() != b.entity().name()) return a.entity().name() < b.entity().name();
    return a.entity().id() < b.entity().id();
  });
  if (found.size() > static_cast<std::size_t>(page_size)) found.resize(page_size);
  response->Clear();
  for (v1::EntityCount& c : found) *response->add_entities() = std::move(c);
  return grpc::Status::OK;
}
grpc::Status QueryRouter::WatchEvents(grpc::ServerContext* context,
                                      const v1::WatchEventsRequest* request,
                                      grpc::ServerWriter<v1::WatchEventsResponse>* writer) {
  if (request->from_revision() != 0) {
    return grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrCat("from_revision ", request->from_revision(),
                     ": revisions are per shard, so the router streams new events only; "
                     "to resume from a revision, watch each shard"));
  }
  // One reader thread per shard; their messages go out one at a time, and
  // the first shard stream to end ends the whole stream with its status
  // (e.g. RESOURCE_EXHAUSTED for a consumer that fell too far behind).
  const std::size_t n = shards_.size();
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts(n);
  absl::Mutex mu;
  bool ended = false;
  grpc::Status result = grpc::Status::OK;
  std::vector<std::thread> readers;
  const auto& metadata = context->client_metadata();
  const auto auth = metadata.find("authorization");
  for (std::size_t i = 0; i < n; ++i) {
    contexts[i] = std::make_unique<grpc::ClientContext>();
    if (auth != metadata.end()) {
      contexts[i]->AddMetadata("authorization",
                               std::string(auth->second.data(), auth->second.size()));
    }
  }
  const auto end_all = [&](grpc::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (ended) return;
    ended = true;
    result = std::move(status);
    for (auto& c : contexts) c->TryCancel();
  };
  for (std::size_t i = 0; i < n; ++i) {
    readers.emplace_back([&, i] {
      std::unique_ptr<grpc::ClientReader<v1::WatchEventsResponse>> reader =
          shards_[i]->WatchEvents(contexts[i].get(), *request);
      v1::WatchEventsResponse message;
      while (reader->Read(&message)) {
        absl::MutexLock lock(&mu);
        if (ended) break;
        if (!writer->Write(message)) end_all(grpc::Status(grpc::StatusCode::CANCELLED, "client gone"));
      }
      grpc::Status s = reader->Finish();
      absl::MutexLock lock(&mu);
      end_all(s.ok() ? grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                    absl::StrCat("shard ", i, " ended its stream"))
                     : ShardError(i, s));
    });
  }
  // The client going away ends the shard streams too.
  {
    absl::MutexLock lock(&mu);
    while (!ended) {
      mu.AwaitWithTimeout(absl::Condition(&ended), absl::Milliseconds(200));
      if (!ended && context->IsCancelled()) end_all(grpc::Status::CANCELLED);
    }
  }
  for (std::thread& t : readers) t.join();
  return result;
}

}  // namespace newsevents::query
