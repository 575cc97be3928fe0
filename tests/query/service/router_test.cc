// The router over two shards answers as one store holding every article
// would: the same rows in the same order page after page, the same
// aggregates, summed stats, and the event of whichever shard holds it.
#include "query/service/router.h"

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "query/replication/jetstream.h"
#include "query/service/query_service_impl.h"
#include "query/store/event_store.h"

namespace newsevents::query {
namespace {

constexpr int kShards = 2;
constexpr std::int64_t kBase = 1730000000;  // 2024-10-27

// Article i: two events at distinct times (one given only by its end, one
// only by the publication time), types and actors varying.
v1::AppendArticleRequest Article(int i) {
  v1::AppendArticleRequest r;
  const std::string id = absl::StrCat("art-", i);
  r.mutable_article()->set_id(id);
  r.mutable_article()->set_title(absl::StrCat("Title ", i));
  r.mutable_article()->set_outlet(absl::StrCat("outlet-", i % 4));
  // Published five days after the events: a key taken from the wrong field
  // moves the row.
  r.mutable_article()->mutable_published_at()->set_seconds(kBase + i * 7200 + 1800 + 5 * 86400);
  if (i % 4 != 2) {
    v1::Quote* q = r.add_quotes();
    q->set_id(absl::StrCat("q-", i));
    q->set_article_id(id);
    q->mutable_speaker()->set_id(absl::StrCat("person:P", i % 3));
    q->set_text(absl::StrCat("Words number ", i, i % 2 == 0 ? " about the front" : ""));
  }
  for (int k = 0; k < 2; ++k) {
    v1::Event* e = r.add_events();
    e->set_id(absl::StrCat("ev-", i, "-", k));
    e->set_article_id(id);
    e->set_type(static_cast<v1::EventType>(1 + (i + k) % 5));
    v1::Entity* actor = e->add_actors();
    // Uneven counts: C0 most, C3 least.
    const int c = (i % 10 < 4) ? 0 : (i * 3 + k) % 4;
    actor->set_id(absl::StrCat("country:C", c));
    actor->set_name(absl::StrCat("Country C", c));
    e->mutable_place()->set_id(absl::StrCat("gn:", 100 + i % 6));
    e->mutable_place()->set_country("UKR");
    const int hour = i * 2 + k;
    if (i % 5 == 0 && k == 1) {
      // No time: sorted by the publication time.
    } else if (i % 3 == 0) {
      e->mutable_when()->mutable_end()->set_seconds(kBase + hour * 3600 + 60);
      e->mutable_when()->set_open_start(true);
      e->mutable_when()->set_granularity(v1::GRANULARITY_DAY);
    } else {
      e->mutable_when()->mutable_start()->set_seconds(kBase + hour * 3600);
      e->mutable_when()->set_granularity(v1::GRANULARITY_DAY);
    }
    v1::Figure* f = e->add_figures();
    f->set_kind(k == 0 ? v1::FIGURE_KIND_KILLED : v1::FIGURE_KIND_INJURED);
    f->set_low(i % 3 == 1 ? 100 + i : i % 7);
    f->set_high(i % 3 == 1 ? 100 + i : i % 7 + k);
    // Three sources and the unattributed; source 1 reports higher figures,
    // so sources disagree.
    if (i % 4 != 3) {
      e->mutable_according_to()->set_id(absl::StrCat("src:", i % 3));
      e->mutable_according_to()->set_name(absl::StrCat("Source ", i % 3));
    }
    e->mutable_evidence()->set_sentence(absl::StrCat("Sentence ", i, " ", k, "."));
  }
  return r;
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return ctx;
}

// One in-process query service with its own store.
struct Node {
  Node() {
    store::EventStoreOptions options;
    options.group_mentions = false;  // shards group apart; compare plain records
    store = std::make_unique<store::EventStore>(options);
    service = std::make_unique<QueryServiceImpl>(store.get());
    grpc::ServerBuilder builder;
    builder.RegisterService(service.get());
    server = builder.BuildAndStart();
    channel = server->InProcessChannel(grpc::ChannelArguments());
    stub = v1::QueryService::NewStub(channel);
  }
  ~Node() {
    service->Shutdown();
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    server->Wait();
  }
  std::unique_ptr<store::EventStore> store;
  std::unique_ptr<QueryServiceImpl> service;
  std::unique_ptr<grpc::Server> server;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::QueryService::Stub> stub;
};

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    for (int s = 0; s < kShards; ++s) shards_.push_back(std::make_unique<Node>());
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    for (auto& s : shards_) channels.push_back(s->channel);
    router_ = std::make_unique<QueryRouter>(channels);
    grpc::ServerBuilder builder;
    builder.RegisterService(router_.get());
    router_server_ = builder.BuildAndStart();
    router_stub_ = v1::QueryService::NewStub(router_server_->InProcessChannel(grpc::ChannelArguments()));
    for (int i = 0; i < 60; ++i) {
      const v1::AppendArticleRequest a = Article(i);
      v1::AppendArticleResponse r;
      const int shard = replication::ShardOf(a.article().id(), kShards);
      ++per_shard_[shard];
      EXPECT_TRUE(shards_[shard]->stub->AppendArticle(Context().get(), a, &r).ok());
      EXPECT_TRUE(one_.stub->AppendArticle(Context().get(), a, &r).ok());
    }
  }
  ~RouterTest() override {
    router_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    router_server_->Wait();
  }

