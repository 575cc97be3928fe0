#include "query/store/subscription.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kursk_fixture.h"
#include "query/store/clock.h"
#include "query/store/event_store.h"

namespace newsevents::query::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::newsevents::query::store::testing;  // NOLINT: fixtures

// An article of `n` PROTEST events with ids "<article>-<i>".
struct Batch {
  ArticleInfo article;
  std::vector<Event> events;
};
Batch Protests(const std::string& article_id, int n) {
  Batch b;
  b.article.id = article_id;
  for (int i = 0; i < n; ++i) {
    Event e;
    e.id = absl::StrCat(article_id, "-", i);
    e.type = EventType::kProtest;
    e.when = OnDay(2024, 5, 1 + i % 28);
    e.modality = Modality::kAsserted;
    b.events.push_back(std::move(e));
  }
  return b;
}

// Drains what is ready now.
std::vector<std::string> DrainIds(Subscription& sub) {
  std::vector<std::string> ids;
  while (true) {
    auto next = sub.Next();
    if (!next.ok() || !next->has_value()) break;
    ids.push_back((*next)->id);
  }
  return ids;
}

class SubscriptionTest : public ::testing::Test {
 protected:
  SubscriptionTest() : clock_(Day(2025, 2, 1)) {}
  std::unique_ptr<EventStore> MakeStore(std::size_t buffer = 1024) {
    return std::make_unique<EventStore>(EventStoreOptions{&clock_, buffer});
  }
  ManualClock clock_;
};

TEST_F(SubscriptionTest, DeliversMatchingEventsStoredAfterSubscribing) {
  auto store = MakeStore();
  std::atomic<int> ready{0};
  EventFilter filter;
  filter.types = {EventType::kOutcome};
  auto sub = store->Subscribe(filter, 0, [&] { ++ready; });
  ASSERT_TRUE(sub.ok()) << sub.status();
  auto none = (*sub)->Next();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  ASSERT_TRUE(store->AppendArticle(KurskArticle(), KurskEvents(), KurskQuotes()).ok());
  EXPECT_GE(ready.load(), 1);
  auto first = (*sub)->Next();
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->id, "kursk-e2");
  EXPECT_EQ((*first)->revision, 2);
  EXPECT_EQ((*first)->published_at, Day(2024, 12, 27));
  EXPECT_THAT(DrainIds(**sub), ElementsAre("kursk-e8", "kursk-e9"));
}

TEST_F(SubscriptionTest, ReplaysFromARevisionThenGoesLive) {
  auto store = MakeStore();
  ASSERT_TRUE(store->AppendArticle(KurskArticle(), KurskEvents(), KurskQuotes()).ok());
  EventFilter filter;
  filter.place_ids = {"iso:RU-KRS"};
  auto sub = store->Subscribe(filter, 3, [] {});
  ASSERT_TRUE(sub.ok());
  ASSERT_TRUE(store->AppendArticle(SudzhaArticle(), SudzhaEvents(), {}).ok());
  EXPECT_THAT(DrainIds(**sub), ElementsAre("kursk-e6", "kursk-e7", "kursk-e8",
                                           "kursk-e9", "sudzha-e1"));
}

TEST_F(SubscriptionTest, OverflowEndsWithResourceExhaustedAndTheResumeRevision) {
  auto store = MakeStore(/*buffer=*/4);
  auto sub = store->Subscribe({}, 0, [] {});
  ASSERT_TRUE(sub.ok());
  Batch b = Protests("art_a", 10);
  ASSERT_TRUE(store->AppendArticle(b.article, b.events, {}).ok());
  EXPECT_THAT(DrainIds(**sub),
              ElementsAre("art_a-0", "art_a-1", "art_a-2", "art_a-3"));
  auto end = (*sub)->Next();
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(end.status().message(), HasSubstr("from_revision=4"));
  EXPECT_EQ((*sub)->resume_revision(), 4);
  // Ended for good, even when more events arrive.
  Batch c = Protests("art_c", 1);
  ASSERT_TRUE(store->AppendArticle(c.article, c.events, {}).ok());
  EXPECT_EQ((*sub)->Next().status().code(), absl::StatusCode::kResourceExhausted);

  auto resumed = store->Subscribe({}, (*sub)->resume_revision(), [] {});
  ASSERT_TRUE(resumed.ok());
  EXPECT_THAT(DrainIds(**resumed),
              ElementsAre("art_a-4", "art_a-5", "art_a-6", "art_a-7", "art_a-8",
                          "art_a-9", "art_c-0"));
}

