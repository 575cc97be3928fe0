// End to end: both real binaries on free ports, talking over loopback.
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>

#include <fstream>
#include <memory>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "newsevents/v1/ingest_service.grpc.pb.h"
#include "newsevents/v1/query_service.grpc.pb.h"
#include "tests/testing/grpc_probes.h"
#include "tests/testing/server_process.h"

namespace newsevents {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using testing::ServerProcess;

std::string ReadTestFile(const std::string& name) {
  std::ifstream in(std::string(NEWSEVENTS_TESTDATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

v1::Article KurskArticle() {
  v1::Article a;
  a.set_raw(ReadTestFile("kursk-article.txt"));
  a.set_content_type("text/plain");
  return a;
}

class PairTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto query = ServerProcess::Start(
        NEWSEVENTS_QUERY_BIN, {absl::StrCat("--data_dir=", testing::MakeTempDir())});
    ASSERT_TRUE(query.ok()) << query.status();
    query_ = new ServerProcess(std::move(*query));
    auto ingest = ServerProcess::Start(
        NEWSEVENTS_INGEST_BIN, {absl::StrCat("--query_address=", query_->address())});
    ASSERT_TRUE(ingest.ok()) << ingest.status();
    ingest_ = new ServerProcess(std::move(*ingest));
  }
  static void TearDownTestSuite() {
    delete ingest_;
    delete query_;
    ingest_ = query_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(query_, nullptr);
    ASSERT_NE(ingest_, nullptr);
    ingest_stub_ = v1::IngestService::NewStub(
        grpc::CreateChannel(ingest_->address(), grpc::InsecureChannelCredentials()));
    query_stub_ = v1::QueryService::NewStub(
        grpc::CreateChannel(query_->address(), grpc::InsecureChannelCredentials()));
  }

  static ServerProcess* query_;
  static ServerProcess* ingest_;
  std::unique_ptr<v1::IngestService::Stub> ingest_stub_;
  std::unique_ptr<v1::QueryService::Stub> query_stub_;
};

ServerProcess* PairTest::query_ = nullptr;
ServerProcess* PairTest::ingest_ = nullptr;

TEST_F(PairTest, IngestedArticleIsReadableThroughTheQueryService) {
  v1::IngestArticleRequest request;
  *request.mutable_article() = KurskArticle();
  v1::IngestArticleResponse ingested;
  grpc::Status status = ingest_stub_->IngestArticle(Context().get(), request, &ingested);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_THAT(ingested.article_id(), ::testing::StartsWith("art_"));
  ASSERT_GE(ingested.events_size(), 2);
  EXPECT_EQ(ingested.article().title(),
            "North Korean Soldier Captured by Ukraine Dies Amidst Allegations of "
            "Russia Concealing Military Losses");

  // The capture (E1) is there, in Kursk Oblast, dated 2024-12-26.
  bool found_capture = false;
  for (const v1::Event& e : ingested.events()) {
    if (e.type() == v1::EVENT_TYPE_COERCE && e.mode() == "capture") {
      found_capture = true;
      EXPECT_EQ(e.place().id(), "iso:RU-KRS");
      EXPECT_EQ(e.when().start().seconds(), 1735171200);  // 2024-12-26T00:00Z
    }
  }
  EXPECT_TRUE(found_capture);

  v1::ListEventsRequest list;
  list.mutable_filter()->add_article_ids(ingested.article_id());
  // Every modality, so that the count matches what was extracted.
  for (int m = 1; m <= 8; ++m) list.mutable_filter()->add_modalities(static_cast<v1::Modality>(m));
  list.set_page_size(1000);
  v1::ListEventsResponse listed;
  status = query_stub_->ListEvents(Context().get(), list, &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_THAT(listed.events(), SizeIs(ingested.events_size()));
  std::set<std::string> ids;
  for (const v1::Event& e : listed.events()) ids.insert(e.id());
  for (const v1::Event& e : ingested.events()) {
    EXPECT_THAT(ids, Contains(e.id()));
    v1::GetEventRequest get;
    get.set_id(e.id());
    v1::Event got;
    status = query_stub_->GetEvent(Context().get(), get, &got);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(got.type(), e.type());
    EXPECT_EQ(got.article_id(), ingested.article_id());
    EXPECT_EQ(got.evidence().sentence(), e.evidence().sentence());
  }

  // A retry of the same article is stored once.
  v1::IngestArticleResponse again;
  status = ingest_stub_->IngestArticle(Context().get(), request, &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.article_id(), ingested.article_id());
}

// The example: North Korean casualties in Kursk Oblast, the NIS and
// Zelenskyy side by side.
TEST_F(PairTest, FiguresOfTheKurskArticleStandSideBySideBySource) {
  v1::IngestArticleRequest request;
  *request.mutable_article() = KurskArticle();
  v1::IngestArticleResponse ingested;
  grpc::Status status = ingest_stub_->IngestArticle(Context().get(), request, &ingested);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::ListFiguresRequest figures;
  figures.mutable_filter()->add_place_ids("iso:RU-KRS");
  figures.add_counted_ids("country:PRK");
  figures.add_kinds(v1::FIGURE_KIND_KILLED);
  figures.add_kinds(v1::FIGURE_KIND_INJURED);
  figures.add_kinds(v1::FIGURE_KIND_KILLED_OR_INJURED);
  v1::ListFiguresResponse response;
  status = query_stub_->ListFigures(Context().get(), figures, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::map<std::string, std::vector<std::pair<int, std::int64_t>>> by_source;
  for (const v1::SourceFigures& s : response.sources()) {
    for (const v1::SourcedFigure& f : s.figures()) {
      by_source[s.source().name()].push_back({f.figure().kind(), f.figure().low()});
    }
  }
  const auto& nis = by_source["National Intelligence Service"];
  EXPECT_THAT(nis, Contains(std::make_pair(static_cast<int>(v1::FIGURE_KIND_KILLED),
                                           std::int64_t{101})));
  EXPECT_THAT(nis, Contains(std::make_pair(static_cast<int>(v1::FIGURE_KIND_INJURED),
                                           std::int64_t{1000})));
  EXPECT_THAT(by_source["Volodymyr Zelenskyy"],
              Contains(std::make_pair(static_cast<int>(v1::FIGURE_KIND_KILLED_OR_INJURED),
                                      std::int64_t{3001})));
}

TEST_F(PairTest, BulkStreamAnswersEachArticleInOrder) {
  grpc::ClientContext ctx;
  auto stream = ingest_stub_->IngestArticles(&ctx);
  const int kArticles = 6;
  for (int i = 0; i < kArticles; ++i) {
    v1::IngestArticlesRequest r;
    if (i == 3) {
      r.mutable_article()->set_title("no body");  // invalid on purpose
    } else {
      r.mutable_article()->set_id(absl::StrCat("bulk-", i));
      r.mutable_article()->set_body(absl::StrCat(
          "Russian forces shelled the city of Kharkiv on Monday, officials said. ",
          "Article number ", i, "."));
    }
    ASSERT_TRUE(stream->Write(r));
  }
  stream->WritesDone();
  v1::IngestArticlesResponse response;
  int n = 0;
  while (stream->Read(&response)) {
    EXPECT_EQ(response.index(), n);
    if (n == 3) {
      EXPECT_EQ(response.status_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_THAT(response.status_message(), HasSubstr("article[3].body"));
    } else {
      EXPECT_EQ(response.status_code(), 0) << response.status_message();
      EXPECT_EQ(response.article_id(), absl::StrCat("bulk-", n));
    }
    ++n;
  }
  EXPECT_EQ(n, kArticles);
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(PairTest, BadInputGetsSpecificStatuses) {
  v1::IngestArticleRequest empty;
  v1::IngestArticleResponse r;
  grpc::Status s = ingest_stub_->IngestArticle(Context().get(), empty, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("article"));

  v1::IngestArticleRequest unknown_type;
  unknown_type.mutable_article()->set_raw("hello");
  unknown_type.mutable_article()->set_content_type("application/pdf");
  s = ingest_stub_->IngestArticle(Context().get(), unknown_type, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("application/pdf"));

  v1::IngestArticleRequest bad_id;
  bad_id.mutable_article()->set_id("has space");
  bad_id.mutable_article()->set_body("Text.");
  s = ingest_stub_->IngestArticle(Context().get(), bad_id, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("article.id"));

  v1::GetEventRequest missing;
  missing.set_id("ev_0000000000000000");
  v1::Event e;
  s = query_stub_->GetEvent(Context().get(), missing, &e);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);

  v1::ListEventsRequest bad_page;
  bad_page.set_page_size(5000);
  v1::ListEventsResponse l;
  s = query_stub_->ListEvents(Context().get(), bad_page, &l);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_size"));

  v1::ListEventsRequest bad_token;
  bad_token.set_page_token("not-a-token");
  s = query_stub_->ListEvents(Context().get(), bad_token, &l);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_token"));
}

// Reflection as grpcurl uses it, on a plaintext channel to `address`.
std::set<std::string> ListServices(const std::string& address) {
  return testing::ReflectedServices(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}
bool DescribesSymbol(const std::string& address, const std::string& symbol) {
  return testing::ReflectionDescribes(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()), symbol);
}

TEST_F(PairTest, ReflectionDescribesEveryServiceOnBothServers) {
  const std::set<std::string> ingest = ListServices(ingest_->address());
  EXPECT_THAT(ingest, Contains("newsevents.v1.IngestService"));
  EXPECT_THAT(ingest, Contains("grpc.health.v1.Health"));
  EXPECT_THAT(ingest, Contains("grpc.reflection.v1alpha.ServerReflection"));
  const std::set<std::string> query = ListServices(query_->address());
  EXPECT_THAT(query, Contains("newsevents.v1.QueryService"));
  EXPECT_THAT(query, Contains("grpc.health.v1.Health"));
  for (const auto& [address, symbol] :
       {std::pair{ingest_->address(), "newsevents.v1.IngestService"},
        std::pair{ingest_->address(), "grpc.health.v1.Health"},
        std::pair{query_->address(), "newsevents.v1.QueryService"},
        std::pair{query_->address(), "grpc.health.v1.Health"}}) {
    EXPECT_TRUE(DescribesSymbol(address, symbol)) << address << " " << symbol;
  }
}

TEST_F(PairTest, HealthReportsServing) {
  for (const std::string& address : {ingest_->address(), query_->address()}) {
    auto stub = grpc::health::v1::Health::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status s = stub->Check(Context().get(), grpc::health::v1::HealthCheckRequest(), &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
  // The --health_check probe mode agrees.
  for (const auto& [binary, port] :
       {std::pair{std::string(NEWSEVENTS_INGEST_BIN), ingest_->port()},
        std::pair{std::string(NEWSEVENTS_QUERY_BIN), query_->port()}}) {
    const std::string cmd = absl::StrCat(binary, " --health_check --host=127.0.0.1 --port=",
                                         port, " > /dev/null 2>&1");
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
}

TEST(PairWithoutQuery, IngestAnswersUnavailableAndStoresNothing) {
  // A query address where nothing listens.
  auto ingest = ServerProcess::Start(
      NEWSEVENTS_INGEST_BIN, {"--query_address=127.0.0.1:1", "--deadline_seconds=2"});
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  auto stub = v1::IngestService::NewStub(
      grpc::CreateChannel(ingest->address(), grpc::InsecureChannelCredentials()));
  v1::IngestArticleRequest request;
  *request.mutable_article() = KurskArticle();
  v1::IngestArticleResponse response;
  grpc::Status s = stub->IngestArticle(Context().get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("retry"));
  EXPECT_EQ(response.events_size(), 0);
}

TEST(PairShutdown, SigtermDrainsAndExitsCleanly) {
  auto query = ServerProcess::Start(NEWSEVENTS_QUERY_BIN, {"--data_dir="});
  ASSERT_TRUE(query.ok()) << query.status();
  const int status = query->Stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << query->Log();
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_THAT(query->Log(), HasSubstr("stopped"));
}

}  // namespace
}  // namespace newsevents
