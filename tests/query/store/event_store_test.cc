#include "query/store/event_store.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kursk_fixture.h"
#include "query/store/clock.h"

namespace newsevents::query::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;
using namespace ::newsevents::query::store::testing;  // NOLINT: fixtures

std::vector<std::string> Ids(const std::vector<Event>& events) {
  std::vector<std::string> ids;
  for (const Event& e : events) ids.push_back(e.id);
  return ids;
}

class EventStoreTest : public ::testing::Test {
 protected:
  EventStoreTest() : clock_(Day(2025, 2, 1)), store_(EventStoreOptions{&clock_}) {}

  void AppendKursk() {
    auto r = store_.AppendArticle(KurskArticle(), KurskEvents(), KurskQuotes());
    ASSERT_TRUE(r.ok()) << r.status();
  }
  void AppendSudzha() {
    clock_.Advance(absl::Minutes(1));
    auto r = store_.AppendArticle(SudzhaArticle(), SudzhaEvents(), {});
    ASSERT_TRUE(r.ok()) << r.status();
  }
  std::vector<std::string> Matching(const EventFilter& filter) {
    ListEventsQuery q;
  q.mentions = true;  // the filter engine, mention by mention
    q.mentions = true;  // the filter engine, mention by mention
    q.filter = filter;
    q.page_size = kMaxPageSize;
    auto page = store_.ListEvents(q);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return {};
    EXPECT_EQ(page->total_size, static_cast<std::int64_t>(page->events.size()));
    return Ids(page->events);
  }

  ManualClock clock_;
  EventStore store_;
};

TEST_F(EventStoreTest, AppendAssignsRevisionsAndRoundTripsEvents) {
  auto r = store_.AppendArticle(KurskArticle(), KurskEvents(), KurskQuotes());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->article_id, kKurskId);
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(r->revision, 9);

  const std::vector<Event> input = KurskEvents();
  for (std::size_t i = 0; i < input.size(); ++i) {
    auto got = store_.GetEvent(input[i].id);
    ASSERT_TRUE(got.ok()) << got.status();
    Event want = input[i];
    want.revision = static_cast<std::int64_t>(i) + 1;
    want.ingested_at = Day(2025, 2, 1);
    want.published_at = Day(2024, 12, 27);
    // Mentions come back with the canonical record; aliases only from
    // SearchEntities.
    for (auto* list : {&want.actors, &want.recipients, &want.patients}) {
      for (Entity& x : *list) x.aliases.clear();
    }
    want.according_to.aliases.clear();
    for (Figure& f : want.figures) {
      f.counted.aliases.clear();
      f.source.aliases.clear();
    }
    // The identity is the grouping's (tested on its own).
    EXPECT_FALSE(got->identity.event_id.empty());
    want.identity = got->identity;
    EXPECT_EQ(*got, want) << input[i].id;
  }

  auto article = store_.GetArticle(kKurskId);
  ASSERT_TRUE(article.ok()) << article.status();
  EXPECT_EQ(article->event_count, 9);
  EXPECT_EQ(article->quote_count, 2);
  EXPECT_EQ(article->ingested_at, Day(2025, 2, 1));
  EXPECT_EQ(article->sections.size(), 7u);
  EXPECT_EQ(article->authors, std::vector<std::string>{"Jia"});
}

TEST_F(EventStoreTest, EventsSharingASentenceEachReturnIt) {
  // The store keeps a sentence once per article; every event still reads it.
  std::vector<Event> events;
  const std::vector<std::string> sentences = {"A first sentence.", "Another one.",
                                              "A first sentence.", "",
                                              "Another one."};
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    Event e = KurskEvents()[0];
    e.id = absl::StrCat("shared-", i);
    e.evidence.sentence = sentences[i];
    events.push_back(std::move(e));
  }
  ASSERT_TRUE(store_.AppendArticle(KurskArticle(), events, {}).ok());
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    auto got = store_.GetEvent(absl::StrCat("shared-", i));
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->evidence.sentence, sentences[i]) << i;
  }
}

