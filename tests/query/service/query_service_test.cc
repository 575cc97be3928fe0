// The QueryService over an in-process channel: every RPC, its errors, and
// the WatchEvents stream's life cycle.
#include "query/service/query_service_impl.h"

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "kursk_fixture.h"
#include "query/codec/model_codec.h"
#include "query/store/clock.h"
#include "query/store/event_store.h"

namespace newsevents::query {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
namespace fx = ::newsevents::query::store::testing;

v1::AppendArticleRequest AppendRequest(const store::ArticleInfo& article,
                                       const std::vector<store::Event>& events,
                                       const std::vector<store::Quote>& quotes) {
  v1::AppendArticleRequest r;
  codec::EncodeArticle(article, r.mutable_article());
  for (const store::Event& e : events) codec::EncodeEvent(e, r.add_events());
  for (const store::Quote& q : quotes) codec::EncodeQuote(q, r.add_quotes());
  return r;
}

v1::AppendArticleRequest KurskRequest() {
  return AppendRequest(fx::KurskArticle(), fx::KurskEvents(), fx::KurskQuotes());
}
v1::AppendArticleRequest SudzhaRequest() {
  return AppendRequest(fx::SudzhaArticle(), fx::SudzhaEvents(), {});
}

// An article of `n` PROTEST events.
v1::AppendArticleRequest Protests(const std::string& article_id, int n) {
  store::ArticleInfo a;
  a.id = article_id;
  std::vector<store::Event> events;
  for (int i = 0; i < n; ++i) {
    store::Event e;
    e.id = absl::StrCat(article_id, "-", i);
    e.type = store::EventType::kProtest;
    e.when = fx::OnDay(2024, 6, 1 + i % 28);
    e.modality = store::Modality::kAsserted;
    events.push_back(std::move(e));
  }
  return AppendRequest(a, events, {});
}

// A report of Ukraine's capture of a town in Kursk Oblast on 8 August 2024
// (`place`: "sudzha", "far" (a town 130 km away) or "region").
v1::AppendArticleRequest Capture(const std::string& article_id, const std::string& outlet,
                                 const std::string& place) {
  store::ArticleInfo a;
  a.id = article_id;
  a.outlet = outlet;
  a.published_at = fx::Day(2024, 8, 9);
  store::Event e;
  e.id = absl::StrCat(article_id, "-e1");
  e.type = store::EventType::kAssault;
  e.mode = "capture";
  e.actors = {{.id = "country:UKR", .name = "Ukraine", .kind = store::EntityKind::kCountry}};
  e.recipients = {{.id = "force:rus-military", .name = "Russian Armed Forces"}};
  if (place == "region") {
    e.place = {.id = "iso:RU-KRS", .name = "Kursk Oblast", .kind = store::PlaceKind::kAdmin1,
               .admin1_id = "iso:RU-KRS", .country = "RUS"};
  } else {
    const bool far = place == "far";
    e.place = {.id = far ? "gn:zheleznogorsk" : "gn:sudzha",
               .name = far ? "Zheleznogorsk" : "Sudzha", .kind = store::PlaceKind::kCity,
               .admin1_id = "iso:RU-KRS", .country = "RUS",
               .latitude = far ? 52.34 : 51.19, .longitude = far ? 35.35 : 35.27};
  }
  e.when = fx::OnDay(2024, 8, 8);
  e.modality = store::Modality::kReported;
  e.evidence.sentence = absl::StrCat(outlet, " reports the capture near ", place, ".");
  return AppendRequest(a, {e}, {});
}

class QueryServiceTest : public ::testing::Test {
 protected:
  QueryServiceTest() : clock_(fx::Day(2025, 2, 1)) { Start(1024); }
  ~QueryServiceTest() override { Stop(); }

  void Start(std::size_t subscriber_buffer, QueryServiceOptions options = {}) {
    store_ = std::make_unique<store::EventStore>(
        store::EventStoreOptions{&clock_, subscriber_buffer});
    service_ = std::make_unique<QueryServiceImpl>(store_.get(), options);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::QueryService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void Stop() {
    if (server_ == nullptr) return;
    service_->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    server_->Wait();
    server_.reset();
    service_.reset();
    store_.reset();
  }

  static std::unique_ptr<grpc::ClientContext> Context() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return ctx;
  }