  // Every row, page by page.
  static std::vector<v1::Event> AllPages(v1::QueryService::Stub& stub, v1::ListEventsRequest request,
                                         int page_size, int* pages = nullptr) {
    std::vector<v1::Event> out;
    request.set_page_size(page_size);
    for (int n = 0; n < 1000; ++n) {
      v1::ListEventsResponse page;
      const grpc::Status s = stub.ListEvents(Context().get(), request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      out.insert(out.end(), page.events().begin(), page.events().end());
      if (pages != nullptr) ++*pages;
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    return out;
  }

  std::vector<std::unique_ptr<Node>> shards_;
  Node one_;  // every article in one store: what the router must match
  int per_shard_[kShards] = {};
  std::unique_ptr<QueryRouter> router_;
  std::unique_ptr<grpc::Server> router_server_;
  std::unique_ptr<v1::QueryService::Stub> router_stub_;
};

TEST_F(RouterTest, BothShardsHoldArticles) {
  EXPECT_GT(per_shard_[0], 10);
  EXPECT_GT(per_shard_[1], 10);
}

TEST_F(RouterTest, PagesMergeInTheOrderOfOneStore) {
  for (v1::OrderBy order : {v1::ORDER_BY_EVENT_TIME_DESC, v1::ORDER_BY_EVENT_TIME_ASC}) {
    for (const bool filtered : {false, true}) {
      v1::ListEventsRequest request;
      request.set_order_by(order);
      if (filtered) request.mutable_filter()->add_types(v1::EventType(2));
      std::vector<std::string> expected;
      for (const v1::Event& e : AllPages(*one_.stub, request, 1000)) expected.push_back(e.id());
      ASSERT_FALSE(expected.empty());
      for (const int page_size : {1, 7, 50}) {
        int pages = 0;
        std::vector<std::string> got;
        for (const v1::Event& e : AllPages(*router_stub_, request, page_size, &pages)) {
          got.push_back(e.id());
        }
        EXPECT_EQ(got, expected) << "order " << order << " filtered " << filtered
                                 << " page size " << page_size;
        EXPECT_EQ(pages, (static_cast<int>(expected.size()) + page_size - 1) / page_size);
      }
    }
  }
}

TEST_F(RouterTest, IngestOrderHoldsEveryRowOnce) {
  for (v1::OrderBy order : {v1::ORDER_BY_INGEST_TIME_DESC, v1::ORDER_BY_INGEST_TIME_ASC}) {
    v1::ListEventsRequest request;
    request.set_order_by(order);
    const std::vector<v1::Event> rows = AllPages(*router_stub_, request, 9);
    std::set<std::string> ids;
    for (const v1::Event& e : rows) ids.insert(e.id());
    EXPECT_EQ(ids.size(), rows.size());
    EXPECT_EQ(rows.size(), 120u);
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const auto t0 = rows[i - 1].ingested_at().seconds() * 1000000000 + rows[i - 1].ingested_at().nanos();
      const auto t1 = rows[i].ingested_at().seconds() * 1000000000 + rows[i].ingested_at().nanos();
      if (order == v1::ORDER_BY_INGEST_TIME_DESC) {
        EXPECT_GE(t0, t1) << i;
      } else {
        EXPECT_LE(t0, t1) << i;
      }
    }
  }
}

TEST_F(RouterTest, AggregatesEqualOneStores) {
  const std::vector<std::vector<v1::GroupBy>> groupings = {
      {v1::GROUP_BY_TYPE}, {v1::GROUP_BY_WEEK}, {v1::GROUP_BY_DAY},
      {v1::GROUP_BY_TYPE, v1::GROUP_BY_ACTOR}, {v1::GROUP_BY_PLACE}};
  for (const auto& group_by : groupings) {
    for (const int top_n : {0, 3}) {
      v1::AggregateEventsRequest request;
      for (v1::GroupBy g : group_by) request.add_group_by(g);
      request.set_top_n(top_n);
      v1::AggregateEventsResponse want, got;
      ASSERT_TRUE(one_.stub->AggregateEvents(Context().get(), request, &want).ok());
      const grpc::Status s = router_stub_->AggregateEvents(Context().get(), request, &got);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(want, got))
          << "group_by " << group_by[0] << " top_n " << top_n << "\nwant " << want.DebugString()
          << "\ngot " << got.DebugString();
    }
  }
}