TEST_F(EventStoreTest, RevisionPagesAndTheOutputEpoch) {
  ASSERT_TRUE(store_.AppendArticle(KurskArticle(), KurskEvents(), KurskQuotes()).ok());
  ListEventsQuery q;
  q.mentions = true;  // the filter engine, mention by mention
  q.page_size = 4;
  auto revisions = store_.ListEventRevisions(q);
  auto events = store_.ListEvents(q);
  ASSERT_TRUE(revisions.ok() && events.ok());
  ASSERT_EQ(revisions->revisions.size(), events->events.size());
  for (std::size_t i = 0; i < events->events.size(); ++i) {
    auto e = store_.GetEventByRevision(revisions->revisions[i]);
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_EQ(*e, events->events[i]);
  }
  EXPECT_EQ(revisions->next_page_token, events->next_page_token);
  EXPECT_EQ(store_.GetEventByRevision(0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.GetEventByRevision(10).status().message(), "revision 10 not found");

  // Naming a known entity again changes nothing; filling in a field it
  // lacked changes how earlier events read, and moves the epoch on.
  const std::int64_t epoch = store_.output_epoch();
  std::vector<Event> same = {KurskEvents()[0]};
  same[0].id = "again-1";
  same[0].article_id.clear();
  ArticleInfo again = KurskArticle();
  again.id = "art_again";
  ASSERT_TRUE(store_.AppendArticle(again, same, {}).ok());
  EXPECT_EQ(store_.output_epoch(), epoch);
  std::vector<Event> more = {KurskEvents()[0]};
  more[0].id = "again-2";
  more[0].article_id.clear();
  more[0].actors[0].sector = "government";
  again.id = "art_again_2";
  ASSERT_TRUE(store_.AppendArticle(again, more, {}).ok());
  EXPECT_GT(store_.output_epoch(), epoch);
}

TEST_F(EventStoreTest, SecondAppendOfAnArticleIsADuplicateAndChangesNothing) {
  AppendKursk();
  const Stats before = store_.GetStats();
  std::vector<Event> other = SudzhaEvents();
  for (Event& e : other) e.article_id.clear();
  auto r = store_.AppendArticle(KurskArticle(), other, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->duplicate);
  EXPECT_EQ(r->revision, 9);
  const Stats after = store_.GetStats();
  EXPECT_EQ(after.events, before.events);
  EXPECT_EQ(after.articles, 1);
  EXPECT_EQ(store_.GetEvent("sudzha-e1").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(EventStoreTest, ModalityDefaultsToAsserted) {
  Event e = SudzhaEvents()[0];
  e.modality = Modality::kUnspecified;
  ASSERT_TRUE(store_.AppendArticle(SudzhaArticle(), {e}, {}).ok());
  EXPECT_EQ(store_.GetEvent(e.id)->modality, Modality::kAsserted);
}

struct BadAppendCase {
  std::string name;
  std::function<void(ArticleInfo&, std::vector<Event>&, std::vector<Quote>&)> edit;
  absl::StatusCode code;
  std::string message;
  friend void PrintTo(const BadAppendCase& c, std::ostream* os) { *os << c.name; }
};

class BadAppendTest : public EventStoreTest,
                      public ::testing::WithParamInterface<BadAppendCase> {};

TEST_P(BadAppendTest, FailsAndStoresNothing) {
  ArticleInfo article = KurskArticle();
  std::vector<Event> events = KurskEvents();
  std::vector<Quote> quotes = KurskQuotes();
  GetParam().edit(article, events, quotes);
  auto r = store_.AppendArticle(article, events, quotes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), GetParam().code) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr(GetParam().message));
  const Stats stats = store_.GetStats();
  EXPECT_EQ(stats.articles, 0);
  EXPECT_EQ(stats.events, 0);
  EXPECT_EQ(stats.quotes, 0);
  EXPECT_EQ(stats.entities, 0);
  EXPECT_EQ(store_.GetEvent("kursk-e1").status().code(),
            absl::StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(
    Invariants, BadAppendTest,
    ::testing::Values(
        BadAppendCase{"EmptyArticleId",
                      [](auto& a, auto&, auto&) { a.id.clear(); },
                      absl::StatusCode::kInvalidArgument, "article.id: is empty"},
        BadAppendCase{"EmptyEventId",
                      [](auto&, auto& e, auto&) { e[3].id.clear(); },
                      absl::StatusCode::kInvalidArgument, "events[3].id: is empty"},
        BadAppendCase{"EventOfAnotherArticle",
                      [](auto&, auto& e, auto&) { e[8].article_id = "art_other"; },
                      absl::StatusCode::kInvalidArgument,
                      "events[8].article_id: 'art_other' differs from article.id "
                      "'art_kursk'"},
        BadAppendCase{"RepeatedEventId",
                      [](auto&, auto& e, auto&) { e[2].id = e[1].id; },
                      absl::StatusCode::kInvalidArgument,
                      "events[2].id: 'kursk-e2' is repeated"},
        BadAppendCase{"UnspecifiedType",
                      [](auto&, auto& e, auto&) {
                        e[5].type = EventType::kUnspecified;
                      },
                      absl::StatusCode::kInvalidArgument,
                      "events[5].type: unknown event type 0"},
        BadAppendCase{"OutOfRangeType",
                      [](auto&, auto& e, auto&) {
                        e[5].type = static_cast<EventType>(99);
                      },
                      absl::StatusCode::kInvalidArgument,
                      "events[5].type: unknown event type 99"},
        BadAppendCase{"FigureLowAboveHigh",
                      [](auto&, auto& e, auto&) { e[5].figures[0].low = 20000; },
                      absl::StatusCode::kInvalidArgument,
                      "events[5].figures[0]: low 20000 is above high 11000"},
        BadAppendCase{"ParticipantWithoutId",
                      [](auto&, auto& e, auto&) { e[0].actors[0].id.clear(); },
                      absl::StatusCode::kInvalidArgument,
                      "events[0]: a participant has an empty entity id"},
        BadAppendCase{"QuoteOfAnotherArticle",
                      [](auto&, auto&, auto& q) { q[1].article_id = "art_x"; },
                      absl::StatusCode::kInvalidArgument,
                      "quotes[1].article_id: 'art_x' differs"},
        BadAppendCase{"EmptyQuoteId",
                      [](auto&, auto&, auto& q) { q[0].id.clear(); },
                      absl::StatusCode::kInvalidArgument, "quotes[0].id: is empty"}),
    [](const auto& info) { return info.param.name; });

TEST_F(EventStoreTest, EventIdOfAnotherArticleIsAlreadyExistsAndAtomic) {
  AppendKursk();
  std::vector<Event> events = SudzhaEvents();
  events[1].id = "kursk-e4";  // the first event is fine, the second is not
  auto r = store_.AppendArticle(SudzhaArticle(), events, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(r.status().message(),
              HasSubstr("event 'kursk-e4' already exists in article 'art_kursk'"));
  EXPECT_EQ(store_.GetEvent("sudzha-e1").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.GetArticle(kSudzhaId).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.revision(), 9);

  std::vector<Quote> quotes = KurskQuotes();
  quotes[0].article_id.clear();
  auto q = store_.AppendArticle(SudzhaArticle(), {}, {quotes[0]});
  EXPECT_EQ(q.status().code(), absl::StatusCode::kAlreadyExists);
}

// Readers go on while the writer compresses texts and trains the
// dictionary: a reader that keeps fetching events already stored always
// gets their exact text, before, during and after training.
TEST(EventStoreTextTest, ReadersGetExactTextsWhileTheDictionaryIsTrained) {
  ManualClock clock(Day(2025, 2, 1));
  EventStore store(EventStoreOptions{.clock = &clock, .text_sample_bytes = 16 << 10});
  auto sentence_of = [](int a) {
    std::string s = absl::StrCat("Report ", a, ":");
    for (int w = 0; w < 24; ++w) absl::StrAppend(&s, " word", (a * 31 + w * 7) % 97);
    return s + ".";
  };
  constexpr int kArticles = 400;
  std::atomic<int> stored{0};
  std::atomic<int> mismatches{0};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    for (int round = 0; stored.load() < kArticles || round < 3; ++round) {
      const int n = stored.load();
      for (int a = 0; a < n; a += 7) {
        absl::StatusOr<Event> got = store.GetEvent(absl::StrCat("art_live_", a, "-0"));
        reads.fetch_add(1);
        if (!got.ok() || got->evidence.sentence != sentence_of(a) ||
            got->summary != absl::StrCat("summary ", a)) {
          mismatches.fetch_add(1);
        }
      }
      if (stored.load() >= kArticles && round >= 3) break;
    }
  });
  for (int a = 0; a < kArticles; ++a) {
    ArticleInfo article;
    article.id = absl::StrCat("art_live_", a);
    Event e = KurskEvents()[0];
    e.id = absl::StrCat(article.id, "-0");
    e.article_id = article.id;
    e.quote_ids.clear();
    e.evidence.sentence = sentence_of(a);
    e.summary = absl::StrCat("summary ", a);
    ASSERT_TRUE(store.AppendArticle(article, {e}, {}).ok());
    stored.store(a + 1);
  }
  reader.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_GT(reads.load(), kArticles / 7);
  // The dictionary was trained along the way: later texts are stored in
  // less room than they were given in.
  EXPECT_LT(store.GetMemoryUsage().event_text, kArticles * (sentence_of(0).size() + 12));
}

// Evidence sentences and summaries are stored compressed once the store has
// seen enough of them to train its dictionary: every text comes back
// exactly, from before and after training, from an event holding its
// sentence and from one pointing at an earlier event's, and the texts take
// less room than in a store that never compresses.
TEST(EventStoreTextTest, TextsComeBackExactlyAndTakeLessRoomOnceCompressed) {
  ManualClock clock(Day(2025, 2, 1));
  EventStore plain(EventStoreOptions{.clock = &clock, .text_sample_bytes = 0});
  EventStore packed(EventStoreOptions{.clock = &clock, .text_sample_bytes = 8192});
  const char* const kWords[] = {"forces", "said", "the", "attack", "on", "village",
                                "killed", "at", "least", "civilians", "near", "border",
                                "drones", "struck", "overnight", "officials", "region"};
  std::vector<Event> all;
  for (int a = 0; a < 300; ++a) {
    ArticleInfo article;
    article.id = absl::StrCat("art_text_", a);
    std::vector<Event> events;
    for (int k = 0; k < 4; ++k) {
      Event e = KurskEvents()[0];
      e.id = absl::StrCat(article.id, "-", k);
      e.article_id = article.id;
      e.quote_ids.clear();
      std::string sentence = absl::StrCat("In ", a, ", ");
      for (int w = 0; w < 20; ++w) {
        absl::StrAppend(&sentence, kWords[(a * 7 + k * 3 + w * w) % 17], " ");
      }
      sentence += a % 10 == 0 ? "\xd0\x9a\xd1\x83\xd1\x80\xd1\x81\xd0\xba." : ".";
      // Events 0 and 1 share a sentence (held once); event 3 has none.
      e.evidence.sentence = k == 1 ? events[0].evidence.sentence : k == 3 ? "" : sentence;
      e.summary = k == 2 ? "" : absl::StrCat("summary of ", e.id, " ", kWords[k]);
      events.push_back(e);
    }
    for (EventStore* store : {&plain, &packed}) {
      ASSERT_TRUE(store->AppendArticle(article, events, {}).ok());
    }
    all.insert(all.end(), events.begin(), events.end());
  }
  for (const Event& want : all) {
    for (EventStore* store : {&plain, &packed}) {
      absl::StatusOr<Event> got = store->GetEvent(want.id);
      ASSERT_TRUE(got.ok()) << got.status();
      ASSERT_EQ(got->evidence.sentence, want.evidence.sentence) << want.id;
      ASSERT_EQ(got->summary, want.summary) << want.id;
    }
  }
  const MemoryUsage plain_bytes = plain.GetMemoryUsage();
  const MemoryUsage packed_bytes = packed.GetMemoryUsage();
  EXPECT_LT(packed_bytes.event_text, plain_bytes.event_text / 2)
      << "plain " << plain_bytes.event_text << " B, compressed " << packed_bytes.event_text
      << " B";
  EXPECT_LE(packed_bytes.event_columns, plain_bytes.event_columns);
}


// Articles are stored packed (their id and times in fields, the rest as
// bytes): every field comes back exactly as given, through GetArticle, the
// export that snapshots use, and the events and quotes that name the article.
TEST_F(EventStoreTest, ArticlesKeepEveryFieldExactly) {
  ArticleInfo full = KurskArticle();
  full.title = std::string(300, 't');  // longer than one varint byte
  full.authors = {"Jia", "", "B. Ortiz"};
  full.outlet = "news.example";
  full.url = "https://news.example/kursk?x=1";
  full.language = "en";
  full.sections = {Section{"", 0}, Section{"Kursk", 120}, Section{"Aftermath", 4096}};
  full.body_bytes = 123456;
  full.published_at = absl::FromUnixNanos(1722902400123456789);  // nanoseconds kept
  ArticleInfo bare;
  bare.id = "art_bare";
  Event e = KurskEvents()[0];
  e.id = "bare-1";
  e.article_id = "art_bare";
  e.quote_ids.clear();
  ASSERT_TRUE(store_.AppendArticle(full, KurskEvents(), KurskQuotes()).ok());
  auto appended = store_.AppendArticle(bare, {e}, {});
  ASSERT_TRUE(appended.ok()) << appended.status();

  ArticleInfo want_full = full;
  want_full.event_count = static_cast<std::int32_t>(KurskEvents().size());
  want_full.quote_count = static_cast<std::int32_t>(KurskQuotes().size());
  want_full.ingested_at = Day(2025, 2, 1);
  ArticleInfo want_bare = bare;
  want_bare.event_count = 1;
  want_bare.ingested_at = Day(2025, 2, 1);
  EXPECT_EQ(*store_.GetArticle(full.id), want_full);
  EXPECT_EQ(*store_.GetArticle("art_bare"), want_bare);

  std::vector<ArticleInfo> exported;
  ASSERT_TRUE(store_
                  .ExportArticles([] {},
                                  [&](const ArticleInfo& a, const std::vector<Event>& events,
                                      const std::vector<Quote>& quotes) {
                                    exported.push_back(a);
                                    for (const Event& ev : events) {
                                      EXPECT_EQ(ev.article_id, a.id);
                                      EXPECT_EQ(ev.published_at, a.published_at);
                                    }
                                    for (const Quote& q : quotes) {
                                      EXPECT_EQ(q.article_id, a.id);
                                      EXPECT_EQ(q.published_at, a.published_at);
                                    }
                                    return absl::OkStatus();
                                  })
                  .ok());
  EXPECT_THAT(exported, ElementsAre(want_full, want_bare));
  EXPECT_EQ(store_.GetEvent("bare-1")->article_id, "art_bare");
  EXPECT_EQ(store_.GetEvent("bare-1")->published_at, std::nullopt);
  EXPECT_EQ(store_.GetEvent(KurskEvents()[0].id)->published_at, full.published_at);
}

// Ids of the ingest service's shape are stored packed, times in whole
// minutes, role counts in a byte and figures in 32 bits: the rest of each
// is kept apart. Every shape must read back exactly.
TEST_F(EventStoreTest, IdsTimesAndRoleCountsOfEveryShapeReadBack) {
  std::vector<Event> events = KurskEvents();
  ASSERT_GE(events.size(), 6u);
  const std::vector<std::string> ids = {
      "ev_0123456789abcdef",   // packed
      "ev_0123456789ABCDEF",   // upper case: as given
      "ev_0123456789abcde",    // 15 digits
      "ev_0123456789abcdeg",   // not hex
      "xv_0123456789abcdef",   // another prefix
      "ev_ffffffffffffffff"};  // packed, all bits
  for (std::size_t i = 0; i < ids.size(); ++i) events[i].id = ids[i];
  events[0].when.start = *events[0].when.start + absl::Milliseconds(1500);
  events[1].when.end = absl::FromUnixMicros(-1);  // before 1970, not a whole minute
  events[1].when.start.reset();
  events[1].when.open_start = true;
  events[2].actors.clear();
  for (int k = 0; k < 17; ++k) {
    Entity a;
    a.id = absl::StrCat("actor:", k);
    a.name = absl::StrCat("Actor ", k);
    events[2].actors.push_back(a);
  }
  // Figures past 32 bits are kept apart.
  Figure wide;
  wide.kind = FigureKind::kOther;
  wide.low = std::int64_t{1} << 40;
  wide.high = (std::int64_t{1} << 40) + 5;
  wide.qualifier = Qualifier::kRange;
  Figure negative = wide;
  negative.low = -(std::int64_t{1} << 33);
  negative.high.reset();
  negative.qualifier = Qualifier::kAtLeast;
  Figure narrow = wide;
  narrow.low = 2'147'483'647;
  narrow.high = 2'147'483'647;
  events[3].figures = {wide, narrow, negative};
  auto r = store_.AppendArticle(KurskArticle(), events, KurskQuotes());
  ASSERT_TRUE(r.ok()) << r.status();
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto got = store_.GetEvent(events[i].id);
    ASSERT_TRUE(got.ok()) << events[i].id << ": " << got.status();
    ASSERT_EQ(got->figures.size(), events[i].figures.size()) << events[i].id;
    for (std::size_t k = 0; k < got->figures.size(); ++k) {
      const Figure& g = got->figures[k];
      const Figure& w = events[i].figures[k];
      EXPECT_EQ(g.kind, w.kind) << events[i].id << " figure " << k;
      EXPECT_EQ(g.low, w.low) << events[i].id << " figure " << k;
      EXPECT_EQ(g.high, w.high) << events[i].id << " figure " << k;
      EXPECT_EQ(g.qualifier, w.qualifier) << events[i].id << " figure " << k;
    }
    EXPECT_EQ(got->place, events[i].place) << events[i].id;
    EXPECT_EQ(got->according_to.id, events[i].according_to.id) << events[i].id;
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto got = store_.GetEvent(events[i].id);
    ASSERT_TRUE(got.ok()) << events[i].id << ": " << got.status();
    EXPECT_EQ(got->id, events[i].id);
    EXPECT_EQ(got->when, events[i].when) << events[i].id;
    EXPECT_EQ(got->actors.size(), events[i].actors.size()) << events[i].id;
    EXPECT_EQ(got->recipients.size(), events[i].recipients.size()) << events[i].id;
    EXPECT_EQ(got->summary, events[i].summary) << events[i].id;
  }
  for (const char* near : {"ev_0123456789abcdee", "ev_0123456789abcdeF", "ev_0123456789abcdef0",
                           "ev_0123456789ABCDEE"}) {
    EXPECT_EQ(store_.GetEvent(near).status().code(), absl::StatusCode::kNotFound) << near;
  }
  // The packed id is taken: appending it again is refused.
  ArticleInfo other = KurskArticle();
  other.id = "art_other";
  std::vector<Event> again = {events[0]};
  again[0].article_id = other.id;
  auto dup = store_.AppendArticle(other, again, {});
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists) << dup.status();
}

