// The replicated event log end to end, against real nats-server processes
// on loopback: the ingest side's JetStream log publishes, query replicas
// follow the stream into their stores.
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "ingest/service/event_log.h"
#include "query/replication/jetstream.h"
#include "query/service/article_writer.h"
#include "query/service/log_follower.h"
#include "query/store/event_store.h"
#include "tests/testing/nats_process.h"
#include "tests/testing/server_process.h"

namespace newsevents::query {
namespace {

using replication::JetStream;
using replication::JetStreamOptions;

using newsevents::testing::FreePort;
using newsevents::testing::kNatsServer;
using newsevents::testing::NatsNode;

v1::AppendArticleRequest Article(int i) {
  v1::AppendArticleRequest r;
  r.mutable_article()->set_id(absl::StrCat("art-", i));
  r.mutable_article()->set_title(absl::StrCat("Title ", i));
  r.mutable_article()->set_outlet(absl::StrCat("outlet", i % 3));
  r.mutable_article()->mutable_published_at()->set_seconds(1735257600 + i * 3600);
  v1::Event* e = r.add_events();
  e->set_id(absl::StrCat("ev-", i));
  e->set_article_id(r.article().id());
  e->set_type(i % 2 == 0 ? v1::EVENT_TYPE_COERCE : v1::EVENT_TYPE_ASSAULT);
  e->add_actors()->set_id(absl::StrCat("country:A", i % 5));
  e->mutable_place()->set_id("iso:RU-KRS");
  e->mutable_place()->set_country("RUS");
  e->mutable_evidence()->set_sentence(absl::StrCat("Sentence number ", i, "."));
  return r;
}

absl::Time Deadline() { return absl::Now() + absl::Seconds(30); }

// A replica: a store, its writer (on `dir`, or memory-only) and follower.
struct Replica {
  Replica(const JetStreamOptions& js, const std::string& dir) {
    ArticleWriterOptions options;
    options.data_dir = dir;
    options.replica = true;
    options.snapshot_check_interval = absl::ZeroDuration();
    auto w = ArticleWriter::Open(store.get(), options);
    EXPECT_TRUE(w.ok()) << w.status();
    writer = std::move(*w);
    LogFollowerOptions follow;
    follow.jetstream = js;
    follow.retry_interval = absl::Milliseconds(100);
    follower = LogFollower::Start(writer.get(), follow);
  }
  // Waits until `n` messages are applied.
  bool WaitApplied(std::uint64_t n, absl::Duration timeout = absl::Seconds(60)) {
    const absl::Time end = absl::Now() + timeout;
    while (absl::Now() < end) {
      if (follower->progress().applied >= n) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  }
  std::unique_ptr<store::EventStore> store = std::make_unique<store::EventStore>();
  std::unique_ptr<ArticleWriter> writer;
  std::unique_ptr<LogFollower> follower;
};

class SingleNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kNatsServer))
        << kNatsServer << " is missing: install Debian's nats-server package "
        << "(deploy/scripts/install-deps.sh --test)";
    dir_ = newsevents::testing::MakeTempDir();
    node_ = std::make_unique<NatsNode>("n1", dir_, FreePort(), 0, std::vector<int>{});
    node_->Start();
    options_.urls = {node_->url()};
    options_.replicas = 1;
    options_.stream = "TESTLOG";
    // The server needs a moment to listen.
    for (int i = 0; i < 100; ++i) {
      auto js = JetStream::Connect(options_);
      if (js.ok() && (*js)->EnsureStream().ok()) return;
      absl::SleepFor(absl::Milliseconds(50));
    }
    FAIL() << "nats-server did not start";
  }
  void TearDown() override {
    node_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<ingest::EventLog> Log() {
    auto js = JetStream::Connect(options_);
    EXPECT_TRUE(js.ok()) << js.status();
    return ingest::NewJetStreamLog(std::move(*js));
  }

  std::string dir_;
  std::unique_ptr<NatsNode> node_;
  JetStreamOptions options_;
};

TEST(EventLogFlagTest, ParsesEmbeddedAndUrlLists) {
  EXPECT_TRUE(replication::ParseEventLogFlag("embedded")->empty());
  EXPECT_TRUE(replication::ParseEventLogFlag("")->empty());
  auto urls = replication::ParseEventLogFlag("nats://a:4222, nats://b:4222");
  ASSERT_TRUE(urls.ok());
  EXPECT_EQ(*urls, (std::vector<std::string>{"nats://a:4222", "nats://b:4222"}));
  auto bad = replication::ParseEventLogFlag("nats://a:4222,kafka://b");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("kafka://b"), std::string::npos);
}

