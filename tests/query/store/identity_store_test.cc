// Cross-article identity as the store applies it: hand-written reports of
// one happening (other outlets, other wording, partial dates, a town and its
// region) become one event; near misses stay apart; merges retire ids that
// keep answering; listings and aggregates count events.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/store/clock.h"
#include "query/store/event_store.h"

namespace newsevents::query::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

absl::Time Day(int y, int m, int d) {
  return absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone());
}

Place Sudzha() {
  return {.id = "gn:sudzha", .name = "Sudzha", .kind = PlaceKind::kCity,
          .admin1 = "Kursk Oblast", .admin1_id = "iso:RU-KRS", .country = "RUS",
          .latitude = 51.19, .longitude = 35.27, .precision_km = 5};
}
Place Zheleznogorsk() {  // about 130 km north of Sudzha, same region
  return {.id = "gn:zheleznogorsk", .name = "Zheleznogorsk", .kind = PlaceKind::kCity,
          .admin1 = "Kursk Oblast", .admin1_id = "iso:RU-KRS", .country = "RUS",
          .latitude = 52.34, .longitude = 35.35, .precision_km = 5};
}
Place Shebekino() {  // Belgorod Oblast
  return {.id = "gn:shebekino", .name = "Shebekino", .kind = PlaceKind::kCity,
          .admin1 = "Belgorod Oblast", .admin1_id = "iso:RU-BEL", .country = "RUS",
          .latitude = 50.41, .longitude = 36.89, .precision_km = 5};
}
Place KurskOblast() {
  return {.id = "iso:RU-KRS", .name = "Kursk Oblast", .kind = PlaceKind::kAdmin1,
          .admin1 = "Kursk Oblast", .admin1_id = "iso:RU-KRS", .country = "RUS"};
}

TimeSpan OnDay(absl::Time day) {
  return {.start = day, .end = day + absl::Hours(24), .granularity = Granularity::kDay};
}
TimeSpan InMonth(int y, int m) {
  return {.start = Day(y, m, 1), .end = Day(y, m + 1, 1), .granularity = Granularity::kMonth};
}

struct Report {
  std::string article;
  std::string outlet;
  std::string sentence;
  Place place;
  TimeSpan when;
  EventType type = EventType::kAssault;
  std::vector<Figure> figures;
};

Figure Killed(std::int64_t n) { return {.kind = FigureKind::kKilled, .low = n, .high = n}; }
Figure Captured(std::int64_t n) { return {.kind = FigureKind::kCaptured, .low = n, .high = n}; }

class IdentityStoreTest : public ::testing::Test {
 protected:
  IdentityStoreTest() : clock_(Day(2024, 8, 10)), store_(EventStoreOptions{&clock_}) {}

  static void Append(EventStore& store, ManualClock& clock, const Report& r) {
    clock.Advance(absl::Minutes(5));
    ArticleInfo a;
    a.id = r.article;
    a.outlet = r.outlet;
    a.title = r.sentence;
    a.published_at = Day(2024, 8, 9);
    Event e;
    e.id = absl::StrCat(r.article, "-e1");
    e.type = r.type;
    e.mode = r.type == EventType::kAssault ? "capture" : "";
    e.actors = {{.id = "country:UKR", .name = "Ukraine", .kind = EntityKind::kCountry}};
    e.recipients = {{.id = "force:rus-military", .name = "Russian Armed Forces",
                     .kind = EntityKind::kArmedForce, .country = "RUS"}};
    e.place = r.place;
    e.when = r.when;
    e.figures = r.figures;
    e.modality = Modality::kReported;
    e.evidence.sentence = r.sentence;
    auto result = store.AppendArticle(a, {e}, {});
    ASSERT_TRUE(result.ok()) << result.status();
  }
  void Append(const Report& r) { Append(store_, clock_, r); }

  Event Get(const std::string& id) {
    auto e = store_.GetEvent(id);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : Event();
  }
  std::string EventOf(const std::string& article) {
    return Get(absl::StrCat(article, "-e1")).identity.event_id;
  }