TEST_F(EventStoreTest, UnknownIdsAreNotFound) {
  AppendKursk();
  auto e = store_.GetEvent("ev_x");
  EXPECT_EQ(e.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e.status().message(), "event 'ev_x' not found");
  auto a = store_.GetArticle("art_x");
  EXPECT_EQ(a.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(a.status().message(), "article 'art_x' not found");
}

struct FilterCase {
  std::string name;
  EventFilter filter;
  std::vector<std::string> want;
  friend void PrintTo(const FilterCase& c, std::ostream* os) { *os << c.name; }
};

class FilterTest : public EventStoreTest,
                   public ::testing::WithParamInterface<FilterCase> {};

TEST_P(FilterTest, MatchesExactly) {
  AppendKursk();
  AppendSudzha();
  EXPECT_THAT(Matching(GetParam().filter),
              UnorderedElementsAreArray(GetParam().want));
}

const std::vector<std::string> kAllDefault = {
    "kursk-e1", "kursk-e2", "kursk-e3", "kursk-e4", "kursk-e5", "kursk-e6",
    "kursk-e7", "kursk-e8", "kursk-e9", "sudzha-e1"};

INSTANTIATE_TEST_SUITE_P(
    Filters, FilterTest,
    ::testing::Values(
        FilterCase{"NoFilterHidesDenied", {}, kAllDefault},
        FilterCase{"Type", {.types = {EventType::kAssault}},
                   {"kursk-e3", "kursk-e7", "sudzha-e1"}},
        FilterCase{"TypesAreOred",
                   {.types = {EventType::kCoerce, EventType::kMobilize}},
                   {"kursk-e1", "kursk-e6"}},
        FilterCase{"Mode", {.modes = {"casualties", "death"}},
                   {"kursk-e2", "kursk-e8", "kursk-e9"}},
        FilterCase{"EntityInAnyRole", {.entity_ids = {"country:PRK"}},
                   {"kursk-e5", "kursk-e6"}},
        FilterCase{"Actor", {.actor_ids = {"country:UKR"}},
                   {"kursk-e1", "kursk-e3"}},
        FilterCase{"RecipientIncludesPatients",
                   {.recipient_ids = {"force:prk-military"}},
                   {"kursk-e1", "kursk-e2", "kursk-e8", "kursk-e9"}},
        FilterCase{"NameByAliasIgnoringCase", {.entity_names = {"zelensky"}},
                   {"kursk-e4", "kursk-e5"}},
        FilterCase{"CanonicalNameIgnoringCase",
                   {.entity_names = {"NORTH KOREA"}},
                   {"kursk-e5", "kursk-e6"}},
        FilterCase{"Country", {.countries = {"RUS"}},
                   {"kursk-e1", "kursk-e2", "kursk-e3", "kursk-e6", "kursk-e7",
                    "kursk-e8", "kursk-e9", "sudzha-e1"}},
        FilterCase{"Admin1MatchesTownsInside", {.place_ids = {"iso:RU-KRS"}},
                   {"kursk-e1", "kursk-e2", "kursk-e3", "kursk-e6", "kursk-e7",
                    "kursk-e8", "kursk-e9", "sudzha-e1"}},
        FilterCase{"CountryPlaceId",
                   {.place_ids = {"iso:UKR"},
                    .modalities = {Modality::kDenied}},
                   {"sudzha-e2"}},
        FilterCase{"TownOnly", {.place_ids = {"gn:sudzha"}}, {"sudzha-e1"}},
        FilterCase{"DayOverlapsOpenStartsAndOpenEnds",
                   {.start_time = Day(2024, 12, 26), .end_time = Day(2024, 12, 27)},
                   {"kursk-e1", "kursk-e2", "kursk-e4", "kursk-e5", "kursk-e6",
                    "kursk-e7", "kursk-e8", "kursk-e9"}},
        FilterCase{"MonthGranularityOverlap",
                   {.types = {EventType::kAssault},
                    .start_time = Day(2024, 8, 31),
                    .end_time = Day(2024, 9, 30)},
                   {"kursk-e3", "kursk-e7"}},
        FilterCase{"OpenEndedQueryRange",
                   {.start_time = Day(2025, 1, 1)},
                   {"kursk-e6", "sudzha-e1"}},
        FilterCase{"RangeEndIsExclusive",
                   {.types = {EventType::kAssault},
                    .start_time = Day(2025, 1, 1), .end_time = Day(2025, 1, 10)},
                   {}},
        FilterCase{"Article", {.article_ids = {"art_sudzha"}}, {"sudzha-e1"}},
        FilterCase{"ExplicitModality", {.modalities = {Modality::kEstimated}},
                   {"kursk-e9"}},
        FilterCase{"Source", {.source_ids = {"org:kor-nis"}},
                   {"kursk-e1", "kursk-e2", "kursk-e8"}},
        FilterCase{"AndAcrossFields",
                   {.types = {EventType::kOutcome},
                    .source_ids = {"person:volodymyr-zelenskyy"}},
                   {"kursk-e9"}},
        FilterCase{"UnknownIdMatchesNothing", {.entity_ids = {"country:XXX"}}, {}},
        FilterCase{"UnknownAmongKnownIsIgnored",
                   {.entity_ids = {"country:XXX", "force:prk-storm-corps"}},
                   {"kursk-e7"}}),
    [](const auto& info) { return info.param.name; });

TEST_F(EventStoreTest, OrdersByEventTimeAndIngestTimeWithRevisionTies) {
  AppendKursk();
  AppendSudzha();
  ListEventsQuery q;
  q.mentions = true;  // the filter engine, mention by mention
  q.filter.types = {EventType::kAssault, EventType::kCoerce, EventType::kMobilize};
  q.order_by = OrderBy::kEventTimeDesc;
  EXPECT_THAT(Ids(store_.ListEvents(q)->events),
              ElementsAre("sudzha-e1", "kursk-e7", "kursk-e1", "kursk-e6",
                          "kursk-e3"));
  q.order_by = OrderBy::kEventTimeAsc;
  EXPECT_THAT(Ids(store_.ListEvents(q)->events),
              ElementsAre("kursk-e3", "kursk-e6", "kursk-e1", "kursk-e7",
                          "sudzha-e1"));
  q.order_by = OrderBy::kIngestTimeDesc;
  EXPECT_THAT(Ids(store_.ListEvents(q)->events),
              ElementsAre("sudzha-e1", "kursk-e7", "kursk-e6", "kursk-e3",
                          "kursk-e1"));
  q.order_by = OrderBy::kIngestTimeAsc;
  EXPECT_THAT(Ids(store_.ListEvents(q)->events),
              ElementsAre("kursk-e1", "kursk-e3", "kursk-e6", "kursk-e7",
                          "sudzha-e1"));
  // Equal times: the OUTCOME events all end 2024-12-28; ties by revision.
  q.filter.types = {EventType::kOutcome};
  q.order_by = OrderBy::kEventTimeDesc;
  EXPECT_THAT(Ids(store_.ListEvents(q)->events),
              ElementsAre("kursk-e9", "kursk-e8", "kursk-e2"));
}

TEST_F(EventStoreTest, IngestTimeNeverGoesBackwards) {
  AppendKursk();
  clock_.Set(Day(2020, 1, 1));
  AppendSudzha();
  EXPECT_EQ(store_.GetArticle(kSudzhaId)->ingested_at, Day(2025, 2, 1));
}

// Articles of `n` events a day apart, starting at `first_day` of 2024-03.
std::vector<Event> DailyEvents(const std::string& prefix, int first_day, int n) {
  std::vector<Event> out;
  for (int i = 0; i < n; ++i) {
    Event e;
    e.id = absl::StrCat(prefix, i);
    e.type = EventType::kProtest;
    e.mode = "demo";
    e.actors = {Entity{.id = "group:protesters", .name = "protesters",
                       .kind = EntityKind::kGroup}};
    e.when = OnDay(2024, 3, first_day + i);
    e.modality = Modality::kAsserted;
    out.push_back(std::move(e));
  }
  return out;
}

// A read with a limit of examined candidates either answers the same page
// as an unlimited one or stops with an empty page marked over_budget.
TEST_F(EventStoreTest, ListEventRevisionsStopsAtItsBudget) {
  ArticleInfo a;
  a.id = "art_a";
  ASSERT_TRUE(store_.AppendArticle(a, DailyEvents("a", 1, 25), {}).ok());
  ListEventsQuery q;
  q.mentions = true;
  q.filter.types = {EventType::kProtest};
  q.page_size = 10;
  auto full = store_.ListEventRevisions(q);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_FALSE(full->over_budget);
  ASSERT_EQ(full->revisions.size(), 10u);

  // All 25 protests are candidates, all match: fewer than 25 checks cannot
  // finish the page (every candidate may be among the newest ten).
  for (std::size_t budget : {std::size_t{1}, std::size_t{10}, std::size_t{24}}) {
    auto cut = store_.ListEventRevisions(q, budget);
    ASSERT_TRUE(cut.ok()) << cut.status();
    EXPECT_TRUE(cut->over_budget) << budget;
    EXPECT_TRUE(cut->revisions.empty()) << budget;
    EXPECT_TRUE(cut->next_page_token.empty()) << budget;
  }
  for (std::size_t budget : {std::size_t{25}, std::size_t{1000}}) {
    auto within = store_.ListEventRevisions(q, budget);
    ASSERT_TRUE(within.ok()) << within.status();
    EXPECT_FALSE(within->over_budget) << budget;
    EXPECT_EQ(within->revisions, full->revisions) << budget;
    EXPECT_EQ(within->next_page_token, full->next_page_token) << budget;
    EXPECT_EQ(within->total_size, full->total_size) << budget;
  }
  // Bad input is an error whatever the budget.
  q.page_size = -1;
  EXPECT_EQ(store_.ListEventRevisions(q, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A filter on two selective fields reads one field's postings and checks
// the other by walking its list alongside (a probe). The candidates the
// probe turns away count against the budget and toward total_size's basis,
// as candidates checked one by one do.
TEST_F(EventStoreTest, ProbedCandidatesCountAgainstTheBudget) {
  auto events = [](const std::string& prefix, EventType type, const std::string& actor, int n) {
    std::vector<Event> out = DailyEvents(prefix, 1, n);
    for (Event& e : out) {
      e.type = type;
      e.actors = {Entity{.id = actor, .name = actor, .kind = EntityKind::kGroup}};
    }
    return out;
  };
  // 10 protests by protesters (the matches), 20 by students, 30 assaults by
  // protesters and 100 by an army: the 30 protests are the smallest list
  // (under a quarter of the 160 events), the 40 events of the protesters
  // the probe.
  ArticleInfo a;
  a.id = "art_a";
  std::vector<Event> all = events("m", EventType::kProtest, "group:protesters", 10);
  for (auto more : {events("s", EventType::kProtest, "group:students", 20),
                    events("c", EventType::kAssault, "group:protesters", 30),
                    events("d", EventType::kAssault, "group:army", 100)}) {
    all.insert(all.end(), more.begin(), more.end());
  }
  ASSERT_TRUE(store_.AppendArticle(a, std::move(all), {}).ok());
  ListEventsQuery q;
  q.mentions = true;
  q.filter.types = {EventType::kProtest};
  q.filter.actor_ids = {"group:protesters"};
  q.page_size = 50;
  auto full = store_.ListEventRevisions(q);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_FALSE(full->over_budget);
  EXPECT_EQ(full->revisions.size(), 10u);
  EXPECT_EQ(full->total_size, 10);
  auto page = store_.ListEvents(q);
  ASSERT_TRUE(page.ok()) << page.status();
  for (const Event& e : page->events) EXPECT_EQ(e.id.substr(0, 1), "m") << e.id;

  // 10 candidates checked and 20 turned away: 30 in all.
  for (std::size_t budget : {std::size_t{10}, std::size_t{29}}) {
    auto cut = store_.ListEventRevisions(q, budget);
    ASSERT_TRUE(cut.ok()) << cut.status();
    EXPECT_TRUE(cut->over_budget) << budget;
    EXPECT_TRUE(cut->revisions.empty()) << budget;
  }
  auto within = store_.ListEventRevisions(q, 30);
  ASSERT_TRUE(within.ok()) << within.status();
  EXPECT_FALSE(within->over_budget);
  EXPECT_EQ(within->revisions, full->revisions);
  EXPECT_EQ(within->total_size, 10);
}

TEST_F(EventStoreTest, PagesStayGapFreeWhileEventsArrive) {
  ArticleInfo a;
  a.id = "art_a";
  ASSERT_TRUE(store_.AppendArticle(a, DailyEvents("a", 1, 25), {}).ok());

  ListEventsQuery q;
  q.mentions = true;  // the filter engine, mention by mention
  q.filter.types = {EventType::kProtest};
  q.page_size = 10;
  std::vector<std::string> seen;
  auto page = store_.ListEvents(q);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total_size, 25);
  for (const Event& e : page->events) seen.push_back(e.id);
  ASSERT_FALSE(page->next_page_token.empty());

  // New events both before and after the cursor (2024-03-16), with the
  // same times as stored ones.
  ArticleInfo b;
  b.id = "art_b";
  ASSERT_TRUE(store_.AppendArticle(b, DailyEvents("b", 10, 15), {}).ok());

  while (!page->next_page_token.empty()) {
    q.page_token = page->next_page_token;
    page = store_.ListEvents(q);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Event& e : page->events) seen.push_back(e.id);
  }
  EXPECT_EQ(page->total_size, 40);
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "an event was repeated";
  for (int i = 0; i < 25; ++i) {
    EXPECT_TRUE(unique.contains(absl::StrCat("a", i))) << "skipped a" << i;
  }
  // b events older than the cursor show up; newer ones (and the one at the
  // cursor's day, stored later) are behind it.
  EXPECT_TRUE(unique.contains("b0"));   // 2024-03-10
  EXPECT_FALSE(unique.contains("b6"));  // 2024-03-16, revision after a15
  EXPECT_TRUE(unique.contains("b5"));   // 2024-03-15
}

TEST_F(EventStoreTest, RejectsForeignTamperedAndMalformedTokens) {
  ArticleInfo a;
  a.id = "art_a";
  ASSERT_TRUE(store_.AppendArticle(a, DailyEvents("a", 1, 5), {}).ok());
  ListEventsQuery q;
  q.mentions = true;  // the filter engine, mention by mention
  q.page_size = 2;
  auto page = store_.ListEvents(q);
  ASSERT_TRUE(page.ok());
  const std::string token = page->next_page_token;
  ASSERT_FALSE(token.empty());

  ListEventsQuery other = q;
  other.page_token = token;
  other.filter.types = {EventType::kProtest};
  auto r = store_.ListEvents(other);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("page_token"));

  other = q;
  other.page_token = token;
  other.order_by = OrderBy::kIngestTimeAsc;
  EXPECT_EQ(store_.ListEvents(other).status().code(),
            absl::StatusCode::kInvalidArgument);

  std::string tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  other = q;
  other.page_token = tampered;
  r = store_.ListEvents(other);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("page_token"));

  other.page_token = "not a token!";
  r = store_.ListEvents(other);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("page_token is malformed"));

  // The page size may change between pages.
  other = q;
  other.page_token = token;
  other.page_size = 50;
  auto rest = store_.ListEvents(other);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->events.size(), 3u);
  EXPECT_TRUE(rest->next_page_token.empty());
}

