#include "query/identity/grouping.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace newsevents::query::identity {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr int kProtest = 12;
constexpr int kAssault = 16;

std::int64_t Day(int y, int m, int d) {
  return absl::ToUnixMicros(absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone()));
}

MentionTime OnDay(int y, int m, int d) {
  MentionTime t;
  t.start_micros = Day(y, m, d);
  t.granularity = Granularity::kDay;
  return t;
}

MentionTime InMonth(int y, int m) {
  MentionTime t;
  t.start_micros = Day(y, m, 1);
  t.end_micros = m == 12 ? Day(y + 1, 1, 1) : Day(y, m + 1, 1);
  t.granularity = Granularity::kMonth;
  return t;
}

MentionPlace Kursk() {  // the town
  MentionPlace p;
  p.id = "gn:538560";
  p.level = PlaceLevel::kLocal;
  p.admin1_id = "iso:RU-KRS";
  p.country = "RUS";
  p.has_coordinates = true;
  p.latitude = 51.73;
  p.longitude = 36.19;
  return p;
}
MentionPlace KurskOblast() {
  MentionPlace p;
  p.id = "iso:RU-KRS";
  p.level = PlaceLevel::kAdmin1;
  p.country = "RUS";
  return p;
}
MentionPlace Belgorod() {
  MentionPlace p;
  p.id = "iso:RU-BEL";
  p.level = PlaceLevel::kAdmin1;
  p.country = "RUS";
  return p;
}
MentionPlace Kharkiv() {
  MentionPlace p;
  p.id = "gn:706483";
  p.level = PlaceLevel::kLocal;
  p.admin1_id = "iso:UA-63";
  p.country = "UKR";
  p.has_coordinates = true;
  p.latitude = 49.98;
  p.longitude = 36.25;
  return p;
}

Mention Report(std::string id, std::string outlet, const std::string& sentence) {
  Mention m;
  m.mention_id = std::move(id);
  m.article_id = "art_" + m.mention_id;
  m.outlet = std::move(outlet);
  m.event_type = kAssault;
  m.modality = ModalityClass::kFactual;
  m.actors = {"country:UKR"};
  m.recipients = {"country:RUS"};
  m.place = Kursk();
  m.when = OnDay(2024, 8, 6);
  m.fingerprint = TextFingerprint(sentence);
  return m;
}

// Five reports of one cross-border attack: different wording, outlets,
// partial dates and place precision.
std::vector<Mention> OneHappening() {
  std::vector<Mention> v;
  v.push_back(Report("m1", "reuters.com",
                     "Ukrainian forces attacked the Russian town of Kursk on Tuesday, officials said."));
  Mention b = Report("m2", "bbc.co.uk",
                     "Kyiv's troops launched a surprise assault in Russia's Kursk region.");
  b.place = KurskOblast();
  b.when = InMonth(2024, 8);  // "in August"
  b.mode = "incursion";
  v.push_back(b);
  Mention c = Report("m3", "aljazeera.com",
                     "Ukraine's army struck Russian positions near Kursk in an incursion.");
  c.actors = {"country:UKR", "armed:ukraine-army"};
  c.place = MentionPlace();  // no place
  v.push_back(c);
  Mention d = Report("m4", "tass.ru", "Russia says Ukrainian units shelled Kursk overnight.");
  d.modality = ModalityClass::kUnspecified;
  d.recipients = {};  // only the actor named
  d.place.country = "RUS";
  d.place.id = "iso:RUS";
  d.place.level = PlaceLevel::kCountry;
  d.place.has_coordinates = false;
  v.push_back(d);
  Mention e = Report("m5", "kyivindependent.com",
                     "Ukrainian forces attacked the town of Kursk on Tuesday.");
  e.place.latitude = 51.70;  // geocoded a few km off
  e.place.id = "new:kursk-outskirts";
  v.push_back(e);
  return v;
}

TEST(Compatible, ReportsOfOneHappeningGroupIntoOneEvent) {
  EventGrouper g;
  std::set<std::string> events;
  for (const Mention& m : OneHappening()) events.insert(g.Add(m).event_id);
  EXPECT_EQ(g.event_count(), 1u);
  const std::string id = *g.EventOf("m1");
  EXPECT_EQ(id, EventIdFor("m1"));
  EXPECT_THAT(g.MentionsOf(id), ElementsAre("m1", "m2", "m3", "m4", "m5"));
}