  // Four reports of Ukraine's capture of Sudzha on 8 August 2024.
  static std::vector<Report> CaptureOfSudzha() {
    return {
        {"art_reuters", "reuters.com",
         "Ukrainian troops captured the town of Sudzha on Thursday, Kyiv said.", Sudzha(),
         OnDay(Day(2024, 8, 8)), EventType::kAssault, {Killed(5)}},
        // Month precision and the region, not the town.
        {"art_ap", "apnews.com",
         "Kyiv's forces seized a district centre in Russia's Kursk region in August.",
         KurskOblast(), InMonth(2024, 8)},
        // A wire copy of the first, re-styled.
        {"art_yahoo", "yahoo.com",
         "UKRAINIAN TROOPS CAPTURED THE TOWN OF SUDZHA ON THURSDAY, KYIV SAID!", Sudzha(),
         OnDay(Day(2024, 8, 8))},
        // The next day, as another outlet dates it.
        {"art_bbc", "bbc.co.uk",
         "Sudzha, a town of 5,000, fell to Ukrainian units after two days of fighting.",
         Sudzha(), OnDay(Day(2024, 8, 9)), EventType::kAssault, {Killed(7), Captured(20)}},
    };
  }

  ManualClock clock_;
  EventStore store_;
};

TEST_F(IdentityStoreTest, ReportsOfOneHappeningAreOneEvent) {
  for (const Report& r : CaptureOfSudzha()) Append(r);
  const std::string id = EventOf("art_reuters");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(EventOf("art_ap"), id);
  EXPECT_EQ(EventOf("art_yahoo"), id);
  EXPECT_EQ(EventOf("art_bbc"), id);

  const Corroboration c = Get("art_bbc-e1").identity.corroboration;
  EXPECT_EQ(c.mentions, 4);
  EXPECT_EQ(c.articles, 4);
  EXPECT_EQ(c.outlets, 4);
  EXPECT_EQ(c.independent_outlets, 3);  // the wire copy does not count
  EXPECT_EQ(c.first_seen, Day(2024, 8, 10) + absl::Minutes(5));
  EXPECT_EQ(c.last_seen, Day(2024, 8, 10) + absl::Minutes(20));

  // GetEvent of the event id answers its first stored mention.
  EXPECT_EQ(Get(id).id, "art_reuters-e1");
}

TEST_F(IdentityStoreTest, NearMissesStayApart) {
  const Report base = CaptureOfSudzha()[0];
  Report week_later = base;
  week_later.article = "art_week";
  week_later.when = OnDay(Day(2024, 8, 15));
  Report other_region = base;
  other_region.article = "art_belgorod";
  other_region.place = Shebekino();
  Report protest = base;
  protest.article = "art_protest";
  protest.type = EventType::kProtest;
  Report far_town = base;
  far_town.article = "art_far";
  far_town.place = Zheleznogorsk();
  for (const Report& r : {base, week_later, other_region, protest, far_town}) Append(r);
  const std::vector<std::string> ids = {EventOf("art_reuters"), EventOf("art_week"),
                                        EventOf("art_belgorod"), EventOf("art_protest"),
                                        EventOf("art_far")};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (std::size_t j = i + 1; j < ids.size(); ++j) EXPECT_NE(ids[i], ids[j]) << i << " " << j;
  }
  EXPECT_EQ(Get("art_reuters-e1").identity.corroboration.mentions, 1);
}