TEST_F(EventStoreTest, PageSizeBounds) {
  ListEventsQuery q;
  q.mentions = true;  // the filter engine, mention by mention
  q.page_size = -1;
  EXPECT_EQ(store_.ListEvents(q).status().code(), absl::StatusCode::kInvalidArgument);
  q.page_size = 1001;
  EXPECT_THAT(store_.ListEvents(q).status().message(),
              HasSubstr("page_size: must be in 0..1000, got 1001"));
  ArticleInfo a;
  a.id = "art_a";
  ASSERT_TRUE(store_.AppendArticle(a, DailyEvents("a", 1, 60), {}).ok());
  q.page_size = 0;
  EXPECT_EQ(store_.ListEvents(q)->events.size(), 50u);
}

const Bucket* Find(const AggregateResult& r, std::vector<std::string> keys) {
  for (const Bucket& b : r.buckets) {
    if (b.keys == keys) return &b;
  }
  return nullptr;
}

TEST_F(EventStoreTest, AggregatesFiguresBySourceSideBySide) {
  AppendKursk();
  AppendSudzha();
  AggregateQuery q;
  q.count_mentions = true;
  q.filter.types = {EventType::kOutcome};
  q.group_by = {GroupBy::kSource};
  auto r = store_.AggregateEvents(q);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total_events, 3);
  ASSERT_EQ(r->buckets.size(), 2u);
  const Bucket& nis = r->buckets[0];
  EXPECT_EQ(nis.keys, std::vector<std::string>{"org:kor-nis"});
  EXPECT_EQ(nis.labels, std::vector<std::string>{"National Intelligence Service"});
  EXPECT_EQ(nis.event_count, 2);
  EXPECT_EQ(nis.article_count, 1);
  EXPECT_THAT(nis.figures,
              ElementsAre(FigureStats{FigureKind::kKilled, 2, 102, 102, 1, 101},
                          FigureStats{FigureKind::kInjured, 1, 1000, 1000, 1000,
                                      1000}));
  const Bucket& zel = r->buckets[1];
  EXPECT_EQ(zel.keys, std::vector<std::string>{"person:volodymyr-zelenskyy"});
  EXPECT_THAT(zel.figures,
              ElementsAre(FigureStats{FigureKind::kKilledOrInjured, 1, 3001,
                                      3001, 3001, 3001}));
}

