// Filters over a few hundred generated events checked against a plain
// reference matcher, so that every access path (postings merges, column
// scans, limits in replays) is exercised on data large enough to use it.
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kursk_fixture.h"
#include "query/store/clock.h"
#include "query/store/event_store.h"

namespace newsevents::query::store {
namespace {

using namespace ::newsevents::query::store::testing;  // NOLINT: fixtures

constexpr int kArticles = 60;

Place CityOf(int k) {
  Place p;
  p.id = absl::StrCat("gn:", k);
  p.name = absl::StrCat("City ", k);
  p.kind = PlaceKind::kCity;
  p.country = k % 3 == 0 ? "RUS" : (k % 3 == 1 ? "UKR" : "PRK");
  p.admin1_id = absl::StrCat("iso:", p.country, "-", k % 4);
  p.admin1 = absl::StrCat("Region ", k % 4);
  return p;
}

Entity ActorOf(int k) {
  return {.id = absl::StrCat("actor:", k), .name = absl::StrCat("Actor ", k),
          .kind = EntityKind::kGroup};
}

std::vector<Event> Generate(std::vector<ArticleInfo>* articles) {
  std::mt19937 rng(7);
  std::vector<Event> all;
  for (int a = 0; a < kArticles; ++a) {
    ArticleInfo info;
    info.id = absl::StrCat("art_", a);
    info.published_at = Day(2024, 1, 1) + absl::Hours(24 * (rng() % 300));
    articles->push_back(info);
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      Event e;
      e.id = absl::StrCat("art_", a, "-", i);
      e.article_id = info.id;
      e.type = static_cast<EventType>(1 + rng() % 17);
      e.modality = static_cast<Modality>(1 + rng() % 8);
      e.actors.push_back(ActorOf(static_cast<int>(rng() % 9)));
      if (rng() % 3 == 0) e.recipients.push_back(ActorOf(static_cast<int>(rng() % 9)));
      if (rng() % 5 != 0) e.place = CityOf(static_cast<int>(rng() % 12));
      if (rng() % 6 != 0) {
        e.when.start = *info.published_at - absl::Hours(24 * (rng() % 4));
        e.when.end = *e.when.start + absl::Hours(24);
        e.when.granularity = Granularity::kDay;
      }
      all.push_back(std::move(e));
    }
  }
  return all;
}

bool AnyIn(const std::vector<Entity>& list, const std::vector<std::string>& ids) {
  for (const Entity& x : list) {
    for (const std::string& id : ids) {
      if (x.id == id) return true;
    }
  }
  return false;
}

// The reference semantics of the fields used below.
bool Reference(const EventFilter& f, const Event& e) {
  if (!f.types.empty() &&
      std::find(f.types.begin(), f.types.end(), e.type) == f.types.end()) {
    return false;
  }
  std::vector<Modality> modalities = f.modalities;
  if (modalities.empty()) {
    modalities = {Modality::kAsserted, Modality::kReported, Modality::kAlleged,
                  Modality::kEstimated};
  }
  if (std::find(modalities.begin(), modalities.end(), e.modality) == modalities.end()) {
    return false;
  }
  if (!f.actor_ids.empty() && !AnyIn(e.actors, f.actor_ids)) return false;
  if (!f.entity_ids.empty() && !AnyIn(e.actors, f.entity_ids) &&
      !AnyIn(e.recipients, f.entity_ids)) {
    return false;
  }
  if (!f.countries.empty() &&
      (e.place.id.empty() || std::find(f.countries.begin(), f.countries.end(),
                                       e.place.country) == f.countries.end())) {
    return false;
  }
  if (!f.place_ids.empty()) {
    bool hit = false;
    for (const std::string& id : f.place_ids) {
      hit = hit || (!e.place.id.empty() &&
                    (id == e.place.id || id == e.place.admin1_id ||
                     id == "iso:" + e.place.country));
    }
    if (!hit) return false;
  }
  if (f.start_time || f.end_time) {
    if (!e.when.start) return false;
    if (f.end_time && !(*e.when.start < *f.end_time)) return false;
    if (f.start_time && !(*f.start_time < *e.when.end)) return false;
  }
  return true;
}

class PropertyTest : public ::testing::TestWithParam<EventFilter> {
 protected:
  PropertyTest() : clock_(Day(2025, 1, 1)), store_(EventStoreOptions{&clock_}) {
    std::vector<ArticleInfo> articles;
    events_ = Generate(&articles);
    std::size_t next = 0;
    for (const ArticleInfo& a : articles) {
      std::vector<Event> mine;
      while (next < events_.size() && events_[next].article_id == a.id) {
        mine.push_back(events_[next++]);
      }
      EXPECT_TRUE(store_.AppendArticle(a, mine, {}).ok());
    }
  }
  std::vector<std::string> Expected(const EventFilter& f) const {
    std::vector<std::string> ids;
    for (const Event& e : events_) {
      if (Reference(f, e)) ids.push_back(e.id);
    }
    return ids;
  }