  v1::AppendArticleResponse Append(const v1::AppendArticleRequest& request) {
    v1::AppendArticleResponse response;
    const grpc::Status s = stub_->AppendArticle(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  store::ManualClock clock_;
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<QueryServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::QueryService::Stub> stub_;
};

TEST_F(QueryServiceTest, AppendArticleIsIdempotent) {
  v1::AppendArticleResponse first = Append(KurskRequest());
  EXPECT_EQ(first.article_id(), "art_kursk");
  EXPECT_FALSE(first.duplicate());
  EXPECT_EQ(first.revision(), 9);
  v1::AppendArticleResponse again = Append(KurskRequest());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.revision(), 9);
}

TEST_F(QueryServiceTest, AppendArticleRejectsBadInput) {
  v1::AppendArticleRequest bad = KurskRequest();
  bad.mutable_events(2)->set_article_id("art_other");
  v1::AppendArticleResponse response;
  grpc::Status s = stub_->AppendArticle(Context().get(), bad, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("events[2].article_id: 'art_other' differs from article.id"));

  bad = KurskRequest();
  bad.mutable_article()->clear_id();
  s = stub_->AppendArticle(Context().get(), bad, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("article.id: missing"));

  Append(KurskRequest());
  v1::AppendArticleRequest clash = SudzhaRequest();
  clash.mutable_events(0)->set_id("kursk-e1");
  s = stub_->AppendArticle(Context().get(), clash, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(s.error_message(), HasSubstr("event 'kursk-e1' already exists"));
}

TEST_F(QueryServiceTest, GetEventAndArticle) {
  Append(KurskRequest());
  v1::GetEventRequest get;
  get.set_id("kursk-e1");
  v1::Event event;
  grpc::Status s = stub_->GetEvent(Context().get(), get, &event);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(event.type(), v1::EVENT_TYPE_COERCE);
  EXPECT_EQ(event.mode(), "capture");
  EXPECT_EQ(event.article_id(), "art_kursk");
  EXPECT_EQ(event.revision(), 1);
  EXPECT_EQ(event.place().admin1_id(), "iso:RU-KRS");
  EXPECT_EQ(event.when().start().seconds(), 1735171200);  // 2024-12-26
  EXPECT_EQ(event.according_to().id(), "org:kor-nis");
  EXPECT_EQ(event.published_at().seconds(), 1735257600);  // 2024-12-27
  EXPECT_EQ(event.ingested_at().seconds(), 1738368000);   // 2025-02-01

  get.set_id("ev_x");
  s = stub_->GetEvent(Context().get(), get, &event);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "event 'ev_x' not found");
  get.set_id("ev x");
  s = stub_->GetEvent(Context().get(), get, &event);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("id: malformed id 'ev x'"));

  v1::GetArticleRequest get_article;
  get_article.set_id("art_kursk");
  v1::ArticleInfo article;
  s = stub_->GetArticle(Context().get(), get_article, &article);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(article.event_count(), 9);
  EXPECT_EQ(article.quote_count(), 2);
  EXPECT_THAT(article.authors(), ElementsAre("Jia"));
  get_article.set_id("art_missing");
  s = stub_->GetArticle(Context().get(), get_article, &article);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "article 'art_missing' not found");
}

TEST_F(QueryServiceTest, ListEventsPagesThroughAnAdmin1Region) {
  Append(KurskRequest());
  Append(SudzhaRequest());
  v1::ListEventsRequest list;
  list.mutable_filter()->add_place_ids("iso:RU-KRS");
  list.set_page_size(3);
  list.set_mentions(true);
  std::vector<std::string> ids;
  for (int pages = 0; pages < 10; ++pages) {
    v1::ListEventsResponse response;
    const grpc::Status s = stub_->ListEvents(Context().get(), list, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.total_size(), 8);
    for (const v1::Event& e : response.events()) ids.push_back(e.id());
    if (response.next_page_token().empty()) break;
    list.set_page_token(response.next_page_token());
  }
  // Newest event time first; equal times (the open-start events ending
  // 2024-12-28) by revision, newest first.
  EXPECT_THAT(ids, ElementsAre("sudzha-e1", "kursk-e9", "kursk-e8", "kursk-e7",
                               "kursk-e2", "kursk-e1", "kursk-e6", "kursk-e3"));
}