TEST(EventLogFlagTest, ShardsAreStableAndSpread) {
  EXPECT_EQ(replication::ShardOf("art-1", 1), 0);
  std::vector<int> counts(4);
  for (int i = 0; i < 400; ++i) ++counts[replication::ShardOf(absl::StrCat("art-", i), 4)];
  for (int c : counts) EXPECT_GT(c, 60);
  EXPECT_EQ(replication::ShardOf("art-7", 4), replication::ShardOf("art-7", 4));
  EXPECT_EQ(replication::ArticleSubject("NEWSEVENTS", 3), "newsevents.articles.3");
}

TEST_F(SingleNodeTest, ARetriedArticleIsStoredOnce) {
  std::unique_ptr<ingest::EventLog> log = Log();
  auto first = log->Append(Article(1), Deadline());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->duplicate());
  EXPECT_EQ(first->log_sequence(), 1u);
  EXPECT_EQ(first->article_id(), "art-1");
  auto again = log->Append(Article(1), Deadline());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate());
  EXPECT_EQ(again->log_sequence(), 1u);
  auto js = JetStream::Connect(options_);
  ASSERT_TRUE(js.ok());
  EXPECT_EQ(*(*js)->LastSequence(), 1u);
}

TEST_F(SingleNodeTest, AnInvalidArticleIsRefusedBeforeTheLog) {
  std::unique_ptr<ingest::EventLog> log = Log();
  v1::AppendArticleRequest bad = Article(2);
  bad.mutable_article()->clear_id();
  auto result = log->Append(bad, Deadline());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
  auto js = JetStream::Connect(options_);
  ASSERT_TRUE(js.ok());
  EXPECT_EQ(*(*js)->LastSequence(), 0u);
}

TEST_F(SingleNodeTest, AReplicaRefusesDirectAppends) {
  Replica replica(options_, "");
  auto result = replica.writer->Append(Article(3));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SingleNodeTest, ReplicasApplyInOrderWithTheLogsIngestTimes) {
  std::unique_ptr<ingest::EventLog> log = Log();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(log->Append(Article(i), Deadline()).ok());
  Replica a(options_, "");
  Replica b(options_, "");
  ASSERT_TRUE(a.follower->WaitForCatchUp(absl::Seconds(30)));
  ASSERT_TRUE(b.follower->WaitForCatchUp(absl::Seconds(30)));
  EXPECT_EQ(a.follower->progress().applied, 20u);
  EXPECT_EQ(a.store->GetStats().articles, 20);
  // Later messages arrive on the open stream.
  for (int i = 20; i < 25; ++i) ASSERT_TRUE(log->Append(Article(i), Deadline()).ok());
  ASSERT_TRUE(a.WaitApplied(25));
  ASSERT_TRUE(b.WaitApplied(25));
  for (int i = 0; i < 25; ++i) {
    auto in_a = a.store->GetArticle(absl::StrCat("art-", i));
    auto in_b = b.store->GetArticle(absl::StrCat("art-", i));
    ASSERT_TRUE(in_a.ok() && in_b.ok()) << i;
    // The ingest time is the log's, the same on every replica.
    EXPECT_EQ(in_a->ingested_at, in_b->ingested_at) << i;
  }
  EXPECT_EQ(a.store->revision(), b.store->revision());
  EXPECT_EQ(a.follower->progress().pending, 0u);
  EXPECT_EQ(a.follower->progress().rejected, 0u);
}

TEST_F(SingleNodeTest, ARestartedReplicaResumesAfterItsPosition) {
  std::unique_ptr<ingest::EventLog> log = Log();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(log->Append(Article(i), Deadline()).ok());
  const std::string data = dir_ + "/replica";
  {
    Replica r(options_, data);
    ASSERT_TRUE(r.WaitApplied(10));
    // A snapshot covers the first ten; the rest go to the log segments.
    ASSERT_TRUE(r.writer->Snapshot().ok());
    for (int i = 10; i < 15; ++i) ASSERT_TRUE(log->Append(Article(i), Deadline()).ok());
    ASSERT_TRUE(r.WaitApplied(15));
  }
  for (int i = 15; i < 18; ++i) ASSERT_TRUE(log->Append(Article(i), Deadline()).ok());
  ArticleWriterOptions options;
  options.data_dir = data;
  options.replica = true;
  options.snapshot_check_interval = absl::ZeroDuration();
  {
    // What the data folder alone says.
    store::EventStore store;
    auto writer = ArticleWriter::Open(&store, options);
    ASSERT_TRUE(writer.ok()) << writer.status();
    EXPECT_EQ((*writer)->log_position(), 15u);
    EXPECT_EQ(store.GetStats().articles, 15);
  }
  {
    Replica r(options_, data);
    ASSERT_TRUE(r.follower->WaitForCatchUp(absl::Seconds(30)));
    EXPECT_EQ(r.follower->progress().applied, 18u);
    EXPECT_EQ(r.store->GetStats().articles, 18);
    // Resumed, not replayed: every article applied once, none refused.
    EXPECT_EQ(r.follower->progress().rejected, 0u);
    // Now a snapshot covers everything and the log segments are empty: the
    // position must come from the snapshot alone.
    ASSERT_TRUE(r.writer->Snapshot().ok());
  }
  store::EventStore store;
  auto writer = ArticleWriter::Open(&store, options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  EXPECT_EQ((*writer)->log_position(), 18u);
  EXPECT_EQ(store.GetStats().articles, 18);
}

TEST_F(SingleNodeTest, AReplicaWaitsForTheLogAndCatchesUpWhenItReturns) {
  std::unique_ptr<ingest::EventLog> log = Log();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log->Append(Article(i), Deadline()).ok());
  log.reset();
  node_->Kill();
  Replica r(options_, "");
  EXPECT_FALSE(r.follower->WaitForCatchUp(absl::Milliseconds(500)));
  EXPECT_FALSE(r.follower->progress().error.empty());
  node_->Start();  // same store folder: the stream is still there
  ASSERT_TRUE(r.follower->WaitForCatchUp(absl::Seconds(30)));
  EXPECT_EQ(r.store->GetStats().articles, 5);
}