  ManualClock clock_;
  EventStore store_;
  std::vector<Event> events_;  // in revision order
};

TEST_P(PropertyTest, ListEventsAgreesWithTheReference) {
  ASSERT_GT(events_.size(), 200u);
  ListEventsQuery q;
  q.filter = GetParam();
  q.order_by = OrderBy::kIngestTimeAsc;  // = revision order
  q.page_size = 7;
  std::vector<std::string> got;
  while (true) {
    auto page = store_.ListEvents(q);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Event& e : page->events) got.push_back(e.id);
    if (page->next_page_token.empty()) break;
    q.page_token = page->next_page_token;
  }
  EXPECT_EQ(got, Expected(GetParam()));
}

TEST_P(PropertyTest, ReplayAgreesWithTheReference) {
  auto sub = store_.Subscribe(GetParam(), 1, [] {});
  ASSERT_TRUE(sub.ok());
  std::vector<std::string> got;
  while (true) {
    auto next = (*sub)->Next();
    ASSERT_TRUE(next.ok()) << next.status();
    if (!next->has_value()) break;
    got.push_back((*next)->id);
  }
  std::vector<std::string> want = Expected(GetParam());
  if (!want.empty() && want.front() == events_.front().id) want.erase(want.begin());
  EXPECT_EQ(got, want);
}

TEST_P(PropertyTest, AggregateTotalsAgreeWithTheReference) {
  AggregateQuery q;
  q.filter = GetParam();
  q.group_by = {GroupBy::kType};
  auto r = store_.AggregateEvents(q);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total_events, static_cast<std::int64_t>(Expected(GetParam()).size()));
  std::int64_t sum = 0;
  for (const Bucket& b : r->buckets) sum += b.event_count;
  EXPECT_EQ(sum, r->total_events);
}

INSTANTIATE_TEST_SUITE_P(
    Filters, PropertyTest,
    ::testing::Values(
        EventFilter{},
        EventFilter{.types = {EventType::kAssault}},
        EventFilter{.types = {EventType::kAssault, EventType::kProtest,
                              EventType::kOutcome}},
        EventFilter{.entity_ids = {"actor:1", "actor:2"}},
        EventFilter{.actor_ids = {"actor:3"}, .countries = {"RUS"}},
        EventFilter{.countries = {"UKR", "PRK"}},
        EventFilter{.place_ids = {"iso:RUS-0", "gn:4", "iso:PRK"}},
        EventFilter{.start_time = Day(2024, 3, 1), .end_time = Day(2024, 6, 1)},
        EventFilter{.types = {EventType::kCoerce, EventType::kAid},
                    .actor_ids = {"actor:0", "actor:5"},
                    .modalities = {Modality::kDenied, Modality::kAsserted}},
        EventFilter{.modalities = {Modality::kFuture, Modality::kHypothetical,
                                   Modality::kNegated}},
        // Two fields where either one's lists may drive the read (the
        // other must still be checked on every candidate).
        EventFilter{.types = {EventType::kAssault, EventType::kProtest, EventType::kOutcome},
                    .actor_ids = {"actor:3"}},
        EventFilter{.types = {EventType::kAssault}, .actor_ids = {"actor:3", "actor:4"}},
        EventFilter{.entity_ids = {"actor:4", "actor:5"}, .actor_ids = {"actor:3"}},
        EventFilter{.entity_ids = {"actor:1"}, .countries = {"UKR"}},
        EventFilter{.actor_ids = {"actor:6"}, .place_ids = {"iso:RUS-1", "gn:2"}},
        EventFilter{.types = {EventType::kAssault, EventType::kProtest},
                    .countries = {"PRK"},
                    .start_time = Day(2024, 2, 1), .end_time = Day(2024, 9, 1)}));

}  // namespace
}  // namespace newsevents::query::store