// ListEvents answers from encoded events it keeps; an answer read twice is
// the same, and one read after a later article filled in an entity's record
// shows the new record (the store's output epoch moved on).
TEST_F(QueryServiceTest, ListEventsMatchesGetEventAndSeesEntityUpdates) {
  v1::AppendArticleRequest first = KurskRequest();
  for (v1::Event& e : *first.mutable_events()) {
    for (v1::Entity& a : *e.mutable_actors()) {
      if (a.id() == "country:UKR") a.clear_sector();
    }
  }
  Append(first);
  v1::ListEventsRequest list;
  list.mutable_filter()->add_actor_ids("country:UKR");
  v1::ListEventsResponse once, twice;
  ASSERT_TRUE(stub_->ListEvents(Context().get(), list, &once).ok());
  ASSERT_TRUE(stub_->ListEvents(Context().get(), list, &twice).ok());
  ASSERT_GT(once.events_size(), 0);
  EXPECT_EQ(once.SerializeAsString(), twice.SerializeAsString());
  for (const v1::Event& e : once.events()) {
    v1::GetEventRequest get;
    get.set_id(e.id());
    v1::Event single;
    ASSERT_TRUE(stub_->GetEvent(Context().get(), get, &single).ok());
    EXPECT_EQ(e.SerializeAsString(), single.SerializeAsString()) << e.id();
    for (const v1::Entity& a : e.actors()) {
      if (a.id() == "country:UKR") EXPECT_EQ(a.sector(), "") << e.id();
    }
  }

  v1::AppendArticleRequest later = SudzhaRequest();
  v1::Entity* ukraine = later.mutable_events(0)->add_actors();
  ukraine->set_id("country:UKR");
  ukraine->set_name("Ukraine");
  ukraine->set_kind(v1::ENTITY_KIND_COUNTRY);
  ukraine->set_sector("government");
  Append(later);
  v1::ListEventsResponse after;
  ASSERT_TRUE(stub_->ListEvents(Context().get(), list, &after).ok());
  ASSERT_EQ(after.events_size(), once.events_size() + 1);
  for (const v1::Event& e : after.events()) {
    for (const v1::Entity& a : e.actors()) {
      if (a.id() == "country:UKR") EXPECT_EQ(a.sector(), "government") << e.id();
    }
  }
}

// With the cache off, the same answers.
TEST_F(QueryServiceTest, ListEventsWithoutTheCache) {
  Stop();
  QueryServiceOptions options;
  options.event_cache_slots = 0;
  Start(1024, options);
  Append(KurskRequest());
  v1::ListEventsRequest list;
  list.set_page_size(4);
  list.set_mentions(true);
  v1::ListEventsResponse response;
  ASSERT_TRUE(stub_->ListEvents(Context().get(), list, &response).ok());
  EXPECT_EQ(response.events_size(), 4);
  EXPECT_FALSE(response.next_page_token().empty());
  EXPECT_EQ(response.total_size(), 9);
}

