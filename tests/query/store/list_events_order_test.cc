// Ordered pages over a store large enough to span several zones (see
// internal::Zone), in both arrival patterns the zone maps must handle:
// roughly chronological (zones are narrow and most are skipped) and random
// (every zone overlaps every other). Every page sequence, in every order,
// must equal a plain sort of the reference matches.
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kursk_fixture.h"
#include "query/store/clock.h"
#include "query/store/event_store.h"

namespace newsevents::query::store {
namespace {

using namespace ::newsevents::query::store::testing;  // NOLINT: fixtures

constexpr int kArticles = 4500;  // about 27,000 events: four zones
constexpr std::int64_t kOpen = -(std::int64_t{1} << 62);
constexpr std::int64_t kNoInterval = 0;

struct Stored {
  std::string id;
  std::int64_t time_key;  // micros
  std::int64_t ingested;  // micros
  std::int64_t revision;
  EventType type;
  std::string actor;
  std::string mode;
  // The interval a time filter overlaps, [lo, hi): kOpen and -kOpen for
  // open ends; kNoInterval for an undated event.
  std::int64_t lo;
  std::int64_t hi;
  std::string event;  // the event (group) the store put it in
};

class OrderTest : public ::testing::TestWithParam<bool /*random arrival*/> {
 protected:
  OrderTest() : clock_(Day(2025, 1, 1)), store_(EventStoreOptions{&clock_}) {
    std::mt19937 rng(11);
    std::int64_t revision = 0;
    for (int a = 0; a < kArticles; ++a) {
      const int day = GetParam() ? static_cast<int>(rng() % 700)
                                 : a * 700 / kArticles + static_cast<int>(rng() % 3);
      ArticleInfo info;
      info.id = absl::StrCat("art_", a);
      info.published_at = Day(2023, 1, 1) + absl::Hours(24 * day);
      clock_.Advance(absl::Seconds(1));
      const int n = static_cast<int>(rng() % 13);  // some articles have none
      std::vector<Event> events;
      for (int i = 0; i < n; ++i) {
        Event e;
        e.id = absl::StrCat(info.id, "-", i);
        e.type = rng() % 3 == 0 ? EventType::kProtest : EventType::kAssault;
        e.modality = Modality::kAsserted;
        e.actors.push_back({.id = absl::StrCat("actor:", rng() % 7 == 0 ? 1 : 2 + rng() % 50),
                            .name = "Actor"});
        // Two modes, so that a filter on an actor and a mode reads one's
        // postings and walks the other's alongside (a probe).
        e.mode = rng() % 3 == 0 ? "march" : "strike";
        // The sort key: the start, else the moment before the end, else
        // the publication. The shapes cover each way the store finds it
        // (from the interval, or kept apart when the interval's open start
        // or end hides it).
        std::int64_t key = absl::ToUnixMicros(*info.published_at);
        std::int64_t lo = kNoInterval;
        std::int64_t hi = kNoInterval;
        const absl::Time day = *info.published_at - absl::Hours(24 * (rng() % 4));
        const int shape = static_cast<int>(rng() % 20);
        if (shape < 4) {
          // undated: sorted by publication
        } else if (shape < 6) {  // an end only, the start open
          e.when.open_start = true;
          e.when.end = day + absl::Hours(24);
          key = absl::ToUnixMicros(*e.when.end) - 1;
          lo = kOpen;
          hi = key + 1;
        } else if (shape == 6) {  // a start and an end, the start open
          e.when.open_start = true;
          e.when.start = day;
          e.when.end = day + absl::Hours(24);
          key = absl::ToUnixMicros(day);
          lo = kOpen;
          hi = absl::ToUnixMicros(*e.when.end);
        } else if (shape == 7) {  // an end only, the end open
          e.when.open_end = true;
          e.when.end = day + absl::Hours(24);
          key = absl::ToUnixMicros(*e.when.end) - 1;
          lo = kOpen;
          hi = -kOpen;
        } else if (shape == 8) {  // a start, the end open
          e.when.open_end = true;
          e.when.start = day;
          key = absl::ToUnixMicros(day);
          lo = key;
          hi = -kOpen;
        } else {  // one day
          e.when.start = day;
          e.when.end = day + absl::Hours(24);
          key = absl::ToUnixMicros(day);
          lo = key;
          hi = absl::ToUnixMicros(*e.when.end);
        }
        if (e.when.start || e.when.end) e.when.granularity = Granularity::kDay;
        stored_.push_back({e.id, key, absl::ToUnixMicros(clock_.Now()), ++revision,
                           e.type, e.actors[0].id, e.mode, lo, hi});
        events.push_back(std::move(e));
      }
      EXPECT_TRUE(store_.AppendArticle(info, std::move(events), {}).ok());
    }
    for (Stored& s : stored_) {
      auto e = store_.GetEvent(s.id);
      EXPECT_TRUE(e.ok()) << e.status();
      if (e.ok()) s.event = e->identity.event_id;
    }
  }