TEST(Compatible, NearMisses) {
  const Mention base = OneHappening()[0];
  Mention week_later = base;
  week_later.mention_id = "w";
  week_later.article_id = "art_w";
  week_later.when = OnDay(2024, 8, 13);
  EXPECT_FALSE(Compatible(base, week_later));

  Mention other_region = base;
  other_region.mention_id = "r";
  other_region.article_id = "art_r";
  other_region.place = Belgorod();
  EXPECT_FALSE(Compatible(base, other_region));
  Mention town_vs_other_region = other_region;
  town_vs_other_region.place = KurskOblast();
  EXPECT_FALSE(Compatible(town_vs_other_region, other_region));

  Mention other_country = base;
  other_country.mention_id = "c";
  other_country.article_id = "art_c";
  other_country.place = Kharkiv();  // ~190 km away, other country
  EXPECT_FALSE(Compatible(base, other_country));

  Mention protest = base;
  protest.mention_id = "p";
  protest.article_id = "art_p";
  protest.event_type = kProtest;
  EXPECT_FALSE(Compatible(base, protest));

  Mention denied = base;
  denied.mention_id = "d";
  denied.article_id = "art_d";
  denied.modality = ModalityClass::kDenied;
  EXPECT_FALSE(Compatible(base, denied));

  Mention other_actor = base;
  other_actor.mention_id = "o";
  other_actor.article_id = "art_o";
  other_actor.actors = {"country:BLR"};
  EXPECT_FALSE(Compatible(base, other_actor));

  Mention other_mode = base;
  other_mode.mention_id = "mo";
  other_mode.article_id = "art_mo";
  other_mode.mode = "airstrike";
  Mention mode2 = other_mode;
  mode2.mode = "shelling";
  EXPECT_TRUE(Compatible(base, other_mode));  // one side has no mode
  EXPECT_FALSE(Compatible(other_mode, mode2));

  // Next day still overlaps (tolerance), a week does not.
  Mention next_day = base;
  next_day.mention_id = "n";
  next_day.article_id = "art_n";
  next_day.when = OnDay(2024, 8, 7);
  EXPECT_TRUE(Compatible(base, next_day));

  EventGrouper g;
  for (const Mention* m : std::vector<const Mention*>{&base, &week_later, &other_region, &other_country, &protest, &denied,
                           &other_actor}) {
    g.Add(*m);
  }
  EXPECT_EQ(g.event_count(), 7u);
}

TEST(Compatible, SameArticleMentionsAreDistinctUnlessIdentical) {
  Mention a = OneHappening()[0];
  Mention b = a;
  b.mention_id = "m1b";
  EXPECT_TRUE(Compatible(a, b));  // the same event extracted twice
  b.place = KurskOblast();
  EXPECT_FALSE(Compatible(a, b));  // two events of one article
  Mention c = a;
  c.mention_id = "m1c";
  c.when = OnDay(2024, 8, 7);
  EXPECT_FALSE(Compatible(a, c));
}

TEST(Compatible, OpenAndMissingTimes) {
  Mention a = OneHappening()[0];
  Mention b = a;
  b.mention_id = "x";
  b.article_id = "art_x";
  b.when = MentionTime();
  EXPECT_TRUE(Compatible(a, b));
  b.when.start_micros = Day(2024, 8, 1);  // "since August 1", open end
  EXPECT_TRUE(Compatible(a, b));
  b.when.start_micros = Day(2024, 9, 1);
  EXPECT_FALSE(Compatible(a, b));

  // "By the publication day" (open start) reads as the week before it, not
  // as all of history; with open_bound_micros = 0 it is unbounded.
  MentionTime by_pub;
  by_pub.end_micros = Day(2024, 8, 8);
  b.when = by_pub;
  EXPECT_TRUE(Compatible(a, b));
  by_pub.end_micros = Day(2025, 8, 8);
  b.when = by_pub;
  EXPECT_FALSE(Compatible(a, b));
  GroupingOptions unbounded;
  unbounded.open_bound_micros = 0;
  EXPECT_TRUE(Compatible(a, b, unbounded));
}

