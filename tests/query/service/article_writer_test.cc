#include "query/service/article_writer.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "query/codec/model_codec.h"
#include "query/store/event_store.h"
#include "tests/testing/server_process.h"

namespace newsevents::query {
namespace {

v1::AppendArticleRequest Article(int i) {
  v1::AppendArticleRequest r;
  r.mutable_article()->set_id(absl::StrCat("art-", i));
  r.mutable_article()->set_title(absl::StrCat("Title ", i));
  r.mutable_article()->mutable_published_at()->set_seconds(1735257600 + i);
  for (int k = 0; k < 2; ++k) {
    v1::Event* e = r.add_events();
    e->set_id(absl::StrCat("ev-", i, "-", k));
    e->set_article_id(r.article().id());
    e->set_type(k == 0 ? v1::EVENT_TYPE_COERCE : v1::EVENT_TYPE_OUTCOME);
    e->add_actors()->set_id("country:UKR");
    e->mutable_place()->set_id("iso:RU-KRS");
    e->mutable_place()->set_country("RUS");
    e->mutable_evidence()->set_sentence(absl::StrCat("Sentence ", i, " ", k, "."));
  }
  v1::Quote* q = r.add_quotes();
  q->set_id(absl::StrCat("q-", i));
  q->set_article_id(r.article().id());
  q->set_text("words");
  return r;
}

// Everything the store holds, as protos, in revision order.
std::vector<v1::Event> AllEvents(const store::EventStore& s) {
  std::vector<v1::Event> out;
  absl::Status st = s.ExportArticles([] {}, [&](const store::ArticleInfo&,
                                                const std::vector<store::Event>& events,
                                                const std::vector<store::Quote>&) {
    for (const store::Event& e : events) codec::EncodeEvent(e, &out.emplace_back());
    return absl::OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

struct Opened {
  std::unique_ptr<store::EventStore> store = std::make_unique<store::EventStore>();
  std::unique_ptr<ArticleWriter> writer;
  RecoveryReport report;
};

Opened Open(const std::string& dir) {
  Opened o;
  ArticleWriterOptions options;
  options.data_dir = dir;
  options.snapshot_check_interval = absl::ZeroDuration();
  auto w = ArticleWriter::Open(o.store.get(), options, &o.report);
  EXPECT_TRUE(w.ok()) << w.status();
  if (w.ok()) o.writer = std::move(*w);
  return o;
}

void ExpectSameEvents(const std::vector<v1::Event>& a, const std::vector<v1::Event>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(a[i], b[i]))
        << a[i].DebugString() << "\nvs\n" << b[i].DebugString();
  }
}

TEST(ArticleWriterTest, AppendsSurviveReopenWithRevisionsAndIngestTimes) {
  const std::string dir = testing::MakeTempDir() + "/data";
  std::vector<v1::Event> before;
  {
    Opened o = Open(dir);
    for (int i = 0; i < 3; ++i) {
      auto r = o.writer->Append(Article(i));
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_FALSE(r->duplicate);
    }
    auto again = o.writer->Append(Article(1));
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->duplicate);
    before = AllEvents(*o.store);
    ASSERT_EQ(before.size(), 6u);
    EXPECT_GT(before[0].ingested_at().seconds(), 0);
  }
  Opened o = Open(dir);
  EXPECT_EQ(o.report.articles, 3);
  EXPECT_EQ(o.report.log.log_records, 3u);  // the duplicate was never logged
  ExpectSameEvents(AllEvents(*o.store), before);
}

TEST(ArticleWriterTest, SnapshotThenLogRecoverTheSameStore) {
  const std::string dir = testing::MakeTempDir() + "/data";
  std::vector<v1::Event> before;
  {
    Opened o = Open(dir);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(o.writer->Append(Article(i)).ok());
    ASSERT_TRUE(o.writer->Snapshot().ok());
    for (int i = 3; i < 5; ++i) ASSERT_TRUE(o.writer->Append(Article(i)).ok());
    before = AllEvents(*o.store);
  }
  Opened o = Open(dir);
  EXPECT_EQ(o.report.log.snapshot_records, 3u);
  EXPECT_EQ(o.report.log.log_records, 2u);
  EXPECT_EQ(o.report.articles, 5);
  ExpectSameEvents(AllEvents(*o.store), before);
}

TEST(ArticleWriterTest, InvalidAppendIsRefusedAndNotLogged) {
  const std::string dir = testing::MakeTempDir() + "/data";
  {
    Opened o = Open(dir);
    v1::AppendArticleRequest bad = Article(0);
    bad.mutable_events(0)->set_article_id("another-article");
    auto r = o.writer->Append(bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  }
  Opened o = Open(dir);
  EXPECT_EQ(o.report.log.log_records, 0u);
  EXPECT_EQ(o.report.articles, 0);
}

TEST(ArticleWriterTest, MemoryOnlyHasNoSnapshots) {
  store::EventStore store;
  auto w = ArticleWriter::Open(&store, ArticleWriterOptions{});
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE((*w)->durable());
  EXPECT_TRUE((*w)->Append(Article(0)).ok());
  EXPECT_EQ((*w)->Snapshot().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace newsevents::query