std::vector<std::string> SourceIds(const FigureReport& r) {
  std::vector<std::string> ids;
  for (const SourceFigures& s : r.sources) ids.push_back(s.source.id);
  return ids;
}

TEST_F(EventStoreTest, ListsFiguresSideBySideBySource) {
  AppendKursk();
  AppendSudzha();
  FigureQuery q;
  q.filter.place_ids = {"iso:RU-KRS"};
  q.counted_ids = {"country:PRK"};
  q.kinds = {FigureKind::kKilled, FigureKind::kInjured, FigureKind::kKilledOrInjured};
  auto r = store_.ListFigures(q);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(SourceIds(*r), (std::vector<std::string>{"org:kor-nis", "person:volodymyr-zelenskyy"}));
  EXPECT_EQ(r->total_figures, 4);
  EXPECT_FALSE(r->truncated);
  const SourceFigures& nis = r->sources[0];
  EXPECT_EQ(nis.source.name, "National Intelligence Service");
  ASSERT_EQ(nis.figures.size(), 3u);
  std::vector<std::string> texts;
  for (const SourcedFigure& f : nis.figures) {
    texts.push_back(f.figure.text);
    EXPECT_EQ(f.article_id, kKurskId);
    EXPECT_EQ(f.figure.source.id, "org:kor-nis");
  }
  EXPECT_THAT(texts, UnorderedElementsAreArray(std::vector<std::string>{
                         "has died", "more than 100 fatalities", "approximately 1,000 injuries"}));
  const SourceFigures& zel = r->sources[1];
  ASSERT_EQ(zel.figures.size(), 1u);
  EXPECT_EQ(zel.figures[0].figure.kind, FigureKind::kKilledOrInjured);
  EXPECT_EQ(zel.figures[0].figure.low, 3001);
  EXPECT_EQ(zel.figures[0].figure.high, std::nullopt);
  // Killed-or-wounded and killed are different kinds: no conflict.
  EXPECT_THAT(r->conflicts, IsEmpty());
  // Without the counted filter, every figure of an event in Russia: the
  // Kursk ones and the two civilians killed in Sudzha.
  q.counted_ids.clear();
  q.filter.place_ids = {"iso:RUS"};
  r = store_.ListFigures(q);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total_figures, 5);
}