TEST(EventGrouper, MergeReportsSurvivorAndRetiredIds) {
  // A and C are incompatible (different days, more than the tolerance
  // apart); B (month precision) overlaps both and bridges them.
  Mention a = OneHappening()[0];
  a.mention_id = "c_a";
  a.article_id = "art_a";
  Mention c = a;
  c.mention_id = "a_c";  // the smallest id: the survivor's name
  c.article_id = "art_c";
  c.when = OnDay(2024, 8, 20);
  Mention b = a;
  b.mention_id = "b_b";
  b.article_id = "art_b";
  b.when = InMonth(2024, 8);
  ASSERT_FALSE(Compatible(a, c));
  ASSERT_TRUE(Compatible(a, b));
  ASSERT_TRUE(Compatible(b, c));

  EventGrouper g;
  const AddResult ra = g.Add(a);
  EXPECT_EQ(ra.change, Change::kCreated);
  EXPECT_EQ(ra.event_id, EventIdFor("c_a"));
  const AddResult rc = g.Add(c);
  EXPECT_EQ(rc.change, Change::kCreated);
  EXPECT_EQ(rc.event_id, EventIdFor("a_c"));
  EXPECT_EQ(g.event_count(), 2u);
  const AddResult rb = g.Add(b);
  EXPECT_EQ(rb.change, Change::kMerged);
  EXPECT_EQ(rb.event_id, EventIdFor("a_c"));
  EXPECT_THAT(rb.retired_ids, ElementsAre(EventIdFor("c_a")));
  EXPECT_EQ(g.event_count(), 1u);
  EXPECT_THAT(g.MentionsOf(rb.event_id), ElementsAre("a_c", "b_b", "c_a"));
  EXPECT_TRUE(g.MentionsOf(EventIdFor("c_a")).empty());
  EXPECT_EQ(*g.EventOf("c_a"), rb.event_id);

  // Joining without bridging is an update; a smaller id renames the event.
  Mention d = a;
  d.mention_id = "0_d";
  d.article_id = "art_d";
  const AddResult rd = g.Add(d);
  EXPECT_EQ(rd.change, Change::kUpdated);
  EXPECT_EQ(rd.event_id, EventIdFor("0_d"));
  EXPECT_THAT(rd.retired_ids, ElementsAre(EventIdFor("a_c")));
  Mention e = a;
  e.mention_id = "z_e";
  e.article_id = "art_e";
  const AddResult re = g.Add(e);
  EXPECT_EQ(re.change, Change::kUpdated);
  EXPECT_TRUE(re.retired_ids.empty());
  EXPECT_EQ(g.Add(e).change, Change::kUnchanged);
  EXPECT_EQ(g.mention_count(), 5u);
}

TEST(EventGrouper, MergeWhereTheBridgeIsTheSmallestId) {
  Mention a = OneHappening()[0];
  a.mention_id = "b";
  a.article_id = "art_1";
  Mention c = a;
  c.mention_id = "c";
  c.article_id = "art_2";
  c.when = OnDay(2024, 8, 25);
  Mention bridge = a;
  bridge.mention_id = "a";
  bridge.article_id = "art_3";
  bridge.when = InMonth(2024, 8);
  EventGrouper g;
  g.Add(a);
  g.Add(c);
  const AddResult r = g.Add(bridge);
  EXPECT_EQ(r.change, Change::kMerged);
  EXPECT_EQ(r.event_id, EventIdFor("a"));
  EXPECT_THAT(r.retired_ids, UnorderedElementsAre(EventIdFor("b"), EventIdFor("c")));
}

TEST(Corroboration, SyndicatedCopiesAreOneIndependentOutlet) {
  const std::string wire =
      "Ukrainian forces attacked the Russian town of Kursk on Tuesday, killing three people "
      "and wounding twelve, regional officials said in a statement on Wednesday.";
  // The syndicated copy: same words, re-cased and re-punctuated.
  const std::string copy =
      "UKRAINIAN forces attacked the Russian town of Kursk on Tuesday -- killing three people "
      "and wounding twelve - regional officials said in a statement on Wednesday";
  ASSERT_LE(HammingDistance(TextFingerprint(wire), TextFingerprint(copy)), 3);
  const std::string own = "Kyiv's troops pushed into Russia's Kursk region, officials said.";
  ASSERT_GT(HammingDistance(TextFingerprint(wire), TextFingerprint(own)), 3);

  Mention a = Report("s1", "apnews.com", wire);
  a.seen_micros = 100;
  Mention b = Report("s2", "localpaper.com", copy);
  b.seen_micros = 200;
  Mention c = Report("s3", "bbc.co.uk", own);
  c.seen_micros = 300;
  Mention d = Report("s4", "bbc.co.uk", own + " More follows.");
  d.article_id = "art_s3";  // second mention, same article: identical event
  d.seen_micros = 400;
  for (const auto& order : std::vector<std::vector<Mention>>{{a, b, c, d}, {d, c, b, a}}) {
    EventGrouper g;
    for (const Mention& m : order) g.Add(m);
    ASSERT_EQ(g.event_count(), 1u);
    const Corroboration k = *g.CorroborationOf(*g.EventOf("s1"));
    EXPECT_EQ(k.mentions, 4);
    EXPECT_EQ(k.articles, 3);
    EXPECT_EQ(k.outlets, 3);
    EXPECT_EQ(k.independent_outlets, 2);  // apnews (first) and bbc; not the copy
    EXPECT_EQ(k.first_seen_micros, 100);
    EXPECT_EQ(k.last_seen_micros, 400);
  }
  EventGrouper g;
  EXPECT_FALSE(g.CorroborationOf("evt_0000000000000000").has_value());
}

