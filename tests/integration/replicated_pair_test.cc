// The pair with a replicated event log, as users run it: the real binaries
// with --event_log naming a nats-server on loopback. The ingest service
// publishes; two query replicas apply the stream, report their progress in
// GetStats, refuse direct appends, and one restarted on its data folder
// resumes where it stopped.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "newsevents/v1/ingest_service.grpc.pb.h"
#include "newsevents/v1/query_service.grpc.pb.h"
#include "tests/testing/grpc_probes.h"
#include "tests/testing/nats_process.h"
#include "tests/testing/server_process.h"

namespace newsevents {
namespace {

using testing::ServerProcess;

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

v1::Article KurskArticle() {
  std::ifstream in(std::string(NEWSEVENTS_TESTDATA_DIR) + "/kursk-article.txt", std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  v1::Article a;
  a.set_raw(s.str());
  a.set_content_type("text/plain");
  return a;
}

v1::GetStatsResponse Stats(const ServerProcess& query) {
  auto stub = v1::QueryService::NewStub(
      grpc::CreateChannel(query.address(), grpc::InsecureChannelCredentials()));
  v1::GetStatsResponse stats;
  grpc::Status s = stub->GetStats(Context().get(), v1::GetStatsRequest(), &stats);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return stats;
}

// Waits until the replica applied `n` messages.
bool WaitApplied(const ServerProcess& query, std::uint64_t n) {
  for (int i = 0; i < 300; ++i) {
    if (Stats(query).applied_sequence() >= n) return true;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return false;
}

TEST(ReplicatedPairTest, IngestPublishesAndReplicasApplyTheLog) {
  ASSERT_TRUE(std::filesystem::exists(testing::kNatsServer))
      << testing::kNatsServer << " is missing: install Debian's nats-server package "
      << "(deploy/scripts/install-deps.sh --test)";
  const std::string dir = testing::MakeTempDir();
  testing::NatsNode nats("n1", dir, testing::FreePort());
  nats.Start();
  const std::vector<std::string> log_flags = {absl::StrCat("--event_log=", nats.url()),
                                              "--nats_replicas=1"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), log_flags.begin(), log_flags.end());
    return args;
  };
  const std::string data = dir + "/replica-a";
  auto a = ServerProcess::Start(NEWSEVENTS_QUERY_BIN,
                                with({"--replica_name=a", "--data_dir=" + data}));
  ASSERT_TRUE(a.ok()) << a.status();
  auto b = ServerProcess::Start(NEWSEVENTS_QUERY_BIN, with({"--replica_name=b", "--data_dir="}));
  ASSERT_TRUE(b.ok()) << b.status();
  auto ingest = ServerProcess::Start(NEWSEVENTS_INGEST_BIN, with({}));
  ASSERT_TRUE(ingest.ok()) << ingest.status();

  auto ingest_stub = v1::IngestService::NewStub(
      grpc::CreateChannel(ingest->address(), grpc::InsecureChannelCredentials()));
  v1::IngestArticleRequest request;
  *request.mutable_article() = KurskArticle();
  v1::IngestArticleResponse first;
  grpc::Status s = ingest_stub->IngestArticle(Context().get(), request, &first);
  ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << ingest->Log();
  EXPECT_FALSE(first.duplicate());
  ASSERT_GT(first.events_size(), 0);

  for (const ServerProcess* q : {&*a, &*b}) {
    ASSERT_TRUE(WaitApplied(*q, 1)) << q->Log();
    const v1::GetStatsResponse stats = Stats(*q);
    EXPECT_EQ(stats.event_log(), "nats");
    EXPECT_EQ(stats.articles(), 1);
    EXPECT_EQ(stats.events(), first.events_size());
    EXPECT_EQ(stats.applied_sequence(), 1u);
    EXPECT_EQ(stats.lag(), 0u);
    EXPECT_TRUE(testing::HealthServing(
        grpc::CreateChannel(q->address(), grpc::InsecureChannelCredentials())));
  }

  // A retry is answered as a duplicate and not logged again.
  v1::IngestArticleResponse again;
  s = ingest_stub->IngestArticle(Context().get(), request, &again);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(again.duplicate());

  // Replicas take articles only from the log.
  auto query_stub = v1::QueryService::NewStub(
      grpc::CreateChannel(b->address(), grpc::InsecureChannelCredentials()));
  v1::AppendArticleRequest direct;
  direct.mutable_article()->set_id("art-direct");
  v1::AppendArticleResponse direct_response;
  s = query_stub->AppendArticle(Context().get(), direct, &direct_response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_NE(s.error_message().find("ingest service"), std::string::npos) << s.error_message();

  // Replica a dies hard; an article arrives meanwhile; on its data folder it
  // resumes after message 1 and applies message 2 only.
  a->Stop(SIGKILL);
  v1::IngestArticleRequest second = request;
  second.mutable_article()->set_raw(
      absl::StrCat(request.article().raw(), "\nA second edition adds this line.\n"));
  v1::IngestArticleResponse second_response;
  s = ingest_stub->IngestArticle(Context().get(), second, &second_response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_NE(second_response.article_id(), first.article_id());
  auto restarted = ServerProcess::Start(NEWSEVENTS_QUERY_BIN,
                                        with({"--replica_name=a", "--data_dir=" + data}));
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  ASSERT_TRUE(WaitApplied(*restarted, 2)) << restarted->Log();
  EXPECT_EQ(Stats(*restarted).articles(), 2);
  EXPECT_NE(restarted->Log().find("from message 2"), std::string::npos) << restarted->Log();
  ASSERT_TRUE(WaitApplied(*b, 2));
  EXPECT_EQ(Stats(*b).revision(), Stats(*restarted).revision());
  std::filesystem::remove_all(dir);
}

// The router binary over two query services: summed stats, lookups that
// find the shard, health and reflection like any query service.
TEST(RouterBinaryTest, MergesTwoShards) {
  std::vector<ServerProcess> shards;
  for (int i = 0; i < 2; ++i) {
    auto shard = ServerProcess::Start(NEWSEVENTS_QUERY_BIN, {"--data_dir="});
    ASSERT_TRUE(shard.ok()) << shard.status();
    shards.push_back(std::move(*shard));
  }
  for (int i = 0; i < 2; ++i) {
    auto stub = v1::QueryService::NewStub(
        grpc::CreateChannel(shards[i].address(), grpc::InsecureChannelCredentials()));
    v1::AppendArticleRequest a;
    a.mutable_article()->set_id(absl::StrCat("art-shard-", i));
    v1::Event* e = a.add_events();
    e->set_id(absl::StrCat("ev-shard-", i));
    e->set_article_id(a.article().id());
    e->set_type(v1::EVENT_TYPE_ASSAULT);
    e->mutable_evidence()->set_sentence("A sentence.");
    v1::AppendArticleResponse r;
    grpc::Status s = stub->AppendArticle(Context().get(), a, &r);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  auto router = ServerProcess::Start(
      NEWSEVENTS_QUERY_BIN,
      {absl::StrCat("--route_to=", shards[0].address(), ",", shards[1].address())});
  ASSERT_TRUE(router.ok()) << router.status();
  auto channel = grpc::CreateChannel(router->address(), grpc::InsecureChannelCredentials());
  EXPECT_TRUE(testing::HealthServing(channel));
  EXPECT_TRUE(testing::ReflectionDescribes(channel, "newsevents.v1.QueryService"));
  const v1::GetStatsResponse stats = Stats(*router);
  EXPECT_EQ(stats.articles(), 2);
  EXPECT_EQ(stats.event_log(), "router");
  auto stub = v1::QueryService::NewStub(channel);
  v1::GetEventRequest request;
  request.set_id("ev-shard-1");
  v1::Event event;
  grpc::Status s = stub->GetEvent(Context().get(), request, &event);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(event.article_id(), "art-shard-1");
  v1::ListEventsRequest list;
  list.set_page_size(1);
  v1::ListEventsResponse page;
  s = stub->ListEvents(Context().get(), list, &page);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(page.events_size(), 1);
  EXPECT_FALSE(page.next_page_token().empty());
}

}  // namespace
}  // namespace newsevents