TEST_F(EventStoreTest, FlagsSourcesWhoseFiguresCannotBothHold) {
  AppendKursk();
  // A third source says ten North Korean soldiers were killed in Kursk.
  Event e;
  e.id = "other-e1";
  e.type = EventType::kOutcome;
  e.mode = "casualties";
  e.patients = {NorthKoreanTroops("North Korean soldiers")};
  e.place = KurskOblast();
  e.figures = {Fig(FigureKind::kKilled, 10, 10, Qualifier::kExact,
                   NorthKoreanTroops("North Korean soldiers"), Russia(), "ten soldiers")};
  e.according_to = Russia();
  ArticleInfo a;
  a.id = "art_other";
  a.published_at = Day(2024, 12, 28);
  ASSERT_TRUE(store_.AppendArticle(a, {e}, {}).ok());
  FigureQuery q;
  q.counted_ids = {"country:PRK"};
  q.kinds = {FigureKind::kKilled};
  auto r = store_.ListFigures(q);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->conflicts.size(), 1u);
  const FigureConflict& c = r->conflicts[0];
  EXPECT_EQ(c.kind, FigureKind::kKilled);
  EXPECT_EQ(std::set<std::string>({c.source_a, c.source_b}),
            std::set<std::string>({"org:kor-nis", "country:RUS"}));
  const Figure& nis = c.source_a == "org:kor-nis" ? c.figure_a.figure : c.figure_b.figure;
  const Figure& rus = c.source_a == "org:kor-nis" ? c.figure_b.figure : c.figure_a.figure;
  EXPECT_EQ(nis.low, 101);  // "more than 100" cannot be ten
  EXPECT_EQ(rus.low, 10);
}