TEST(EventId, StableFormat) {
  const std::string id = EventIdFor("m1");
  EXPECT_EQ(id.size(), 20u);
  EXPECT_EQ(id.substr(0, 4), "evt_");
  EXPECT_EQ(id, EventIdFor("m1"));
  EXPECT_NE(id, EventIdFor("m2"));
  EXPECT_EQ(TextFingerprint(""), 0u);
  EXPECT_EQ(TextFingerprint("a b c"), TextFingerprint("A, b; C!"));
}

// ~300 mentions of ~100 happenings with shared actors, nearby days, nested
// places and some bridging month-precision reports.
// With `few_actors`, most mentions share an actor and the events grow past
// the size at which corroboration switches to hash indexes.
std::vector<Mention> Generated(std::uint32_t seed, bool few_actors = false) {
  std::mt19937 rng(seed);
  std::vector<Mention> out;
  std::vector<std::string> actors = {"country:UKR", "country:RUS", "country:ISR",
                                     "group:hamas", "country:USA", "org:un"};
  if (few_actors) actors.resize(2);
  const std::vector<MentionPlace> places = {Kursk(), KurskOblast(), Belgorod(), Kharkiv(),
                                            MentionPlace()};
  for (int i = 0; i < 300; ++i) {
    Mention m;
    m.mention_id = absl::StrCat("m", rng() % 100000, "_", i);
    m.article_id = absl::StrCat("a", i / 2);  // two mentions per article
    m.outlet = absl::StrCat("o", rng() % 20, ".com");
    m.event_type = rng() % 3 == 0 ? kProtest : kAssault;
    m.modality = static_cast<ModalityClass>(rng() % 3);
    m.actors = {actors[rng() % actors.size()]};
    if (rng() % 2) m.recipients = {actors[rng() % actors.size()]};
    m.place = places[rng() % places.size()];
    const int day = 1 + static_cast<int>(rng() % 28);
    m.when = rng() % 10 == 0 ? InMonth(2024, 3) : OnDay(2024, 3, day);
    if (rng() % 15 == 0) m.when = MentionTime();
    m.fingerprint = TextFingerprint(absl::StrCat("text ", rng() % 50));
    m.seen_micros = static_cast<std::int64_t>(i);
    out.push_back(std::move(m));
  }
  return out;
}

// Corroboration by its definition, from the event's mentions.
Corroboration BruteForce(std::vector<const Mention*> ms) {
  std::sort(ms.begin(), ms.end(), [](const Mention* a, const Mention* b) {
    return std::make_pair(a->seen_micros, a->mention_id) <
           std::make_pair(b->seen_micros, b->mention_id);
  });
  Corroboration c;
  std::set<std::string> articles, outlets, independent;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    articles.insert(ms[i]->article_id);
    outlets.insert(ms[i]->outlet);
    bool copy = false;
    for (std::size_t j = 0; j < i; ++j) {
      copy = copy || (ms[j]->outlet != ms[i]->outlet && ms[j]->fingerprint != 0 &&
                      ms[i]->fingerprint != 0 &&
                      HammingDistance(ms[j]->fingerprint, ms[i]->fingerprint) <= 3);
    }
    if (!copy) independent.insert(ms[i]->outlet);
  }
  c.mentions = static_cast<std::int64_t>(ms.size());
  c.articles = static_cast<std::int64_t>(articles.size());
  c.outlets = static_cast<std::int64_t>(outlets.size());
  c.independent_outlets = static_cast<std::int64_t>(independent.size());
  c.first_seen_micros = ms.front()->seen_micros;
  c.last_seen_micros = ms.back()->seen_micros;
  return c;
}