TEST_F(SubscriptionTest, CancelEndsAtOnceAndNotifies) {
  auto store = MakeStore();
  std::atomic<int> ready{0};
  auto sub = store->Subscribe({}, 0, [&] { ++ready; });
  ASSERT_TRUE(sub.ok());
  Batch b = Protests("art_a", 3);
  ASSERT_TRUE(store->AppendArticle(b.article, b.events, {}).ok());
  const int before = ready.load();
  (*sub)->Cancel(absl::CancelledError("server is shutting down"));
  EXPECT_EQ(ready.load(), before + 1);
  auto next = (*sub)->Next();
  EXPECT_EQ(next.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(next.status().message(), "server is shutting down");
}

TEST_F(SubscriptionTest, NoCallbackAfterDestruction) {
  auto store = MakeStore();
  std::atomic<int> ready{0};
  auto sub = store->Subscribe({}, 0, [&] { ++ready; });
  ASSERT_TRUE(sub.ok());
  sub->reset();
  Batch b = Protests("art_a", 3);
  ASSERT_TRUE(store->AppendArticle(b.article, b.events, {}).ok());
  EXPECT_EQ(ready.load(), 0);
}

TEST_F(SubscriptionTest, FromRevisionAheadOfTheStoreSkipsUpToIt) {
  auto store = MakeStore();
  auto sub = store->Subscribe({}, 2, [] {});
  ASSERT_TRUE(sub.ok());
  Batch b = Protests("art_a", 4);
  ASSERT_TRUE(store->AppendArticle(b.article, b.events, {}).ok());
  EXPECT_THAT(DrainIds(**sub), ElementsAre("art_a-2", "art_a-3"));
}

TEST_F(SubscriptionTest, RejectsNegativeFromRevision) {
  auto store = MakeStore();
  auto sub = store->Subscribe({}, -1, [] {});
  EXPECT_EQ(sub.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(sub.status().message(), HasSubstr("from_revision"));
}

// A subscriber joining while a writer appends, replaying from revision 1,
// sees every later revision exactly once and in order; readers run alongside.
TEST_F(SubscriptionTest, ConcurrentAppendsAreNeitherMissedNorRepeated) {
  auto store = MakeStore(/*buffer=*/1 << 20);
  constexpr int kArticles = 200;
  constexpr int kPerArticle = 3;
  std::thread writer([&] {
    for (int i = 0; i < kArticles; ++i) {
      Batch b = Protests(absl::StrCat("art_", i), kPerArticle);
      ASSERT_TRUE(store->AppendArticle(b.article, b.events, {}).ok());
    }
  });
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop.load()) {
      ListEventsQuery q;
      q.page_size = 10;
      auto page = store->ListEvents(q);
      ASSERT_TRUE(page.ok());
      AggregateQuery a;
      a.group_by = {GroupBy::kWeek};
      ASSERT_TRUE(store->AggregateEvents(a).ok());
    }
  });
  while (store->revision() < 30) absl::SleepFor(absl::Microseconds(100));
  auto sub = store->Subscribe({}, 1, [] {});
  ASSERT_TRUE(sub.ok());
  std::vector<std::int64_t> revisions;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (revisions.size() < kArticles * kPerArticle - 1 && absl::Now() < deadline) {
    auto next = (*sub)->Next();
    ASSERT_TRUE(next.ok()) << next.status();
    if (next->has_value()) {
      revisions.push_back((*next)->revision);
    } else {
      absl::SleepFor(absl::Microseconds(50));
    }
  }
  writer.join();
  stop = true;
  reader.join();
  ASSERT_EQ(revisions.size(), static_cast<std::size_t>(kArticles * kPerArticle - 1));
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    ASSERT_EQ(revisions[i], static_cast<std::int64_t>(i) + 2);
  }
}

}  // namespace
}  // namespace newsevents::query::store