TEST_F(EventStoreTest, FigureListsAreBoundedAndChecked) {
  AppendKursk();
  FigureQuery q;
  q.max_figures = 2;
  auto r = store_.ListFigures(q);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total_figures, 2);
  EXPECT_TRUE(r->truncated);
  q.max_figures = kMaxFigures + 1;
  r = store_.ListFigures(q);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("max_figures"));
}

TEST_F(EventStoreTest, AggregatesByTimeBucketsAndType) {
  AppendKursk();
  AppendSudzha();
  AggregateQuery q;
  q.count_mentions = true;
  q.group_by = {GroupBy::kWeek, GroupBy::kType};
  auto r = store_.AggregateEvents(q);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total_events, 10);
  // 2024-12-26 (Thursday) and the open-start events ending 2024-12-28 are
  // in the week of Monday 2024-12-23.
  const Bucket* b = Find(*r, {"2024-12-23", "OUTCOME"});
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->event_count, 3);
  ASSERT_NE(Find(*r, {"2024-12-23", "COERCE"}), nullptr);
  ASSERT_NE(Find(*r, {"2025-01-06", "ASSAULT"}), nullptr);  // Friday 01-10
  ASSERT_NE(Find(*r, {"2024-07-29", "ASSAULT"}), nullptr);  // 2024-08-01
  ASSERT_NE(Find(*r, {"2024-09-30", "MOBILIZE"}), nullptr);  // 2024-10-01
  EXPECT_EQ(r->buckets[0].keys, (std::vector<std::string>{"2024-12-23", "OUTCOME"}));

  q.group_by = {GroupBy::kMonth};
  r = store_.AggregateEvents(q);
  ASSERT_TRUE(r.ok());
  std::vector<std::string> months;
  for (const Bucket& bk : r->buckets) months.push_back(bk.keys[0]);
  EXPECT_THAT(months, ElementsAre("2024-08-01", "2024-10-01", "2024-12-01",
                                  "2025-01-01"));  // time order
  q.group_by = {GroupBy::kDay};
  r = store_.AggregateEvents(q);
  ASSERT_NE(Find(*r, {"2024-12-26"}), nullptr);
  EXPECT_EQ(Find(*r, {"2024-12-27"})->event_count, 6);

  q.group_by = {GroupBy::kActor};
  q.top_n = 2;
  r = store_.AggregateEvents(q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->buckets.size(), 2u);
  EXPECT_EQ(r->buckets[0].keys, std::vector<std::string>{""});  // no actor
  EXPECT_EQ(r->buckets[0].event_count, 3);
  EXPECT_EQ(r->buckets[1].keys, std::vector<std::string>{"country:UKR"});
  EXPECT_EQ(r->buckets[1].labels, std::vector<std::string>{"Ukraine"});
  EXPECT_EQ(r->buckets[1].event_count, 2);

  q = AggregateQuery{};
  q.count_mentions = true;
  q.group_by = {GroupBy::kAdmin1, GroupBy::kCountry};
  r = store_.AggregateEvents(q);
  const Bucket* kursk = Find(*r, {"iso:RU-KRS", "RUS"});
  ASSERT_NE(kursk, nullptr);
  EXPECT_EQ(kursk->event_count, 8);
  EXPECT_EQ(kursk->article_count, 2);
  EXPECT_EQ(kursk->labels, (std::vector<std::string>{"Kursk Oblast", "RUS"}));
}