TEST_F(RouterTest, FiguresAndConflictsEqualOneStores) {
  for (const int kinds : {0, 1}) {
    v1::ListFiguresRequest request;
    if (kinds == 1) request.add_kinds(v1::FIGURE_KIND_KILLED);
    v1::ListFiguresResponse want, got;
    ASSERT_TRUE(one_.stub->ListFigures(Context().get(), request, &want).ok());
    const grpc::Status s = router_stub_->ListFigures(Context().get(), request, &got);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_GT(want.conflicts_size(), 0);
    ASSERT_GT(want.sources_size(), 2);
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(want, got))
        << "want " << want.ShortDebugString() << "\ngot " << got.ShortDebugString();
  }
  v1::ListFiguresRequest capped;
  capped.set_max_figures(10);
  v1::ListFiguresResponse page;
  ASSERT_TRUE(router_stub_->ListFigures(Context().get(), capped, &page).ok());
  EXPECT_TRUE(page.truncated());
  EXPECT_EQ(page.total_figures(), 10);
}

TEST_F(RouterTest, QuotePagesMergeInTheOrderOfOneStore) {
  for (const bool filtered : {false, true}) {
    v1::ListQuotesRequest request;
    if (filtered) request.set_text_contains("FRONT");
    request.set_page_size(1000);
    v1::ListQuotesResponse all;
    ASSERT_TRUE(one_.stub->ListQuotes(Context().get(), request, &all).ok());
    std::vector<std::string> expected;
    for (const v1::Quote& q : all.quotes()) expected.push_back(q.id());
    ASSERT_GT(expected.size(), 10u);
    for (const int page_size : {1, 4, 50}) {
      request.set_page_size(page_size);
      request.clear_page_token();
      std::vector<std::string> got;
      for (int n = 0; n < 200; ++n) {
        v1::ListQuotesResponse page;
        const grpc::Status s = router_stub_->ListQuotes(Context().get(), request, &page);
        ASSERT_TRUE(s.ok()) << s.error_message();
        for (const v1::Quote& q : page.quotes()) got.push_back(q.id());
        if (page.next_page_token().empty()) break;
        request.set_page_token(page.next_page_token());
      }
      EXPECT_EQ(got, expected) << "page size " << page_size << " filtered " << filtered;
    }
  }
}

TEST_F(RouterTest, EntitySearchSumsTheShardsCounts) {
  for (const int page_size : {0, 2}) {
    v1::SearchEntitiesRequest request;
    request.set_prefix("country c");
    request.set_page_size(page_size);
    v1::SearchEntitiesResponse want, got;
    ASSERT_TRUE(one_.stub->SearchEntities(Context().get(), request, &want).ok());
    const grpc::Status s = router_stub_->SearchEntities(Context().get(), request, &got);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_GT(want.entities_size(), 0);
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(want, got))
        << "want " << want.DebugString() << "\ngot " << got.DebugString();
  }
}