void ExpectCorroborationByDefinition(const EventGrouper& g, const std::vector<Mention>& mentions) {
  std::map<std::string, std::vector<const Mention*>> by_event;
  for (const Mention& m : mentions) by_event[*g.EventOf(m.mention_id)].push_back(&m);
  for (const auto& [id, ms] : by_event) {
    const Corroboration want = BruteForce(ms);
    const Corroboration got = *g.CorroborationOf(id);
    EXPECT_EQ(got.mentions, want.mentions) << id;
    EXPECT_EQ(got.articles, want.articles) << id;
    EXPECT_EQ(got.outlets, want.outlets) << id;
    EXPECT_EQ(got.independent_outlets, want.independent_outlets) << id;
    EXPECT_EQ(got.first_seen_micros, want.first_seen_micros) << id;
    EXPECT_EQ(got.last_seen_micros, want.last_seen_micros) << id;
  }
}

// Calls check(g, order) for groupers fed `mentions` in `orders` orders: as
// given (order 0), then shuffled by `rng`.
template <typename F>
void ForEachOrder(const std::vector<Mention>& mentions, int orders, std::mt19937& rng,
                  F&& check) {
  std::vector<std::size_t> order(mentions.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (int perm = 0; perm < orders; ++perm) {
    if (perm > 0) std::shuffle(order.begin(), order.end(), rng);
    EventGrouper g;
    for (std::size_t i : order) g.Add(mentions[i]);
    check(g, perm);
  }
}

// Each mention id -> the id of its event.
std::map<std::string, std::string> EventsOf(const EventGrouper& g,
                                            const std::vector<Mention>& mentions) {
  std::map<std::string, std::string> out;
  for (const Mention& m : mentions) out[m.mention_id] = *g.EventOf(m.mention_id);
  return out;
}

// Large events (counted through hash indexes), built in many orders, with
// merges that bring in earlier reports: corroboration is always as defined.
TEST(Corroboration, LargeEventsInAnyOrderCountAsDefined) {
  const std::vector<Mention> mentions = Generated(11, /*few_actors=*/true);
  std::mt19937 rng(5);
  std::size_t largest = 0;
  ForEachOrder(mentions, 10, rng, [&](const EventGrouper& g, int) {
    for (const std::string& id : g.EventIds()) {
      largest = std::max(largest, static_cast<std::size_t>(g.CorroborationOf(id)->mentions));
    }
    ExpectCorroborationByDefinition(g, mentions);
  });
  EXPECT_GT(largest, 100u);
}

// Components of Compatible() by brute force, as "same component" per pair.
void ExpectConnectedComponents(const EventGrouper& g, const std::vector<Mention>& mentions) {
  std::vector<int> comp(mentions.size());
  for (std::size_t i = 0; i < comp.size(); ++i) comp[i] = static_cast<int>(i);
  std::function<int(int)> find = [&](int x) { return comp[x] == x ? x : comp[x] = find(comp[x]); };
  for (std::size_t i = 0; i < mentions.size(); ++i) {
    for (std::size_t j = i + 1; j < mentions.size(); ++j) {
      if (Compatible(mentions[i], mentions[j])) comp[find(static_cast<int>(i))] = find(static_cast<int>(j));
    }
  }
  for (std::size_t i = 0; i < mentions.size(); ++i) {
    for (std::size_t j = i + 1; j < mentions.size(); ++j) {
      EXPECT_EQ(find(static_cast<int>(i)) == find(static_cast<int>(j)),
                *g.EventOf(mentions[i].mention_id) == *g.EventOf(mentions[j].mention_id))
          << mentions[i].mention_id << " " << mentions[j].mention_id;
    }
  }
}

// How many pairs of `mentions` Compatible() links: a test over them is not
// vacuous when many are linked and many are not.
std::size_t CompatiblePairs(const std::vector<Mention>& mentions) {
  std::size_t linked = 0;
  for (std::size_t i = 0; i < mentions.size(); ++i) {
    for (std::size_t j = i + 1; j < mentions.size(); ++j) {
      linked += Compatible(mentions[i], mentions[j]);
    }
  }
  return linked;
}

// Many mentions with the same fields (copies of a few reports, some twice in
// one article, where the same-article rule applies): the grouping still
// equals the components of Compatible(), in any order.
TEST(EventGrouper, CopiesOfFewReportsGroupAsTheRelationSays) {
  std::mt19937 rng(3);
  std::vector<Mention> templates;
  for (int t = 0; t < 12; ++t) {
    Mention m;
    m.event_type = t % 4 == 0 ? kProtest : kAssault;
    m.modality = ModalityClass::kFactual;
    m.actors = {t % 3 == 0 ? "country:RUS" : "country:UKR"};
    if (t % 2) m.recipients = {"country:RUS"};
    const std::vector<MentionPlace> places = {Kursk(), KurskOblast(), Belgorod(), MentionPlace()};
    m.place = places[static_cast<std::size_t>(t) % places.size()];
    m.when = t % 5 == 0 ? InMonth(2024, 3) : OnDay(2024, 3, 1 + t % 3 * 5);
    templates.push_back(m);
  }
  std::vector<Mention> mentions;
  for (int i = 0; i < 200; ++i) {
    Mention m = templates[rng() % templates.size()];
    m.mention_id = absl::StrCat("c", rng() % 1000, "_", i);
    m.article_id = absl::StrCat("a", i / 3);  // three mentions per article
    m.outlet = absl::StrCat("o", rng() % 9, ".com");
    m.fingerprint = TextFingerprint(absl::StrCat("copy ", rng() % 5));
    m.seen_micros = i;
    mentions.push_back(std::move(m));
  }
  std::map<std::string, std::string> reference;
  ForEachOrder(mentions, 8, rng, [&](const EventGrouper& g, int perm) {
    const std::map<std::string, std::string> got = EventsOf(g, mentions);
    if (perm == 0) {
      reference = got;
      ExpectConnectedComponents(g, mentions);
    } else {
      EXPECT_EQ(got, reference) << "permutation " << perm;
    }
    ExpectCorroborationByDefinition(g, mentions);
  });
}

// c and d say the same; y is in c's article, so it is judged against c by
// the same-article rule (distinct) but against d by the general one (one
// happening: the town inside the region). c stands in for d in the index;
// y must still find d.
TEST(EventGrouper, ACopyAnswersForItsStandInsArticle) {
  Mention c;
  c.mention_id = "c";
  c.article_id = "A";
  c.outlet = "a.com";
  c.event_type = kAssault;
  c.actors = {"country:UKR"};
  c.recipients = {"country:RUS"};
  c.place = Kursk();
  c.when = OnDay(2024, 3, 5);
  Mention d = c;
  d.mention_id = "d";
  d.article_id = "B";
  d.outlet = "b.com";
  Mention y = c;
  y.mention_id = "y";
  y.place = KurskOblast();
  ASSERT_FALSE(Compatible(y, c));
  ASSERT_TRUE(Compatible(y, d));
  std::vector<Mention> ms = {c, d, y};
  std::sort(ms.begin(), ms.end(),
            [](const Mention& a, const Mention& b) { return a.mention_id < b.mention_id; });
  do {
    EventGrouper g;
    for (const Mention& m : ms) g.Add(m);
    EXPECT_EQ(g.EventOf("y"), g.EventOf("c"));
    EXPECT_EQ(g.event_count(), 1u);
  } while (std::next_permutation(ms.begin(), ms.end(), [](const Mention& a, const Mention& b) {
    return a.mention_id < b.mention_id;
  }));
}

TEST(EventGrouper, OrderIndependentEventIds) {
  const std::vector<Mention> mentions = Generated(7);
  std::map<std::string, std::string> reference;
  std::map<std::string, Corroboration> ref_corr;
  std::mt19937 rng(42);
  ForEachOrder(mentions, 20, rng, [&](const EventGrouper& g, int perm) {
    const std::map<std::string, std::string> got = EventsOf(g, mentions);
    ExpectCorroborationByDefinition(g, mentions);
    if (perm == 0) {
      reference = got;
      // The groups are exactly the connected components of Compatible().
      ExpectConnectedComponents(g, mentions);
      // Not trivial: some events have several mentions, and not all one.
      EXPECT_GT(g.event_count(), 10u);
      EXPECT_LT(g.event_count(), mentions.size());
      for (const std::string& id : g.EventIds()) ref_corr[id] = *g.CorroborationOf(id);
    } else {
      ASSERT_EQ(got, reference) << "permutation " << perm;
      for (const std::string& id : g.EventIds()) {
        const Corroboration c = *g.CorroborationOf(id);
        EXPECT_EQ(c.independent_outlets, ref_corr[id].independent_outlets);
        EXPECT_EQ(c.mentions, ref_corr[id].mentions);
      }
    }
  });
}

// The block index rules candidates out by a summary of each mention (mode,
// modality class, actor and recipient Bloom masks, country, interval in
// whole hours). Over mentions that vary in all of these, with many
// participants (so that Bloom bits collide), partial and open dates, and a
// place id seen under two countries, the grouping must still equal the
// components of Compatible() exactly.
TEST(EventGrouper, IndexSummariesNeverDropACompatiblePair) {
  std::mt19937 rng(11);
  const std::vector<std::string> modes = {"", "shelling", "airstrike", "raid"};
  const std::vector<ModalityClass> modalities = {
      ModalityClass::kUnspecified, ModalityClass::kFactual, ModalityClass::kDenied,
      ModalityClass::kUnreal};
  MentionPlace kursk_elsewhere = Kursk();
  kursk_elsewhere.country = "UKR";  // contradicting data: one id, two countries
  const std::vector<MentionPlace> places = {Kursk(), KurskOblast(), Belgorod(), Kharkiv(),
                                            kursk_elsewhere, MentionPlace()};
  auto participants = [&](int most) {
    std::vector<std::string> out;
    const int n = static_cast<int>(rng() % static_cast<unsigned>(most + 1));
    for (int i = 0; i < n; ++i) out.push_back(absl::StrCat("actor:", rng() % 24));
    return out;
  };
  std::vector<Mention> mentions;
  for (int i = 0; i < 500; ++i) {
    Mention m;
    m.mention_id = absl::StrCat("m", i);
    m.article_id = absl::StrCat("a", i / 2);
    m.outlet = absl::StrCat("o", rng() % 7, ".com");
    m.event_type = rng() % 5 == 0 ? kProtest : kAssault;
    m.mode = modes[rng() % modes.size()];
    m.modality = modalities[rng() % modalities.size()];
    m.actors = participants(3);
    m.recipients = participants(2);
    if (m.actors.empty() && m.recipients.empty()) m.actors = {"actor:0"};
    m.place = places[rng() % places.size()];
    const int day = 1 + static_cast<int>(rng() % 20);
    switch (rng() % 6) {
      case 0: m.when = InMonth(2024, 3); break;
      case 1: m.when = MentionTime(); break;  // undated
      case 2: {  // open start: "by" a day
        m.when.end_micros = OnDay(2024, 3, day).start_micros;
        break;
      }
      case 3: {  // a few hours, not whole days
        m.when.start_micros = *OnDay(2024, 3, day).start_micros + 5LL * 3600 * 1000000;
        m.when.end_micros = *m.when.start_micros + 3LL * 3600 * 1000000;
        break;
      }
      case 4: {  // two years
        m.when.start_micros = OnDay(2023, 1, 1).start_micros;
        m.when.end_micros = OnDay(2025, 1, 1).start_micros;
        break;
      }
      default: m.when = OnDay(2024, 3, day);
    }
    m.seen_micros = i;
    mentions.push_back(std::move(m));
  }
  std::shuffle(mentions.begin(), mentions.end(), rng);
  EventGrouper g;
  for (const Mention& m : mentions) g.Add(m);
  ExpectConnectedComponents(g, mentions);
  // Not vacuous: the relation links many pairs and rejects many more.
  const std::size_t linked = CompatiblePairs(mentions);
  EXPECT_GT(linked, 200u);
  EXPECT_GT(g.event_count(), 50u);
}

}  // namespace
}  // namespace newsevents::query::identity