// A page is read on the gRPC thread within the inline budget, or on the
// read pool when the budget runs out (the read starts over there) or is 0:
// the answers are the same, byte for byte, and so are the errors.
TEST_F(QueryServiceTest, ListEventsAnswersTheSameOnEitherThread) {
  auto read_all = [&](std::size_t budget) {
    Stop();
    QueryServiceOptions options;
    options.inline_read_budget = budget;
    Start(1024, options);
    Append(KurskRequest());
    Append(SudzhaRequest());
    std::vector<std::string> answers;
    for (int page_size : {3, 50, 200}) {
      for (bool by_place : {false, true}) {
        v1::ListEventsRequest list;
        if (by_place) list.mutable_filter()->add_place_ids("iso:RU-KRS");
        list.set_page_size(page_size);
        list.set_mentions(true);
        for (int pages = 0; pages < 10; ++pages) {
          v1::ListEventsResponse response;
          const grpc::Status s = stub_->ListEvents(Context().get(), list, &response);
          EXPECT_TRUE(s.ok()) << s.error_message();
          answers.push_back(response.SerializeAsString());
          if (response.next_page_token().empty()) break;
          list.set_page_token(response.next_page_token());
        }
      }
    }
    v1::ListEventsRequest bad;
    bad.set_page_token("not-a-token");
    v1::ListEventsResponse response;
    const grpc::Status s = stub_->ListEvents(Context().get(), bad, &response);
    answers.push_back(absl::StrCat(s.error_code(), " ", s.error_message()));
    return answers;
  };
  const std::vector<std::string> pool = read_all(0);
  ASSERT_GT(pool.size(), 8u);
  EXPECT_THAT(pool.back(), HasSubstr("page_token"));
  // Budget 1: every read of more than one candidate starts inline, runs
  // out and moves to the pool.
  EXPECT_EQ(read_all(1), pool);
  EXPECT_EQ(read_all(4096), pool);
}