TEST_F(EventStoreTest, RejectsBadGroupings) {
  AggregateQuery q;
  q.count_mentions = true;
  EXPECT_THAT(store_.AggregateEvents(q).status().message(),
              HasSubstr("group_by: must name one or two dimensions, got 0"));
  q.group_by = {GroupBy::kType, GroupBy::kMode, GroupBy::kDay};
  EXPECT_EQ(store_.AggregateEvents(q).status().code(),
            absl::StatusCode::kInvalidArgument);
  q.group_by = {GroupBy::kType, GroupBy::kType};
  EXPECT_THAT(store_.AggregateEvents(q).status().message(),
              HasSubstr("group_by[1]: dimension 1 is repeated"));
  q.group_by = {GroupBy::kUnspecified};
  EXPECT_EQ(store_.AggregateEvents(q).status().code(),
            absl::StatusCode::kInvalidArgument);
  q.group_by = {GroupBy::kType};
  q.top_n = 10001;
  EXPECT_EQ(store_.AggregateEvents(q).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EventStoreTest, ListsQuotes) {
  AppendKursk();
  QuoteQuery q;
  q.speaker_ids = {"person:volodymyr-zelenskyy"};
  auto page = store_.ListQuotes(q);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->quotes.size(), 2u);
  EXPECT_EQ(page->quotes[0].id, "kursk-q2");  // newest stored first
  EXPECT_EQ(page->quotes[0].speaker.name, "Volodymyr Zelenskyy");
  EXPECT_EQ(page->quotes[0].published_at, Day(2024, 12, 27));

  q = QuoteQuery{};
  q.text_contains = "PUTIN";
  page = store_.ListQuotes(q);
  ASSERT_EQ(page->quotes.size(), 1u);
  EXPECT_EQ(page->quotes[0].cue, "pointing out");
  EXPECT_EQ(page->quotes[0].event_ids, std::vector<std::string>{"kursk-e5"});

  q = QuoteQuery{};
  q.speaker_ids = {"org:kor-nis"};
  EXPECT_THAT(store_.ListQuotes(q)->quotes, IsEmpty());

  q = QuoteQuery{};
  q.start_time = Day(2025, 1, 1);
  EXPECT_THAT(store_.ListQuotes(q)->quotes, IsEmpty());

  q = QuoteQuery{};
  q.article_id = kKurskId;
  q.page_size = 1;
  page = store_.ListQuotes(q);
  ASSERT_EQ(page->quotes.size(), 1u);
  q.page_token = page->next_page_token;
  page = store_.ListQuotes(q);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->quotes.size(), 1u);
  EXPECT_EQ(page->quotes[0].id, "kursk-q1");
  EXPECT_TRUE(page->next_page_token.empty());

  q.text_contains = "other";
  EXPECT_EQ(store_.ListQuotes(q).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EventStoreTest, SearchesEntitiesByNameAndAliasPrefix) {
  AppendKursk();
  AppendSudzha();
  EntityQuery q;
  q.prefix = "zel";
  auto r = store_.SearchEntities(q);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].entity.id, "person:volodymyr-zelenskyy");
  EXPECT_EQ((*r)[0].entity.aliases,
            (std::vector<std::string>{"Zelensky", "Zelenskiy"}));
  EXPECT_EQ((*r)[0].event_count, 2);

  q.prefix = "NORTH";
  r = store_.SearchEntities(q);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].entity.id, "force:prk-military");  // 4 events
  EXPECT_EQ((*r)[0].event_count, 4);
  EXPECT_EQ((*r)[1].entity.id, "country:PRK");

  q = EntityQuery{};
  q.kind = EntityKind::kCountry;
  r = store_.SearchEntities(q);
  std::vector<std::string> ids;
  for (const auto& c : *r) ids.push_back(c.entity.id);
  // Russia 5 events, Ukraine 4, North Korea 2.
  EXPECT_THAT(ids, ElementsAre("country:RUS", "country:UKR", "country:PRK"));

  q = EntityQuery{};
  q.country = "PRK";
  q.page_size = 2;
  r = store_.SearchEntities(q);
  ids.clear();
  for (const auto& c : *r) ids.push_back(c.entity.id);
  EXPECT_THAT(ids, ElementsAre("force:prk-military", "country:PRK"));

  q = EntityQuery{};
  q.prefix = "pyong";
  EXPECT_EQ(store_.SearchEntities(q)->at(0).entity.id, "country:PRK");
}

// An event naming an entity in two roles is listed and counted once for it.
TEST_F(EventStoreTest, AnEntityInTwoRolesOfOneEventCountsOnce) {
  std::vector<Event> events = KurskEvents();
  ASSERT_GE(events.size(), 3u);
  Entity both;
  both.id = "person:both";
  both.name = "Both";
  events[0].actors = {both};
  events[0].recipients = {both};
  events[1].actors.clear();
  events[1].recipients.clear();
  events[1].patients = {both};
  events[2].recipients = {both};
  ASSERT_TRUE(store_.AppendArticle(KurskArticle(), events, KurskQuotes()).ok());
  EntityQuery q;
  q.prefix = "both";
  auto r = store_.SearchEntities(q);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].event_count, 3);
  EXPECT_THAT(Matching(EventFilter{.entity_ids = {"person:both"}}),
              UnorderedElementsAreArray({events[0].id, events[1].id, events[2].id}));
  EXPECT_THAT(Matching(EventFilter{.actor_ids = {"person:both"}}), ElementsAre(events[0].id));
}

TEST_F(EventStoreTest, Stats) {
  AppendKursk();
  AppendSudzha();
  const Stats s = store_.GetStats();
  EXPECT_EQ(s.articles, 2);
  EXPECT_EQ(s.events, 11);
  EXPECT_EQ(s.quotes, 2);
  EXPECT_EQ(s.entities, 8);
  EXPECT_EQ(s.places, 3);
  EXPECT_EQ(s.revision, 11);
  EXPECT_EQ(s.started_at, Day(2025, 2, 1));
}

}  // namespace
}  // namespace newsevents::query::store