namespace newsevents::query::identity {
namespace {

// Mention ids of any length (short, 15-16 bytes, and over 127 bytes, whose
// stored length takes two bytes) come back exactly, and a repeated id
// leaves the grouper as it was.
TEST(EventGrouper, KeepsIdsOfAnyLength) {
  EventGrouper g;
  std::vector<std::string> ids;
  for (std::size_t len : {1u, 15u, 16u, 127u, 128u, 300u, 20000u}) {
    ids.push_back(std::string(len - 1, 'm') + static_cast<char>('a' + ids.size()));
  }
  Mention m = OneHappening()[0];
  std::string event_id;
  for (const std::string& id : ids) {
    m.mention_id = id;
    m.article_id = absl::StrCat("art_", id.size());
    const AddResult r = g.Add(m);
    ASSERT_NE(r.change, Change::kUnchanged) << id.size();
    event_id = r.event_id;
    EXPECT_EQ(g.Add(m).change, Change::kUnchanged) << id.size();
  }
  EXPECT_EQ(g.mention_count(), ids.size());
  std::vector<std::string> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(g.MentionsOf(event_id), sorted);
  EXPECT_EQ(event_id, EventIdFor(sorted.front()));
  for (const std::string& id : ids) EXPECT_EQ(g.EventOf(id), event_id) << id.size();
  EXPECT_GT(g.MemoryBytes(), 20000u);
}

TEST(EventGrouper, CountsThePostingsItsLookupsRead) {
  EventGrouper g;
  g.Add(Report("m1", "reuters.com", "Ukrainian forces attacked Kursk on Tuesday."));
  EXPECT_EQ(g.PostingsRead(), 0u);  // nothing indexed yet
  // The same participants a year later: their blocks for that day are empty.
  Mention later = Report("m2", "bbc.co.uk", "Ukrainian forces attacked Kursk again.");
  later.when = OnDay(2025, 8, 6);
  g.Add(later);
  EXPECT_EQ(g.PostingsRead(), 0u);
  // Other participants on the same day: other series.
  Mention other = Report("m3", "tass.ru", "Rebels attacked a convoy.");
  other.actors = {"armed:rebels"};
  other.recipients = {"country:MLI"};
  g.Add(other);
  EXPECT_EQ(g.PostingsRead(), 0u);
  // The same actor against another recipient on the same day: a mention
  // naming both roles reads only the postings of its (actor, recipient)
  // pairs, and those of mentions naming one role only; m1 is neither.
  Mention elsewhere = Report("m5", "ap.org", "Ukrainian forces attacked Belarus.");
  elsewhere.actors = {"country:UKR"};
  elsewhere.recipients = {"country:BLR"};
  g.Add(elsewhere);
  EXPECT_EQ(g.PostingsRead(), 0u);
  // The same day and participants: m1 is read once, in the series of its
  // one (actor, recipient) pair.
  g.Add(Report("m4", "aljazeera.com", "Ukraine's army struck near Kursk."));
  EXPECT_EQ(g.PostingsRead(), 1u);
  // A mention naming only the recipient reads the mentions naming it in
  // any role: m1 (which also stands in for m4, a report of the same
  // fields) and not m5, which names other entities.
  Mention hit = Report("m6", "afp.com", "Russia was struck near Kursk.");
  hit.actors.clear();
  g.Add(hit);
  EXPECT_EQ(g.PostingsRead(), 2u);
  EXPECT_EQ(g.EventOf("m6"), g.EventOf("m1"));
  EXPECT_EQ(g.event_count(), 4u);
}

// Mentions naming actors and recipients are found through their (actor,
// recipient) pairs, and mentions naming one role, or too many pairs to
// post each, through their participants. Over every mix of these shapes,
// with participants shared across roles (an entity that is one mention's
// actor and another's recipient), in any order, the grouping must equal
// the components of Compatible() exactly.
TEST(EventGrouper, EveryParticipantShapeFindsItsCompatibleMentions) {
  std::mt19937 rng(5);
  auto participants = [&](int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(absl::StrCat("actor:", rng() % 30));
    return out;
  };
  std::vector<Mention> mentions;
  for (int i = 0; i < 300; ++i) {
    Mention m;
    m.mention_id = absl::StrCat("m", i);
    m.article_id = absl::StrCat("a", i);
    m.outlet = "o.com";
    m.event_type = kAssault;
    switch (rng() % 4) {
      case 0: m.actors = participants(1 + static_cast<int>(rng() % 2)); break;
      case 1: m.recipients = participants(1 + static_cast<int>(rng() % 2)); break;
      case 2:  // more than 16 (actor, recipient) pairs
        m.actors = participants(5);
        m.recipients = participants(4);
        break;
      default:
        m.actors = participants(1 + static_cast<int>(rng() % 2));
        m.recipients = participants(1);
    }
    m.when = OnDay(2024, 3, 1 + static_cast<int>(rng() % 28));
    m.seen_micros = i;
    mentions.push_back(std::move(m));
  }
  const std::size_t linked = CompatiblePairs(mentions);
  ASSERT_GT(linked, 300u);
  for (int order = 0; order < 3; ++order) {
    std::shuffle(mentions.begin(), mentions.end(), rng);
    EventGrouper g;
    for (const Mention& m : mentions) g.Add(m);
    ExpectConnectedComponents(g, mentions);
    EXPECT_GT(g.event_count(), 20u) << order;
  }
}

}  // namespace
}  // namespace newsevents::query::identity