TEST_F(SingleNodeTest, AReplicaAheadOfARecreatedStreamSaysSoAndKeepsItsData) {
  std::unique_ptr<ingest::EventLog> log = Log();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log->Append(Article(i), Deadline()).ok());
  log.reset();
  const std::string data = dir_ + "/replica";
  {
    Replica r(options_, data);
    ASSERT_TRUE(r.WaitApplied(5));
  }
  // The stream is lost with its server's store and made again, empty.
  node_->Kill();
  std::filesystem::remove_all(dir_ + "/js");
  node_->Start();
  Replica r(options_, data);
  EXPECT_FALSE(r.follower->WaitForCatchUp(absl::Seconds(2)));
  EXPECT_NE(r.follower->progress().error.find("recreated"), std::string::npos)
      << r.follower->progress().error;
  EXPECT_EQ(r.store->GetStats().articles, 5);
  EXPECT_EQ(r.writer->log_position(), 5u);
}

// Three servers, a stream with three copies: losing one server loses no
// acknowledged article, and publishing goes on.
TEST(ClusterTest, AcknowledgedArticlesSurviveTheLossOfOneServer) {
  ASSERT_TRUE(std::filesystem::exists(kNatsServer)) << kNatsServer << " is missing";
  const std::string dir = newsevents::testing::MakeTempDir();
  const int cport[3] = {FreePort(), FreePort(), FreePort()};
  std::vector<std::unique_ptr<NatsNode>> nodes;
  JetStreamOptions options;
  options.stream = "CLUSTERLOG";
  options.replicas = 3;
  for (int i = 0; i < 3; ++i) {
    std::filesystem::create_directories(absl::StrCat(dir, "/n", i));
    std::vector<int> routes;
    for (int k = 0; k < 3; ++k) if (k != i) routes.push_back(cport[k]);
    nodes.push_back(std::make_unique<NatsNode>(absl::StrCat("n", i), absl::StrCat(dir, "/n", i),
                                               FreePort(), cport[i], routes));
    nodes.back()->Start();
    options.urls.push_back(nodes.back()->url());
  }
  // The cluster elects a meta leader before the stream can be made.
  absl::Status made = absl::UnavailableError("not tried");
  for (int i = 0; i < 300 && !made.ok(); ++i) {
    auto js = JetStream::Connect(options);
    made = js.ok() ? (*js)->EnsureStream() : js.status();
    if (!made.ok()) absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(made.ok()) << made;
  auto js = JetStream::Connect(options);
  ASSERT_TRUE(js.ok());
  std::unique_ptr<ingest::EventLog> log = ingest::NewJetStreamLog(std::move(*js), 2);
  Replica replica(options, "");
  int acked = 0;
  for (int i = 0; i < 30; ++i) {
    auto r = log->Append(Article(i), Deadline());
    ASSERT_TRUE(r.ok()) << r.status();
    ++acked;
  }
  nodes[1]->Kill();
  for (int i = 30; i < 60; ++i) {
    auto r = log->Append(Article(i), Deadline());
    ASSERT_TRUE(r.ok()) << i << ": " << r.status();
    ++acked;
  }
  nodes[1]->Start();
  ASSERT_TRUE(replica.WaitApplied(60));
  EXPECT_EQ(replica.store->GetStats().articles, acked);
  // A replica started after the loss reads the same log.
  Replica late(options, "");
  ASSERT_TRUE(late.follower->WaitForCatchUp(absl::Seconds(60)));
  EXPECT_EQ(late.store->GetStats().articles, acked);
  EXPECT_EQ(late.store->revision(), replica.store->revision());
  replica.follower.reset();
  late.follower.reset();
  log.reset();
  nodes.clear();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace newsevents::query