TEST_F(RouterTest, StatsAreSummedAndLookupsFindTheShard) {
  v1::GetStatsResponse stats;
  ASSERT_TRUE(router_stub_->GetStats(Context().get(), v1::GetStatsRequest(), &stats).ok());
  EXPECT_EQ(stats.articles(), 60);
  EXPECT_EQ(stats.events(), 120);
  EXPECT_EQ(stats.event_log(), "router");
  for (int i : {0, 1, 2, 3, 59}) {
    v1::GetEventRequest request;
    request.set_id(absl::StrCat("ev-", i, "-1"));
    v1::Event event;
    const grpc::Status s = router_stub_->GetEvent(Context().get(), request, &event);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(event.article_id(), absl::StrCat("art-", i));
    v1::GetArticleRequest article_request;
    article_request.set_id(absl::StrCat("art-", i));
    v1::ArticleInfo article;
    EXPECT_TRUE(router_stub_->GetArticle(Context().get(), article_request, &article).ok());
  }
  v1::GetEventRequest missing;
  missing.set_id("ev-none");
  v1::Event event;
  EXPECT_EQ(router_stub_->GetEvent(Context().get(), missing, &event).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(RouterTest, WatchInterleavesTheShardsStreams) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::WatchEventsRequest request;
  auto reader = router_stub_->WatchEvents(&context, request);
  // The shards' streams open asynchronously: keep appending until both
  // shards' new events arrive.
  std::set<std::string> seen_articles;
  std::thread appender([&] {
    for (int i = 100; i < 140; ++i) {
      const v1::AppendArticleRequest a = Article(i);
      v1::AppendArticleResponse r;
      const int shard = replication::ShardOf(a.article().id(), kShards);
      EXPECT_TRUE(shards_[shard]->stub->AppendArticle(Context().get(), a, &r).ok());
      absl::SleepFor(absl::Milliseconds(20));
    }
  });
  std::set<int> shards_seen;
  v1::WatchEventsResponse message;
  while (shards_seen.size() < 2 && reader->Read(&message)) {
    shards_seen.insert(replication::ShardOf(message.event().article_id(), kShards));
  }
  appender.join();
  context.TryCancel();
  EXPECT_EQ(shards_seen.size(), 2u);
  reader->Finish().IgnoreError();

  grpc::ClientContext resume;
  request.set_from_revision(5);
  auto refused = router_stub_->WatchEvents(&resume, request);
  EXPECT_FALSE(refused->Read(&message));
  const grpc::Status s = refused->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("from_revision"), std::string::npos);
}

TEST_F(RouterTest, BadInputIsNamed) {
  v1::ListEventsRequest request;
  request.set_page_size(5);
  v1::ListEventsResponse page;
  ASSERT_TRUE(router_stub_->ListEvents(Context().get(), request, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  // A token of another query, a shard's own token, garbage: all refused.
  v1::ListEventsRequest other = request;
  other.set_order_by(v1::ORDER_BY_EVENT_TIME_ASC);
  other.set_page_token(page.next_page_token());
  grpc::Status s = router_stub_->ListEvents(Context().get(), other, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("page_token"), std::string::npos) << s.error_message();
  v1::ListEventsResponse shard_page;
  ASSERT_TRUE(shards_[0]->stub->ListEvents(Context().get(), request, &shard_page).ok());
  other = request;
  other.set_page_token(shard_page.next_page_token());
  EXPECT_EQ(router_stub_->ListEvents(Context().get(), other, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  other.set_page_token("!!!");
  EXPECT_EQ(router_stub_->ListEvents(Context().get(), other, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_page_size(1001);
  s = router_stub_->ListEvents(Context().get(), request, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("1001"), std::string::npos);
  // A shard's refusal reaches the caller with the shard named.
  v1::AggregateEventsRequest aggregate;  // no group_by
  v1::AggregateEventsResponse aggregated;
  s = router_stub_->AggregateEvents(Context().get(), aggregate, &aggregated);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("shard 0"), std::string::npos) << s.error_message();
  v1::AppendArticleResponse appended;
  EXPECT_EQ(router_stub_->AppendArticle(Context().get(), Article(99), &appended).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::ListQuotesRequest quotes_request;
  quotes_request.set_page_token(page.next_page_token());  // an events token
  v1::ListQuotesResponse quotes;
  EXPECT_EQ(router_stub_->ListQuotes(Context().get(), quotes_request, &quotes).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace newsevents::query