  // Every matching mention, or (events) each event's first stored one.
  std::vector<std::string> Expected(OrderBy order, const std::string& actor,
                                    bool protests_only, bool events = false,
                                    const std::string& mode = "") const {
    std::vector<Stored> m;
    absl::flat_hash_set<std::string> seen;
    for (const Stored& s : stored_) {  // in revision order
      if (!actor.empty() && s.actor != actor) continue;
      if (protests_only && s.type != EventType::kProtest) continue;
      if (!mode.empty() && s.mode != mode) continue;
      if (events && !seen.insert(s.event).second) continue;
      m.push_back(s);
    }
    const bool ingest = order == OrderBy::kIngestTimeAsc || order == OrderBy::kIngestTimeDesc;
    const bool desc = order == OrderBy::kEventTimeDesc || order == OrderBy::kIngestTimeDesc;
    std::sort(m.begin(), m.end(), [&](const Stored& a, const Stored& b) {
      const auto ka = std::make_pair(ingest ? a.ingested : a.time_key, a.revision);
      const auto kb = std::make_pair(ingest ? b.ingested : b.time_key, b.revision);
      return desc ? kb < ka : ka < kb;
    });
    std::vector<std::string> ids;
    for (const Stored& s : m) ids.push_back(s.id);
    return ids;
  }

  ManualClock clock_;
  EventStore store_;
  std::vector<Stored> stored_;
};

TEST_P(OrderTest, EveryOrderPagesLikeAPlainSort) {
  ASSERT_GT(stored_.size(), 3u * 8192u);
  // Grouping must have merged some mentions, or the events view tests nothing.
  ASSERT_LT(Expected(OrderBy::kEventTimeDesc, "", false, true).size(), stored_.size());
  for (bool events : {false, true})
  for (OrderBy order : {OrderBy::kEventTimeDesc, OrderBy::kEventTimeAsc,
                        OrderBy::kIngestTimeDesc, OrderBy::kIngestTimeAsc}) {
    for (const auto& [actor, protests, mode] :
         std::vector<std::tuple<std::string, bool, std::string>>{
             {"", false, ""}, {"actor:1", false, ""}, {"actor:1", true, ""},
             {"actor:9", false, ""}, {"actor:1", false, "march"}, {"actor:1", true, "march"}}) {
      SCOPED_TRACE(absl::StrCat("order ", static_cast<int>(order), " actor '", actor,
                                "' protests ", protests, " mode '", mode, "' events ", events));
      ListEventsQuery q;
      q.mentions = !events;
      q.order_by = order;
      q.page_size = actor.empty() ? 1000 : 97;
      if (!actor.empty()) q.filter.actor_ids = {actor};
      if (protests) q.filter.types = {EventType::kProtest};
      if (!mode.empty()) q.filter.modes = {mode};
      std::vector<std::string> got;
      for (int pages = 0; pages < 1000; ++pages) {
        auto page = store_.ListEvents(q);
        ASSERT_TRUE(page.ok()) << page.status();
        for (const Event& e : page->events) got.push_back(e.id);
        if (page->next_page_token.empty()) break;
        q.page_token = page->next_page_token;
      }
      EXPECT_EQ(got, Expected(order, actor, protests, events, mode));
    }
  }
}

TEST_P(OrderTest, TotalSizeIsCloseToTheMatchCount) {
  for (bool events : {false, true})
  for (const std::string actor : {"", "actor:1"}) {
    ListEventsQuery q;
    q.mentions = !events;
    if (!actor.empty()) q.filter.actor_ids = {actor};
    auto page = store_.ListEvents(q);
    ASSERT_TRUE(page.ok()) << page.status();
    const auto want =
        static_cast<double>(Expected(OrderBy::kEventTimeDesc, actor, false, events).size());
    EXPECT_GT(static_cast<double>(page->total_size), want * 0.8) << actor;
    EXPECT_LT(static_cast<double>(page->total_size), want * 1.25) << actor;
  }
}

TEST_P(OrderTest, TotalSizeWithATimeRangeIsCloseToTheMatchCount) {
  const absl::Time from = Day(2024, 3, 1);
  const absl::Time to = Day(2024, 4, 1);
  std::int64_t want = 0;
  for (const Stored& s : stored_) {
    if (s.lo == kNoInterval && s.hi == kNoInterval) continue;
    if (s.lo < absl::ToUnixMicros(to) && absl::ToUnixMicros(from) < s.hi) ++want;
  }
  ASSERT_GT(want, 500);
  ListEventsQuery q;
  q.mentions = true;
  q.filter.start_time = from;
  q.filter.end_time = to;
  auto page = store_.ListEvents(q);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_GT(static_cast<double>(page->total_size), static_cast<double>(want) * 0.8);
  EXPECT_LT(static_cast<double>(page->total_size), static_cast<double>(want) * 1.25);
}

INSTANTIATE_TEST_SUITE_P(Arrival, OrderTest, ::testing::Bool(),
                         [](const auto& info) {
                           return info.param ? "RandomOrder" : "Chronological";
                         });

}  // namespace
}  // namespace newsevents::query::store