TEST_F(QueryServiceTest, ListEventsRejectsBadRequests) {
  v1::ListEventsRequest list;
  list.mutable_filter()->add_types(static_cast<v1::EventType>(99));
  v1::ListEventsResponse response;
  grpc::Status s = stub_->ListEvents(Context().get(), list, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("filter.types[0]: unknown event type 99"));

  list.Clear();
  list.set_page_token("not-a-token");
  s = stub_->ListEvents(Context().get(), list, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_token"));

  // A token from another filter.
  for (int i = 0; i < 3; ++i) Append(Protests(absl::StrCat("art_", i), 2));
  list.Clear();
  list.set_page_size(1);
  s = stub_->ListEvents(Context().get(), list, &response);
  ASSERT_TRUE(s.ok());
  list.set_page_token(response.next_page_token());
  list.mutable_filter()->add_modes("demo");
  s = stub_->ListEvents(Context().get(), list, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_token"));
}

TEST_F(QueryServiceTest, AggregateEventsKeepsSourcesSideBySide) {
  Append(KurskRequest());
  v1::AggregateEventsRequest request;
  request.mutable_filter()->add_recipient_ids("force:prk-military");
  request.mutable_filter()->add_types(v1::EVENT_TYPE_OUTCOME);
  request.add_group_by(v1::GROUP_BY_SOURCE);
  request.set_count_mentions(true);
  v1::AggregateEventsResponse response;
  grpc::Status s = stub_->AggregateEvents(Context().get(), request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response.total_events(), 3);
  ASSERT_THAT(response.buckets(), SizeIs(2));
  const v1::Bucket& nis = response.buckets(0);
  EXPECT_THAT(nis.keys(), ElementsAre("org:kor-nis"));
  EXPECT_THAT(nis.labels(), ElementsAre("National Intelligence Service"));
  EXPECT_EQ(nis.event_count(), 2);
  ASSERT_THAT(nis.figures(), SizeIs(2));
  EXPECT_EQ(nis.figures(0).kind(), v1::FIGURE_KIND_KILLED);
  EXPECT_EQ(nis.figures(0).sum_low(), 102);
  EXPECT_EQ(nis.figures(1).kind(), v1::FIGURE_KIND_INJURED);
  EXPECT_EQ(nis.figures(1).sum_high(), 1000);
  const v1::Bucket& zelenskyy = response.buckets(1);
  EXPECT_THAT(zelenskyy.keys(), ElementsAre("person:volodymyr-zelenskyy"));
  EXPECT_EQ(zelenskyy.figures(0).kind(), v1::FIGURE_KIND_KILLED_OR_INJURED);
  EXPECT_EQ(zelenskyy.figures(0).min_low(), 3001);

  request.clear_group_by();
  s = stub_->AggregateEvents(Context().get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("group_by"));
}

TEST_F(QueryServiceTest, ListFiguresPutsSourcesSideBySide) {
  Append(KurskRequest());
  v1::ListFiguresRequest request;
  request.mutable_filter()->add_place_ids("iso:RU-KRS");
  request.add_counted_ids("country:PRK");
  request.add_kinds(v1::FIGURE_KIND_KILLED);
  request.add_kinds(v1::FIGURE_KIND_INJURED);
  request.add_kinds(v1::FIGURE_KIND_KILLED_OR_INJURED);
  v1::ListFiguresResponse response;
  grpc::Status s = stub_->ListFigures(Context().get(), request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_THAT(response.sources(), SizeIs(2));
  EXPECT_EQ(response.sources(0).source().id(), "org:kor-nis");
  EXPECT_THAT(response.sources(0).figures(), SizeIs(3));
  EXPECT_EQ(response.sources(1).source().id(), "person:volodymyr-zelenskyy");
  ASSERT_THAT(response.sources(1).figures(), SizeIs(1));
  const v1::SourcedFigure& z = response.sources(1).figures(0);
  EXPECT_EQ(z.figure().low(), 3001);
  EXPECT_FALSE(z.figure().has_high());
  EXPECT_EQ(z.figure().text(), "over 3,000 killed or wounded");
  EXPECT_FALSE(z.event_id().empty());
  EXPECT_EQ(response.total_figures(), 4);

  request.set_max_figures(-5);
  s = stub_->ListFigures(Context().get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("max_figures"));
}

TEST_F(QueryServiceTest, ListQuotesAndSearchEntities) {
  Append(KurskRequest());
  v1::ListQuotesRequest quotes;
  quotes.set_text_contains("burn the faces");
  v1::ListQuotesResponse found;
  grpc::Status s = stub_->ListQuotes(Context().get(), quotes, &found);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_THAT(found.quotes(), SizeIs(1));
  EXPECT_EQ(found.quotes(0).speaker().id(), "person:volodymyr-zelenskyy");
  EXPECT_EQ(found.quotes(0).cue(), "claiming");

  v1::SearchEntitiesRequest search;
  search.set_prefix("nis");
  v1::SearchEntitiesResponse entities;
  s = stub_->SearchEntities(Context().get(), search, &entities);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_THAT(entities.entities(), SizeIs(1));
  EXPECT_EQ(entities.entities(0).entity().id(), "org:kor-nis");
  EXPECT_THAT(entities.entities(0).entity().aliases(), ElementsAre("NIS"));

  search.set_country("korea");
  s = stub_->SearchEntities(Context().get(), search, &entities);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(QueryServiceTest, GetStats) {
  Append(KurskRequest());
  Append(SudzhaRequest());
  v1::GetStatsResponse stats;
  const grpc::Status s = stub_->GetStats(Context().get(), v1::GetStatsRequest(), &stats);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(stats.articles(), 2);
  EXPECT_EQ(stats.events(), 11);
  EXPECT_EQ(stats.quotes(), 2);
  EXPECT_EQ(stats.places(), 3);
  EXPECT_EQ(stats.revision(), 11);
  EXPECT_EQ(stats.started_at().seconds(), 1738368000);
  EXPECT_EQ(stats.data_dir(), "");
  EXPECT_EQ(stats.event_log(), "embedded");
  EXPECT_EQ(stats.applied_sequence(), 0u);
}

TEST_F(QueryServiceTest, WatchEventsReplaysThenDeliversNewEvents) {
  Append(KurskRequest());
  v1::WatchEventsRequest request;
  request.mutable_filter()->add_place_ids("iso:RU-KRS");
  request.set_from_revision(8);
  auto ctx = Context();
  auto reader = stub_->WatchEvents(ctx.get(), request);
  v1::WatchEventsResponse message;
  ASSERT_TRUE(reader->Read(&message));  // replayed: the stream is registered
  EXPECT_EQ(message.event().id(), "kursk-e9");
  EXPECT_EQ(message.revision(), 9);

  Append(SudzhaRequest());  // after subscribing
  ASSERT_TRUE(reader->Read(&message));
  EXPECT_EQ(message.event().id(), "sudzha-e1");
  EXPECT_EQ(message.revision(), 10);
  EXPECT_EQ(message.event().place().id(), "gn:sudzha");

  ctx->TryCancel();
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

// Mentions group into events: WatchEvents says what each one did, a
// retired id keeps answering, ListMentions lists an event's reports.
TEST_F(QueryServiceTest, EventsGroupMentionsAndWatchersSeeEveryChange) {
  Append(Protests("art_0", 1));  // revision 1, so that the watch can replay from it
  Append(Capture("art_a", "reuters.com", "sudzha"));
  v1::WatchEventsRequest request;
  request.set_from_revision(1);
  auto ctx = Context();
  auto reader = stub_->WatchEvents(ctx.get(), request);
  v1::WatchEventsResponse message;
  ASSERT_TRUE(reader->Read(&message));  // replayed: the stream is registered
  EXPECT_EQ(message.event().id(), "art_a-e1");
  EXPECT_EQ(message.change(), v1::EVENT_CHANGE_CREATED);
  const std::string first = message.event().identity().event_id();
  ASSERT_THAT(first, ::testing::StartsWith("evt_"));

  Append(Capture("art_b", "example.org", "far"));
  ASSERT_TRUE(reader->Read(&message));
  EXPECT_EQ(message.change(), v1::EVENT_CHANGE_CREATED);
  const std::string second = message.event().identity().event_id();
  EXPECT_NE(second, first);

  Append(Capture("art_c", "bbc.co.uk", "sudzha"));
  ASSERT_TRUE(reader->Read(&message));
  EXPECT_EQ(message.change(), v1::EVENT_CHANGE_UPDATED);
  EXPECT_EQ(message.event().identity().event_id(), first);
  EXPECT_EQ(message.event().identity().corroboration().mentions(), 2);
  EXPECT_EQ(message.event().identity().corroboration().independent_outlets(), 2);

  // The region holds both towns: one event now, named by its smallest
  // mention id (art_a-e1's).
  Append(Capture("art_d", "apnews.com", "region"));
  ASSERT_TRUE(reader->Read(&message));
  EXPECT_EQ(message.change(), v1::EVENT_CHANGE_MERGED);
  EXPECT_EQ(message.event().identity().event_id(), first);
  EXPECT_THAT(message.retired_event_ids(), ElementsAre(second));
  EXPECT_EQ(message.event().identity().corroboration().mentions(), 4);
  EXPECT_EQ(message.event().identity().corroboration().articles(), 4);
  ctx->TryCancel();
  EXPECT_FALSE(reader->Read(&message));
  reader->Finish();

  v1::GetEventRequest get;
  get.set_id(second);
  v1::Event event;
  ASSERT_TRUE(stub_->GetEvent(Context().get(), get, &event).ok());
  EXPECT_EQ(event.id(), "art_a-e1");
  EXPECT_EQ(event.identity().event_id(), first);

  v1::ListMentionsRequest mentions;
  mentions.set_event_id(second);
  mentions.set_page_size(3);
  v1::ListMentionsResponse page;
  ASSERT_TRUE(stub_->ListMentions(Context().get(), mentions, &page).ok());
  std::vector<std::string> ids;
  for (const v1::Event& e : page.mentions()) ids.push_back(e.id());
  ASSERT_FALSE(page.next_page_token().empty());
  mentions.set_page_token(page.next_page_token());
  ASSERT_TRUE(stub_->ListMentions(Context().get(), mentions, &page).ok());
  for (const v1::Event& e : page.mentions()) ids.push_back(e.id());
  EXPECT_TRUE(page.next_page_token().empty());
  EXPECT_THAT(ids, ElementsAre("art_a-e1", "art_b-e1", "art_c-e1", "art_d-e1"));

  // ListEvents: one row for the event (plus the protest), with its identity
  // as GetEvent gives it; every report on request.
  v1::ListEventsRequest list;
  list.mutable_filter()->add_types(v1::EVENT_TYPE_ASSAULT);
  v1::ListEventsResponse listed;
  ASSERT_TRUE(stub_->ListEvents(Context().get(), list, &listed).ok());
  ASSERT_THAT(listed.events(), SizeIs(1));
  get.set_id(first);
  ASSERT_TRUE(stub_->GetEvent(Context().get(), get, &event).ok());
  EXPECT_EQ(listed.events(0).SerializeAsString(), event.SerializeAsString());
  list.set_mentions(true);
  ASSERT_TRUE(stub_->ListEvents(Context().get(), list, &listed).ok());
  EXPECT_THAT(listed.events(), SizeIs(4));
  list.set_mentions(false);
  list.set_min_independent_outlets(5);
  ASSERT_TRUE(stub_->ListEvents(Context().get(), list, &listed).ok());
  EXPECT_THAT(listed.events(), SizeIs(0));

  v1::AggregateEventsRequest aggregate;
  aggregate.add_group_by(v1::GROUP_BY_TYPE);
  v1::AggregateEventsResponse buckets;
  ASSERT_TRUE(stub_->AggregateEvents(Context().get(), aggregate, &buckets).ok());
  EXPECT_EQ(buckets.total_events(), 2);  // the capture and the protest
  aggregate.set_count_mentions(true);
  ASSERT_TRUE(stub_->AggregateEvents(Context().get(), aggregate, &buckets).ok());
  EXPECT_EQ(buckets.total_events(), 5);
}

TEST_F(QueryServiceTest, ListMentionsAndCorroborationFiltersRejectBadRequests) {
  Append(Capture("art_a", "reuters.com", "sudzha"));
  v1::ListMentionsRequest mentions;
  v1::ListMentionsResponse page;
  grpc::Status s = stub_->ListMentions(Context().get(), mentions, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("event_id"));

  mentions.set_event_id("evt_00000000000000ff");
  s = stub_->ListMentions(Context().get(), mentions, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "event_id: no event 'evt_00000000000000ff'");

  mentions.set_page_size(1001);
  s = stub_->ListMentions(Context().get(), mentions, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_size"));

  v1::ListEventsRequest list;
  list.set_min_articles(-2);
  v1::ListEventsResponse listed;
  s = stub_->ListEvents(Context().get(), list, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "min_articles: must not be negative, got -2");
}

TEST_F(QueryServiceTest, WatchEventsEndsWithResourceExhaustedWhenTheClientFallsBehind) {
  Stop();
  Start(/*subscriber_buffer=*/4);
  Append(Protests("art_0", 1));
  Append(Protests("art_1", 1));
  v1::WatchEventsRequest request;
  request.mutable_filter()->add_types(v1::EVENT_TYPE_PROTEST);
  request.set_from_revision(1);
  auto ctx = Context();
  auto watch = stub_->WatchEvents(ctx.get(), request);
  v1::WatchEventsResponse message;
  ASSERT_TRUE(watch->Read(&message));  // replayed: the stream is registered
  EXPECT_EQ(message.event().id(), "art_1-0");
  EXPECT_EQ(message.revision(), 2);

  Append(Protests("art_2", 10));  // revisions 3..12; only 4 fit the buffer
  std::vector<std::string> ids;
  while (watch->Read(&message)) ids.push_back(message.event().id());
  EXPECT_THAT(ids, ElementsAre("art_2-0", "art_2-1", "art_2-2", "art_2-3"));
  const grpc::Status end = watch->Finish();
  EXPECT_EQ(end.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(end.error_message(), HasSubstr("from_revision=6"));

  auto resume_ctx = Context();
  request.set_from_revision(6);
  auto resumed = stub_->WatchEvents(resume_ctx.get(), request);
  ids.clear();
  for (int i = 0; i < 6 && resumed->Read(&message); ++i) {
    ids.push_back(message.event().id());
  }
  EXPECT_THAT(ids, ElementsAre("art_2-4", "art_2-5", "art_2-6", "art_2-7",
                               "art_2-8", "art_2-9"));
  resume_ctx->TryCancel();
  resumed->Finish();
}

TEST_F(QueryServiceTest, ShutdownEndsOpenWatchStreams) {
  Append(KurskRequest());
  v1::WatchEventsRequest request;
  request.set_from_revision(8);
  auto ctx = Context();
  auto reader = stub_->WatchEvents(ctx.get(), request);
  v1::WatchEventsResponse message;
  ASSERT_TRUE(reader->Read(&message));
  service_->Shutdown();
  EXPECT_FALSE(reader->Read(&message));
  const grpc::Status s = reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_THAT(s.error_message(), HasSubstr("shutting down"));

  auto ctx2 = Context();
  auto late = stub_->WatchEvents(ctx2.get(), request);
  EXPECT_FALSE(late->Read(&message));
  EXPECT_EQ(late->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(QueryServiceTest, WatchEventsBeyondTheLimitGetResourceExhausted) {
  Stop();
  QueryServiceOptions options;
  options.max_watchers = 2;
  Start(1024, options);
  Append(KurskRequest());
  v1::WatchEventsRequest request;
  request.set_from_revision(1);  // replays the stored events: proves each is open
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::WatchEventsResponse>>> readers;
  v1::WatchEventsResponse message;
  for (int i = 0; i < 2; ++i) {
    contexts.push_back(Context());
    readers.push_back(stub_->WatchEvents(contexts.back().get(), request));
    ASSERT_TRUE(readers.back()->Read(&message));
  }
  auto ctx = Context();
  auto third = stub_->WatchEvents(ctx.get(), request);
  EXPECT_FALSE(third->Read(&message));
  const grpc::Status s = third->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(s.error_message(), HasSubstr("--max_watchers"));
  for (std::size_t i = 0; i < readers.size(); ++i) {
    contexts[i]->TryCancel();
    readers[i]->Finish();
  }
}

TEST_F(QueryServiceTest, WatchEventsRejectsBadRequests) {
  v1::WatchEventsRequest request;
  request.set_from_revision(-3);
  auto ctx = Context();
  auto reader = stub_->WatchEvents(ctx.get(), request);
  v1::WatchEventsResponse message;
  EXPECT_FALSE(reader->Read(&message));
  grpc::Status s = reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("from_revision: must not be negative, got -3"));

  v1::WatchEventsRequest bad_filter;
  bad_filter.mutable_filter()->add_modalities(static_cast<v1::Modality>(12));
  auto ctx2 = Context();
  auto reader2 = stub_->WatchEvents(ctx2.get(), bad_filter);
  EXPECT_FALSE(reader2->Read(&message));
  s = reader2->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("filter.modalities[0]: unknown modality 12"));
}

// Streams register asynchronously, so each asks for everything after the
// first stored event (from_revision 1) to make the expectation exact.
TEST_F(QueryServiceTest, ManyWatchersEachSeeEveryEvent) {
  constexpr int kWatchers = 8;
  Append(Protests("art_0", 1));
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::WatchEventsResponse>>> readers;
  for (int i = 0; i < kWatchers; ++i) {
    contexts.push_back(Context());
    v1::WatchEventsRequest r;
    r.mutable_filter()->add_types(v1::EVENT_TYPE_PROTEST);
    r.set_from_revision(1);
    readers.push_back(stub_->WatchEvents(contexts.back().get(), r));
  }
  for (int a = 1; a <= 5; ++a) Append(Protests(absl::StrCat("art_", a), 3));
  for (int i = 0; i < kWatchers; ++i) {
    v1::WatchEventsResponse message;
    std::vector<std::int64_t> revisions;
    while (revisions.size() < 15 && readers[i]->Read(&message)) {
      revisions.push_back(message.revision());
    }
    ASSERT_THAT(revisions, SizeIs(15)) << "watcher " << i;
    for (int k = 0; k < 15; ++k) EXPECT_EQ(revisions[k], k + 2);
    contexts[i]->TryCancel();
    readers[i]->Finish();
  }
}

}  // namespace
}  // namespace newsevents::query