TEST_F(IdentityStoreTest, ABridgingReportMergesEventsAndRetiredIdsStillAnswer) {
  Report sudzha = CaptureOfSudzha()[0];
  Report far = sudzha;
  far.article = "art_far";
  far.place = Zheleznogorsk();
  Append(sudzha);
  Append(far);
  const std::string a = EventOf("art_reuters");
  const std::string b = EventOf("art_far");
  ASSERT_NE(a, b);
  EXPECT_EQ(store_.ChangeAt(1).change, Change::kCreated);
  EXPECT_EQ(store_.ChangeAt(2).change, Change::kCreated);

  Report region = sudzha;  // the region holds both towns
  region.article = "art_region";
  region.place = KurskOblast();
  Append(region);
  const std::string merged = EventOf("art_region");
  EXPECT_EQ(EventOf("art_reuters"), merged);
  EXPECT_EQ(EventOf("art_far"), merged);
  const EventChange change = store_.ChangeAt(3);
  EXPECT_EQ(change.change, Change::kMerged);
  // Every id that no longer names an event is reported retired.
  std::vector<std::string> gone;
  for (const std::string& id : {a, b}) {
    if (id != merged) gone.push_back(id);
  }
  std::vector<std::string> retired = change.retired_event_ids;
  std::sort(retired.begin(), retired.end());
  std::sort(gone.begin(), gone.end());
  EXPECT_EQ(retired, gone);
  for (const std::string& id : {a, b}) {
    auto e = store_.GetEvent(id);
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_EQ(e->identity.event_id, merged) << id;
    EXPECT_TRUE(store_.HasEvent(id));
  }
  EXPECT_EQ(Get(merged).identity.corroboration.mentions, 3);

  // The mentions of the event, by any of its ids.
  ListEventsQuery q;
  q.filter.event_ids = {a};
  q.mentions = true;
  q.order_by = OrderBy::kIngestTimeAsc;
  auto page = store_.ListEvents(q);
  ASSERT_TRUE(page.ok()) << page.status();
  std::vector<std::string> ids;
  for (const Event& e : page->events) ids.push_back(e.id);
  EXPECT_THAT(ids, ElementsAre("art_reuters-e1", "art_far-e1", "art_region-e1"));

  EXPECT_FALSE(store_.HasEvent("evt_0123456789abcdef"));
  EXPECT_EQ(store_.GetEvent("evt_0123456789abcdef").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(IdentityStoreTest, AnyArrivalOrderGivesTheSameEventsAndIds) {
  std::vector<Report> reports = CaptureOfSudzha();
  Report far = reports[0];
  far.article = "art_far";
  far.place = Zheleznogorsk();
  reports.push_back(far);
  Report protest = reports[0];
  protest.article = "art_protest";
  protest.type = EventType::kProtest;
  reports.push_back(protest);

  std::map<std::string, std::string> first;
  for (Report& r : reports) Append(r);
  for (const Report& r : reports) first[r.article] = EventOf(r.article);

  std::sort(reports.begin(), reports.end(),
            [](const Report& x, const Report& y) { return x.article > y.article; });
  do {
    ManualClock clock(Day(2024, 8, 10));
    EventStore other(EventStoreOptions{&clock});
    for (const Report& r : reports) Append(other, clock, r);
    for (const Report& r : reports) {
      auto e = other.GetEvent(absl::StrCat(r.article, "-e1"));
      ASSERT_TRUE(e.ok());
      EXPECT_EQ(e->identity.event_id, first[r.article]) << r.article;
    }
  } while (std::prev_permutation(reports.begin(), reports.end(),
                                 [](const Report& x, const Report& y) {
                                   return x.article < y.article;
                                 }) &&
           reports.front().article > "art_bbc");  // a sample of the orders
}

TEST_F(IdentityStoreTest, ListingsShowOneRowPerEventUnlessAskedForMentions) {
  for (const Report& r : CaptureOfSudzha()) Append(r);
  Report protest = CaptureOfSudzha()[0];
  protest.article = "art_protest";
  protest.type = EventType::kProtest;
  Append(protest);

  ListEventsQuery q;
  auto events = store_.ListEvents(q);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_THAT(events->events, SizeIs(2));
  EXPECT_EQ(events->total_size, 2);
  q.mentions = true;
  auto mentions = store_.ListEvents(q);
  ASSERT_TRUE(mentions.ok());
  EXPECT_THAT(mentions->events, SizeIs(5));

  // The first stored mention that matches stands for the event: with a
  // filter only the BBC report meets (the town, the later day), it is the
  // BBC report.
  q.mentions = false;
  q.filter.place_ids = {"gn:sudzha"};
  q.filter.start_time = Day(2024, 8, 9) + absl::Hours(13);
  q.filter.end_time = Day(2024, 8, 10);
  auto later = store_.ListEvents(q);
  ASSERT_TRUE(later.ok());
  ASSERT_THAT(later->events, SizeIs(1));
  EXPECT_EQ(later->events[0].id, "art_bbc-e1");

  ListEventsQuery corroborated;
  corroborated.min_independent_outlets = 3;
  auto three = store_.ListEvents(corroborated);
  ASSERT_TRUE(three.ok());
  ASSERT_THAT(three->events, SizeIs(1));
  EXPECT_EQ(three->events[0].id, "art_reuters-e1");
  corroborated.min_independent_outlets = 4;
  auto four = store_.ListEvents(corroborated);
  ASSERT_TRUE(four.ok());
  EXPECT_THAT(four->events, IsEmpty());
  corroborated.min_independent_outlets = 0;
  corroborated.min_articles = 2;
  auto two = store_.ListEvents(corroborated);
  ASSERT_TRUE(two.ok());
  EXPECT_THAT(two->events, SizeIs(1));
}

TEST_F(IdentityStoreTest, AggregatesCountEventsAndTheirFiguresOnce) {
  for (const Report& r : CaptureOfSudzha()) Append(r);
  AggregateQuery q;
  q.group_by = {GroupBy::kType};
  auto events = store_.AggregateEvents(q);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_THAT(events->buckets, SizeIs(1));
  EXPECT_EQ(events->total_events, 1);
  EXPECT_EQ(events->buckets[0].event_count, 1);
  EXPECT_EQ(events->buckets[0].article_count, 1);
  // Killed from the first report that gives it (5, not 5 + 7); captured
  // from the only one that does.
  ASSERT_THAT(events->buckets[0].figures, SizeIs(2));
  EXPECT_EQ(events->buckets[0].figures[0].kind, FigureKind::kKilled);
  EXPECT_EQ(events->buckets[0].figures[0].sum_low, 5);
  EXPECT_EQ(events->buckets[0].figures[1].kind, FigureKind::kCaptured);
  EXPECT_EQ(events->buckets[0].figures[1].sum_low, 20);

  q.count_mentions = true;
  auto mentions = store_.AggregateEvents(q);
  ASSERT_TRUE(mentions.ok());
  EXPECT_EQ(mentions->total_events, 4);
  EXPECT_EQ(mentions->buckets[0].figures[0].sum_low, 12);
}

TEST_F(IdentityStoreTest, ReplayingAnExportRebuildsTheSameEvents) {
  for (const Report& r : CaptureOfSudzha()) Append(r);
  Report far = CaptureOfSudzha()[0];
  far.article = "art_far";
  far.place = Zheleznogorsk();
  Append(far);

  ManualClock clock(Day(2030, 1, 1));
  EventStore copy(EventStoreOptions{&clock});
  ASSERT_TRUE(store_
                  .ExportArticles([] {},
                                  [&](const ArticleInfo& a, const std::vector<Event>& events,
                                      const std::vector<Quote>& quotes) {
                                    return copy.AppendArticle(a, events, quotes).status();
                                  })
                  .ok());
  for (std::int64_t r = 1; r <= store_.revision(); ++r) {
    auto want = store_.GetEventByRevision(r);
    auto got = copy.GetEventByRevision(r);
    ASSERT_TRUE(want.ok() && got.ok());
    EXPECT_EQ(got->identity, want->identity) << r;
    EXPECT_EQ(copy.ChangeAt(r).change, store_.ChangeAt(r).change) << r;
  }
}

TEST_F(IdentityStoreTest, WithoutGroupingEveryMentionStandsAlone) {
  ManualClock clock(Day(2024, 8, 10));
  EventStoreOptions options{&clock};
  options.group_mentions = false;
  EventStore plain(options);
  for (const Report& r : CaptureOfSudzha()) Append(plain, clock, r);
  auto e = plain.GetEvent("art_bbc-e1");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->identity.event_id.empty());
  auto page = plain.ListEvents(ListEventsQuery{});
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(page->events, SizeIs(4));
  EXPECT_EQ(plain.ChangeAt(1).change, Change::kUnspecified);
}

// Events of thousands of reports spread over many zones, with a few reports
// naming a rare second actor: the events view lists, per event, exactly the
// first stored report that matches, whether the read finds it through a
// short postings list (a rare actor), by skipping zones outside a time
// range, or by scanning the members.
TEST(IdentityStoreLargeEvents, ListTheirFirstMatchingReport) {
  ManualClock clock(Day(2024, 1, 1));
  EventStore store(EventStoreOptions{&clock});
  constexpr int kBig = 3;
  int serial = 0;
  for (int a = 0; a < 2600; ++a) {
    clock.Advance(absl::Minutes(1));
    ArticleInfo info;
    info.id = absl::StrCat("art_", a);
    info.outlet = absl::StrCat("outlet", a % 13, ".com");
    info.published_at = Day(2024, 1, 1) + absl::Hours(4 * a);
    std::vector<Event> events;
    for (int i = 0; i < 10; ++i, ++serial) {
      Event e;
      e.id = absl::StrCat(info.id, "-e", i);
      e.evidence.sentence = absl::StrCat("Report ", serial, " of the fighting.");
      e.modality = Modality::kReported;
      const absl::Time day = Day(2024, 1, 1) + absl::Hours(24 * (a / 6));
      if (i < 8) {  // one of three long-running events, one a day chaining on
        const int k = serial % kBig;
        e.type = EventType::kAssault;
        e.actors = {{.id = absl::StrCat("actor:", k), .name = absl::StrCat("Actor ", k)}};
        if (serial % 211 == 5) {
          e.actors.push_back({.id = absl::StrCat("rare:", serial % 2), .name = "Rare"});
        }
        e.recipients = {{.id = absl::StrCat("target:", k), .name = absl::StrCat("Target ", k)}};
        e.place = Sudzha();
        e.when = OnDay(day);
      } else {  // filler: a protest of its own
        e.type = EventType::kProtest;
        e.actors = {{.id = absl::StrCat("crowd:", serial), .name = "Crowd"}};
        e.when = OnDay(day);
      }
      events.push_back(std::move(e));
    }
    ASSERT_TRUE(store.AppendArticle(info, std::move(events), {}).ok());
  }
  ASSERT_GT(serial, 3 * 8192);  // several zones

  // Every page of a query, as revisions, and as the event each belongs to.
  auto all = [&](ListEventsQuery q) {
    std::vector<std::pair<std::int64_t, std::string>> out;
    q.page_size = 1000;
    while (true) {
      auto page = store.ListEvents(q);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const Event& e : page->events) out.emplace_back(e.revision, e.identity.event_id);
      if (page->next_page_token.empty()) break;
      q.page_token = page->next_page_token;
    }
    return out;
  };
  std::vector<EventFilter> filters(6);
  filters[0].actor_ids = {"rare:0"};
  filters[1].start_time = Day(2024, 9, 20);  // across the second and third zones
  filters[1].end_time = Day(2024, 10, 10);
  filters[2].actor_ids = {"rare:1"};
  filters[2].start_time = Day(2024, 4, 1);
  filters[2].end_time = Day(2024, 8, 1);
  filters[3].actor_ids = {"actor:1", "rare:0"};
  // Two short lists: an event's first match may be in either.
  filters[4].actor_ids = {"rare:1", "rare:0"};
  filters[5].actor_ids = {"rare:0", "rare:1"};
  filters[5].start_time = Day(2024, 4, 1);
  filters[5].end_time = Day(2024, 8, 1);
  for (std::size_t i = 0; i < filters.size(); ++i) {
    ListEventsQuery q;
    q.filter = filters[i];
    q.mentions = true;
    // The reference: per event, its first matching mention.
    std::map<std::string, std::int64_t> first;
    for (const auto& [revision, event] : all(q)) {
      auto [it, inserted] = first.try_emplace(event, revision);
      if (!inserted) it->second = std::min(it->second, revision);
    }
    std::vector<std::int64_t> want;
    for (const auto& [event, revision] : first) want.push_back(revision);
    q.mentions = false;
    std::vector<std::int64_t> got;
    for (const auto& [revision, event] : all(q)) got.push_back(revision);
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, want) << "filter " << i;
    EXPECT_FALSE(want.empty()) << "filter " << i;
    // The aggregate counts the same events, each once, by type (most
    // filters here miss the large events' first mentions).
    std::map<std::string, std::int64_t> type_of_event;
    ListEventsQuery leads;
    leads.filter = filters[i];
    leads.page_size = 1000;
    while (true) {
      auto page = store.ListEvents(leads);
      ASSERT_TRUE(page.ok());
      for (const Event& e : page->events) ++type_of_event[std::string(EventTypeName(e.type))];
      if (page->next_page_token.empty()) break;
      leads.page_token = page->next_page_token;
    }
    AggregateQuery agg;
    agg.filter = filters[i];
    agg.group_by = {GroupBy::kType};
    auto counted = store.AggregateEvents(agg);
    ASSERT_TRUE(counted.ok()) << counted.status();
    EXPECT_EQ(counted->total_events, static_cast<std::int64_t>(want.size())) << "filter " << i;
    std::map<std::string, std::int64_t> by_type;
    for (const Bucket& b : counted->buckets) by_type[b.keys[0]] = b.event_count;
    EXPECT_EQ(by_type, type_of_event) << "filter " << i;
  }
  // Not vacuous: the long-running events are large.
  ListEventsQuery big;
  big.filter.actor_ids = {"actor:0"};
  const auto events = all(big);
  ASSERT_EQ(events.size(), 1u);
  auto m = store.GetEvent(events[0].second);
  ASSERT_TRUE(m.ok());
  EXPECT_GT(m->identity.corroboration.mentions, 5000);
}

}  // namespace
}  // namespace newsevents::query::store
