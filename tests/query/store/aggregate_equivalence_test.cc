// AggregateEvents over a few thousand generated events checked against a
// plain reference: the matching events (from ListEvents, in revision order)
// grouped with maps and civil-time arithmetic, for every dimension, many
// pairs of dimensions, several filters and top_n. The store's aggregation
// takes shortcuts (dense codes, cached buckets, integer calendar arithmetic)
// that must not change any result.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kursk_fixture.h"
#include "query/store/clock.h"
#include "query/store/event_store.h"

namespace newsevents::query::store {
namespace {

using namespace ::newsevents::query::store::testing;  // NOLINT: fixtures

constexpr int kArticles = 400;

Place PlaceOf(int k) {
  Place p;
  p.id = absl::StrCat("gn:", k);
  p.name = absl::StrCat("City ", k);
  p.kind = PlaceKind::kCity;
  static const char* const kCountries[] = {"RUS", "UKR", "PRK", "POL", ""};
  p.country = kCountries[k % 5];
  if (k % 7 == 3) return p;  // no admin1
  p.admin1_id = absl::StrCat("iso:", p.country, "-", k % 4);
  p.admin1 = absl::StrCat("Region ", p.country, " ", k % 4);
  if (k % 11 == 0) {  // the region itself
    p.id = p.admin1_id;
    p.kind = PlaceKind::kAdmin1;
    p.name = p.admin1;
  }
  return p;
}

Entity EntityOf(int k) {
  return {.id = absl::StrCat("entity:", k),
          .name = absl::StrCat("Entity ", k),
          .kind = EntityKind::kGroup};
}

absl::Time RandomTime(std::mt19937& rng) {
  // Mostly recent days, some far in the past or future, so that weeks and
  // months are cut on both sides of the epoch and in leap years.
  int year = 2020 + static_cast<int>(rng() % 6);
  if (rng() % 8 == 0) year = 1890 + static_cast<int>(rng() % 260);
  if (rng() % 50 == 0) year = 1 + static_cast<int>(rng() % 9000);
  const absl::CivilSecond s(year, 1 + rng() % 12, 1 + rng() % 31, rng() % 24,
                            rng() % 60, rng() % 60);
  return absl::FromCivil(s, absl::UTCTimeZone()) +
         absl::Microseconds(rng() % 1000000);
}

std::vector<std::pair<ArticleInfo, std::vector<Event>>> Generate() {
  std::mt19937 rng(20250101);
  static const char* const kModes[] = {"shelling", "strike", "visit", "",
                                       "arrest"};
  std::vector<std::pair<ArticleInfo, std::vector<Event>>> out;
  for (int a = 0; a < kArticles; ++a) {
    ArticleInfo info;
    info.id = absl::StrCat("art_", a);
    if (rng() % 5 != 0) info.published_at = RandomTime(rng);
    std::vector<Event> events;
    const int n = 1 + static_cast<int>(rng() % 14);
    for (int i = 0; i < n; ++i) {
      Event e;
      e.id = absl::StrCat("art_", a, "-", i);
      e.type = static_cast<EventType>(1 + rng() % kMaxEventType);
      e.modality = static_cast<Modality>(rng() % (kMaxModality + 1));
      e.mode = kModes[rng() % 5];
      // Repeats within a role are possible and count once.
      for (int k = static_cast<int>(rng() % 4); k > 0; --k) {
        e.actors.push_back(EntityOf(static_cast<int>(rng() % 15)));
      }
      for (int k = static_cast<int>(rng() % 3); k > 0; --k) {
        e.recipients.push_back(EntityOf(static_cast<int>(rng() % 15)));
      }
      if (rng() % 4 == 0)
        e.patients.push_back(EntityOf(static_cast<int>(rng() % 15)));
      if (rng() % 5 != 0) e.place = PlaceOf(static_cast<int>(rng() % 40));
      if (rng() % 2 == 0)
        e.according_to = EntityOf(15 + static_cast<int>(rng() % 6));
      switch (rng() % 6) {
        case 0:  // no time
          break;
        case 1:  // an end only
          e.when.open_start = true;
          e.when.end = RandomTime(rng);
          e.when.granularity = Granularity::kDay;
          break;
        case 2:  // a month
          e.when.start = RandomTime(rng);
          e.when.granularity = Granularity::kMonth;
          break;
        default:  // a day, near the article's
          e.when.start = info.published_at.value_or(absl::UnixEpoch()) -
                         absl::Hours(24 * static_cast<int>(rng() % 9));
          e.when.end = *e.when.start + absl::Hours(24);
          e.when.granularity = Granularity::kDay;
          break;
      }
      for (int k = static_cast<int>(rng() % 4) - 1; k > 0; --k) {
        Figure f;
        f.kind = static_cast<FigureKind>(1 + rng() % kMaxFigureKind);
        f.low = static_cast<std::int64_t>(rng() % 1000);
        if (rng() % 2 == 0)
          f.high = f.low + static_cast<std::int64_t>(rng() % 50);
        f.text = absl::StrCat(f.low);
        e.figures.push_back(std::move(f));
      }
      events.push_back(std::move(e));
    }
    out.emplace_back(std::move(info), std::move(events));
  }
  return out;
}

struct RefFigure {
  std::int32_t count = 0;
  std::int64_t sum_low = 0, sum_high = 0, min_low = 0, max_high = 0;
};

struct RefBucket {
  std::vector<std::string> labels;
  std::int64_t events = 0;
  std::set<std::string> articles;
  std::map<FigureKind, RefFigure> figures;
};

using KeyLabel = std::pair<std::string, std::string>;

std::string CivilKey(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// The distinct (key, label) values of one event in one dimension, in
// order; {"", ""} when it has none.
std::vector<KeyLabel> ValuesOf(
    const Event& e, GroupBy g,
    std::map<std::string, std::string>& admin1_labels) {
  std::vector<KeyLabel> out;
  auto add = [&](std::string key, std::string label) {
    KeyLabel v{std::move(key), std::move(label)};
    if (std::find(out.begin(), out.end(), v) == out.end())
      out.push_back(std::move(v));
  };
  switch (g) {
    case GroupBy::kType:
      add(std::string(EventTypeName(e.type)),
          std::string(EventTypeName(e.type)));
      break;
    case GroupBy::kModality:
      add(std::string(ModalityName(e.modality)),
          std::string(ModalityName(e.modality)));
      break;
    case GroupBy::kMode:
      if (!e.mode.empty()) add(e.mode, e.mode);
      break;
    case GroupBy::kActor:
      for (const Entity& x : e.actors) add(x.id, x.name);
      break;
    case GroupBy::kRecipient:
      for (const Entity& x : e.recipients) add(x.id, x.name);
      for (const Entity& x : e.patients) add(x.id, x.name);
      break;
    case GroupBy::kCountry:
      if (!e.place.id.empty() && !e.place.country.empty()) {
        add(e.place.country, e.place.country);
      }
      break;
    case GroupBy::kAdmin1:
      if (!e.place.id.empty() && !e.place.admin1_id.empty()) {
        admin1_labels.try_emplace(e.place.admin1_id, e.place.admin1);
        add(e.place.admin1_id, "");  // labelled at the end
      }
      break;
    case GroupBy::kPlace:
      if (!e.place.id.empty()) add(e.place.id, e.place.name);
      break;
    case GroupBy::kSource:
      if (!e.according_to.id.empty())
        add(e.according_to.id, e.according_to.name);
      break;
    case GroupBy::kDay:
    case GroupBy::kWeek:
    case GroupBy::kMonth: {
      if (!e.when.start && !e.when.end) break;
      const absl::Time at =
          e.when.start ? *e.when.start : *e.when.end - absl::Microseconds(1);
      const absl::CivilDay day = absl::ToCivilDay(at, absl::UTCTimeZone());
      absl::CivilDay bucket = day;
      if (g == GroupBy::kWeek) {
        while (absl::GetWeekday(bucket) != absl::Weekday::monday) bucket -= 1;
      } else if (g == GroupBy::kMonth) {
        bucket = absl::CivilDay(absl::CivilMonth(day));
      }
      add(CivilKey(bucket), CivilKey(bucket));
      break;
    }
    default:
      break;
  }
  if (out.empty()) out.emplace_back("", "");
  return out;
}

Bucket ToBucket(const std::vector<std::string>& keys, const RefBucket& r) {
  Bucket b;
  b.keys = keys;
  b.labels = r.labels;
  b.event_count = r.events;
  b.article_count = static_cast<std::int64_t>(r.articles.size());
  for (const auto& [kind, f] : r.figures) {
    b.figures.push_back(FigureStats{kind, f.count, f.sum_low, f.sum_high,
                                    f.min_low, f.max_high});
  }
  return b;
}

// All the buckets of `matches` by q.group_by, by count and then keys.
AggregateResult Reference(const std::vector<Event>& matches,
                          const AggregateQuery& q) {
  std::map<std::vector<std::string>, RefBucket> buckets;
  std::map<std::string, std::string> admin1_labels;  // first seen
  for (const Event& e : matches) {
    std::vector<std::vector<KeyLabel>> values;
    for (GroupBy g : q.group_by)
      values.push_back(ValuesOf(e, g, admin1_labels));
    if (values.size() == 1) values.push_back({{"", ""}});
    for (const KeyLabel& a : values[0]) {
      for (const KeyLabel& b : values[1]) {
        std::vector<std::string> keys = {a.first};
        std::vector<std::string> labels = {a.second};
        if (q.group_by.size() == 2) {
          keys.push_back(b.first);
          labels.push_back(b.second);
        }
        auto [it, inserted] = buckets.try_emplace(keys);
        RefBucket& r = it->second;
        if (inserted) r.labels = labels;
        ++r.events;
        r.articles.insert(e.article_id);
        for (const Figure& f : e.figures) {
          RefFigure& rf = r.figures[f.kind];
          const std::int64_t high = f.high.value_or(f.low);
          rf.min_low = rf.count == 0 ? f.low : std::min(rf.min_low, f.low);
          rf.max_high = rf.count == 0 ? high : std::max(rf.max_high, high);
          ++rf.count;
          rf.sum_low += f.low;
          rf.sum_high += high;
        }
      }
    }
  }
  AggregateResult result;
  result.total_events = static_cast<std::int64_t>(matches.size());
  for (auto& [keys, r] : buckets) {
    for (std::size_t d = 0; d < q.group_by.size(); ++d) {
      if (q.group_by[d] == GroupBy::kAdmin1 && !keys[d].empty()) {
        r.labels[d] = admin1_labels[keys[d]];
      }
    }
    result.buckets.push_back(ToBucket(keys, r));
  }
  std::stable_sort(result.buckets.begin(), result.buckets.end(),
                   [](const Bucket& a, const Bucket& b) {
                     return a.event_count > b.event_count;
                   });
  return result;
}

// The reference with all buckets (by count, then keys) cut to q.top_n and,
// for one time dimension, put in time order.
AggregateResult TopN(AggregateResult result, const AggregateQuery& q) {
  if (q.top_n > 0 &&
      result.buckets.size() > static_cast<std::size_t>(q.top_n)) {
    result.buckets.resize(static_cast<std::size_t>(q.top_n));
  }
  if (q.group_by.size() == 1 &&
      (q.group_by[0] == GroupBy::kDay || q.group_by[0] == GroupBy::kWeek ||
       q.group_by[0] == GroupBy::kMonth)) {
    std::stable_sort(
        result.buckets.begin(), result.buckets.end(),
        [](const Bucket& a, const Bucket& b) { return a.keys < b.keys; });
  }
  return result;
}

std::string Describe(const Bucket& b) {
  std::string s = absl::StrCat(
      "[", absl::StrJoin(b.keys, ","), "] [", absl::StrJoin(b.labels, ","),
      "] events=", b.event_count, " articles=", b.article_count);
  for (const FigureStats& f : b.figures) {
    absl::StrAppend(&s, " fig", static_cast<int>(f.kind), "=", f.count, "/",
                    f.sum_low, "/", f.sum_high, "/", f.min_low, "/",
                    f.max_high);
  }
  return s;
}

std::vector<std::string> Describe(const AggregateResult& r) {
  std::vector<std::string> out = {absl::StrCat("total=", r.total_events)};
  for (const Bucket& b : r.buckets) out.push_back(Describe(b));
  return out;
}

// The parameter is how many ranges the store may scan at once: 1, or
// several small ones on their own threads (each range a few hundred
// events, so that events of several mentions span ranges).
class AggregateEquivalenceTest : public ::testing::TestWithParam<std::size_t> {
 protected:
  static EventStoreOptions Options(ManualClock* clock) {
    EventStoreOptions options{clock};
    options.aggregate_threads = GetParam();
    options.aggregate_min_range = 300;
    return options;
  }
  AggregateEquivalenceTest() : clock_(Day(2025, 1, 1)), store_(Options(&clock_)) {
    for (auto& [info, events] : Generate()) {
      events_ += static_cast<int>(events.size());
      auto r = store_.AppendArticle(info, events, {});
      EXPECT_TRUE(r.ok()) << r.status();
    }
  }

  // The events matching `f` as stored, in revision order.
  std::vector<Event> Matches(const EventFilter& f) {
    ListEventsQuery q;
    q.filter = f;
    q.mentions = true;
    q.order_by = OrderBy::kIngestTimeAsc;  // = revision order
    q.page_size = kMaxPageSize;
    std::vector<Event> out;
    while (true) {
      auto page = store_.ListEvents(q);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return out;
      for (Event& e : page->events) out.push_back(std::move(e));
      if (page->next_page_token.empty()) break;
      q.page_token = page->next_page_token;
    }
    return out;
  }

  // One mention per event: its first matching one, with, kind by kind, the
  // figures of the first matching mention that has figures of that kind.
  static std::vector<Event> Events(const std::vector<Event>& mentions) {
    std::vector<Event> out;
    std::map<std::string, std::pair<std::size_t, std::set<FigureKind>>> lead;
    for (const Event& m : mentions) {  // revision order
      auto [it, first] = lead.try_emplace(m.identity.event_id);
      if (first) {
        it->second.first = out.size();
        out.push_back(m);
        for (const Figure& fig : m.figures) it->second.second.insert(fig.kind);
        continue;
      }
      Event& e = out[it->second.first];
      std::set<FigureKind> added;
      for (const Figure& fig : m.figures) {
        if (it->second.second.contains(fig.kind)) continue;
        e.figures.push_back(fig);
        added.insert(fig.kind);
      }
      it->second.second.insert(added.begin(), added.end());
    }
    return out;
  }

  void ExpectSame(const EventFilter& f,
                  const std::vector<std::vector<GroupBy>>& groupings) {
    const std::vector<Event> mentions = Matches(f);
    const std::vector<Event> events = Events(mentions);
    for (const std::vector<GroupBy>& group_by : groupings)
    for (bool count_mentions : {false, true}) {
      AggregateQuery all;
      all.group_by = group_by;
      const AggregateResult reference = Reference(count_mentions ? mentions : events, all);
      for (int top_n : {0, 1, 5}) {
        AggregateQuery q;
        q.filter = f;
        q.group_by = group_by;
        q.top_n = top_n;
        q.count_mentions = count_mentions;
        auto got = store_.AggregateEvents(q);
        ASSERT_TRUE(got.ok()) << got.status();
        std::string dims;
        for (GroupBy g : group_by)
          absl::StrAppend(&dims, static_cast<int>(g), " ");
        EXPECT_EQ(Describe(*got), Describe(TopN(reference, q)))
            << "group_by " << dims << "top_n " << top_n << " mentions " << count_mentions;
      }
    }
  }

  ManualClock clock_;
  EventStore store_;
  int events_ = 0;
};

std::vector<std::vector<GroupBy>> AllSingles() {
  std::vector<std::vector<GroupBy>> out;
  for (int g = 1; g <= kMaxGroupBy; ++g)
    out.push_back({static_cast<GroupBy>(g)});
  return out;
}

std::vector<std::vector<GroupBy>> AllPairs() {
  std::vector<std::vector<GroupBy>> out;
  for (int a = 1; a <= kMaxGroupBy; ++a) {
    for (int b = 1; b <= kMaxGroupBy; ++b) {
      if (a != b)
        out.push_back({static_cast<GroupBy>(a), static_cast<GroupBy>(b)});
    }
  }
  return out;
}

TEST_P(AggregateEquivalenceTest, EnoughData) {
  EXPECT_GT(events_, 2000);
  EXPECT_GT(Matches({}).size(), 1000u);
  // Some mentions are grouped, some events have figures from several.
  const std::vector<Event> mentions = Matches({});
  EXPECT_LT(Events(mentions).size() + 50, mentions.size());
  // Some events have mentions further apart than a range is long, so that
  // with several ranges an event's first match can lie in an earlier range.
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> span;
  for (const Event& m : mentions) {
    auto [it, first] = span.try_emplace(m.identity.event_id, m.revision, m.revision);
    it->second.first = std::min(it->second.first, m.revision);
    it->second.second = std::max(it->second.second, m.revision);
  }
  int wide = 0;
  for (const auto& [id, s] : span) wide += s.second - s.first > 600;
  EXPECT_GT(wide, 10);
}

TEST_P(AggregateEquivalenceTest, NoFilterSingles) {
  ExpectSame({}, AllSingles());
}

TEST_P(AggregateEquivalenceTest, NoFilterPairs) { ExpectSame({}, AllPairs()); }

TEST_P(AggregateEquivalenceTest, AllModalitiesPairs) {
  EventFilter f;
  for (int m = 1; m <= kMaxModality; ++m)
    f.modalities.push_back(static_cast<Modality>(m));
  ExpectSame(f, AllPairs());
}

TEST_P(AggregateEquivalenceTest, Filtered) {
  std::vector<EventFilter> filters;
  filters.push_back({.types = {EventType::kAssault}});  // postings-driven
  filters.push_back(
      {.types = {EventType::kAssault, EventType::kProtest, EventType::kOutcome,
                 EventType::kAid, EventType::kAgree, EventType::kConsult}});
  filters.push_back({.countries = {"UKR", "RUS"}});
  filters.push_back({.place_ids = {"iso:RUS-1", "gn:5"}});
  filters.push_back({.actor_ids = {"entity:3", "entity:4"}});
  filters.push_back({.entity_names = {"entity 7"}});
  filters.push_back({.source_ids = {"entity:16"}});
  filters.push_back({.article_ids = {"art_3", "art_70", "art_399"}});
  filters.push_back({.modes = {"shelling", "visit"}});
  filters.push_back(
      {.start_time = Day(2021, 1, 1), .end_time = Day(2023, 6, 1)});
  filters.push_back({.start_time = Day(1950, 1, 1),
                     .modalities = {Modality::kDenied, Modality::kAsserted}});
  filters.push_back({.end_time = Day(1970, 1, 1)});
  filters.push_back(
      {.types = {EventType::kAssault}, .end_time = Day(2024, 1, 1)});
  filters.push_back({.article_ids = {"no-such-article"}});
  std::vector<std::vector<GroupBy>> groupings = AllSingles();
  for (const std::vector<GroupBy>& p : AllPairs()) {
    // A sample of the pairs: every dimension first and second, with entity,
    // place and time dimensions against each other.
    if ((static_cast<int>(p[0]) + 2 * static_cast<int>(p[1])) % 5 == 0) {
      groupings.push_back(p);
    }
  }
  for (const EventFilter& f : filters) {
    SCOPED_TRACE(absl::StrCat("filter #", &f - filters.data()));
    ExpectSame(f, groupings);
  }
}

TEST_P(AggregateEquivalenceTest, LaterAppendsAreCounted) {
  // A second aggregate after more appends sees them (no state is kept).
  AggregateQuery q;
  q.group_by = {GroupBy::kWeek, GroupBy::kType};
  auto before = store_.AggregateEvents(q);
  ASSERT_TRUE(before.ok());
  Event e;
  e.id = "late-1";
  e.type = EventType::kAssault;
  e.when.start = Day(2030, 5, 7);
  e.when.granularity = Granularity::kDay;
  ASSERT_TRUE(store_.AppendArticle({.id = "late"}, {e}, {}).ok());
  auto after = store_.AggregateEvents(q);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->total_events, before->total_events + 1);
  ExpectSame({}, {{GroupBy::kWeek, GroupBy::kType}, {GroupBy::kMonth}});
}

INSTANTIATE_TEST_SUITE_P(Ranges, AggregateEquivalenceTest, ::testing::Values(1, 5),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return absl::StrCat(info.param, "Ranges");
                         });

}  // namespace
}  // namespace newsevents::query::store
