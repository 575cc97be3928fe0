// Table-driven tests of the extractor, one table per phenomenon. Sentences
// are written for these tests; the fixture gazetteer and the real lexicons
// are used.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ingest/extract/extractor.h"
#include "test_util.h"

namespace newsevents::ingest {
namespace {

using testing::Day;
using testing::Describe;
using testing::Doc;
using testing::FixtureExtractor;

Extraction Extract(const std::string& body, const std::string& pub = "2024-03-15") {
  return FixtureExtractor().Extract(Doc(body, pub), "art_test");
}

const EventRecord* First(const Extraction& x, EventType t) {
  for (const auto& e : x.events) {
    if (e.type == t) return &e;
  }
  return nullptr;
}

// ---- event types, actors and recipients ------------------------------------
struct RoleCase {
  const char* text;
  EventType type;
  const char* mode;       // "" = any
  const char* actor;      // entity id or country, "" = none expected
  const char* recipient;  // entity id or country, "" = not checked
};

bool Matches(const EntityRef& e, absl::string_view want) {
  return e.id == want || e.country == want;
}

class RolesTest : public ::testing::TestWithParam<RoleCase> {};

TEST_P(RolesTest, TypeActorRecipient) {
  const RoleCase& c = GetParam();
  const Extraction x = Extract(c.text);
  const EventRecord* e = First(x, c.type);
  ASSERT_NE(e, nullptr) << c.text << "\n" << Describe(x);
  if (*c.mode) EXPECT_EQ(e->mode, c.mode) << Describe(x);
  if (*c.actor) {
    ASSERT_FALSE(e->actors.empty()) << c.text << "\n" << Describe(x);
    EXPECT_TRUE(Matches(e->actors[0], c.actor)) << c.text << "\n" << Describe(x);
  } else {
    EXPECT_TRUE(e->actors.empty()) << c.text << "\n" << Describe(x);
  }
  if (*c.recipient) {
    const auto& r = e->type == EventType::kOutcome ? e->patients : e->recipients;
    ASSERT_FALSE(r.empty()) << c.text << "\n" << Describe(x);
    EXPECT_TRUE(Matches(r[0], c.recipient)) << c.text << "\n" << Describe(x);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Extract, RolesTest,
    ::testing::Values(
        // Active voice.
        RoleCase{"Russian forces shelled Kharkiv overnight.", EventType::kAssault, "shelling",
                 "RUS", ""},
        RoleCase{"Ukrainian troops captured two Russian soldiers near Sudzha.",
                 EventType::kCoerce, "capture", "UKR", "RUS"},
        RoleCase{"Poland expelled three Russian diplomats on Tuesday.", EventType::kSanction, "",
                 "POL", "RUS"},
        RoleCase{"Greece sent humanitarian aid to Syria.", EventType::kAid, "", "GRC", "SYR"},
        RoleCase{"Israeli police arrested dozens of protesters in Jerusalem.", EventType::kCoerce,
                 "arrest", "ISR", ""},
        RoleCase{"French and German officials met in Berlin to discuss the crisis.",
                 EventType::kConsult, "", "FRA", ""},
        RoleCase{"Turkey rejected the proposal on Monday.", EventType::kReject, "", "TUR", ""},
        RoleCase{"Iran threatened to close the strait.", EventType::kThreaten, "", "IRN", ""},
        RoleCase{"Thousands of demonstrators protested against the new law in Tbilisi.",
                 EventType::kProtest, "demo", "", ""},
        RoleCase{"The British government urged Iran to release the sailors.",
                 EventType::kRequest, "", "GBR", "IRN"},
        // Passive voice and reduced relatives.
        RoleCase{"Two Ukrainian soldiers were captured by Russian forces.", EventType::kCoerce,
                 "capture", "RUS", "UKR"},
        RoleCase{"A Syrian journalist detained by Turkish police was released on Friday.",
                 EventType::kCoerce, "arrest", "TUR", "SYR"},
        RoleCase{"The village was shelled by Russian artillery units.", EventType::kAssault,
                 "shelling", "RUS", ""},
        // Nominalisations and possessives.
        RoleCase{"Israel's attack on Iran drew wide criticism.", EventType::kAssault, "",
                 "country:ISR", "country:IRN"},
        RoleCase{"China condemned the expulsion of its diplomats by the United Kingdom.",
                 EventType::kAccuse, "", "country:CHN", ""},
        // Metonyms.
        RoleCase{"Moscow accused Kyiv of shelling the border region.", EventType::kAccuse, "",
                 "country:RUS", "country:UKR"},
        RoleCase{"Pyongyang sent troops to Russia last year.", EventType::kMobilize, "deploy",
                 "country:PRK", "country:RUS"},
        RoleCase{"Washington imposed sanctions on Iran.", EventType::kSanction, "",
                 "country:USA", "country:IRN"},
        // Outcomes: the patients are the counted group.
        RoleCase{"Three Ukrainian soldiers were killed in the attack.", EventType::kOutcome, "",
                 "", "UKR"},
        RoleCase{"A Russian soldier died of his wounds.", EventType::kOutcome, "death", "", "RUS"},
        // A capital's other spellings stand for the government too.
        RoleCase{"Kiev forces shelled the village overnight.", EventType::kAssault, "shelling",
                 "UKR", ""},
        // Headline passives and singular victims.
        RoleCase{"Civilian killed in shelling of Donetsk.", EventType::kOutcome, "death", "",
                 "group:civilians"},
        // Captured places are territory gains.
        RoleCase{"Russian forces captured the town of Sudzha.", EventType::kAssault,
                 "territory-gain", "RUS", ""},
        // Announced acts: promises, threats and refusals.
        RoleCase{"Turkey will withdraw its troops from Syria.", EventType::kAgree, "", "TUR",
                 ""},
        RoleCase{"Poland said it will impose sanctions on Russia.", EventType::kThreaten, "",
                 "POL", ""},
        RoleCase{"Greece will send aid to Syria if the fighting stops.", EventType::kThreaten,
                 "", "GRC", ""},
        RoleCase{"Iran did not accept the proposal.", EventType::kReject, "", "IRN", ""},
        // Compound actors.
        RoleCase{"France and Germany agreed to a ceasefire plan.", EventType::kAgree, "", "FRA",
                 ""},
        // Coordinated verbs share their subject.
        RoleCase{"Russian forces shelled Kramatorsk and killed four civilians.",
                 EventType::kOutcome, "", "", "group:civilians"}));

// ---- modality ---------------------------------------------------------------
struct ModalityCase {
  const char* text;
  EventType type;
  Modality modality;
};

class ModalityTest : public ::testing::TestWithParam<ModalityCase> {};

TEST_P(ModalityTest, Modality) {
  const ModalityCase& c = GetParam();
  const Extraction x = Extract(c.text);
  const EventRecord* e = First(x, c.type);
  ASSERT_NE(e, nullptr) << c.text << "\n" << Describe(x);
  EXPECT_EQ(e->modality, c.modality) << c.text << "\n" << Describe(x);
}

INSTANTIATE_TEST_SUITE_P(
    Extract, ModalityTest,
    ::testing::Values(
        ModalityCase{"Russian forces shelled Kharkiv.", EventType::kAssault, Modality::kAsserted},
        ModalityCase{"Russian forces did not shell Kharkiv.", EventType::kAssault,
                     Modality::kNegated},
        ModalityCase{"Russian forces never attacked the town.", EventType::kAssault,
                     Modality::kNegated},
        ModalityCase{"Russian forces reportedly shelled Kharkiv.", EventType::kAssault,
                     Modality::kReported},
        ModalityCase{"Russian forces allegedly shelled Kharkiv.", EventType::kAssault,
                     Modality::kAlleged},
        ModalityCase{"Russia denied that its forces shelled Kharkiv.", EventType::kAssault,
                     Modality::kDenied},
        ModalityCase{"Russian forces may have shelled Kharkiv.", EventType::kAssault,
                     Modality::kHypothetical},
        ModalityCase{"Poland will send troops to the border.", EventType::kMobilize,
                     Modality::kFuture},
        ModalityCase{"Estimates suggest that 200 soldiers were killed.", EventType::kOutcome,
                     Modality::kEstimated},
        ModalityCase{"Ukrainian officials said Russian forces shelled Sumy.",
                     EventType::kAssault, Modality::kReported},
        ModalityCase{"Reports suggest that rebels captured the soldiers.", EventType::kCoerce,
                     Modality::kReported}));

// ---- attribution --------------------------------------------------------------
struct SourceCase {
  const char* text;
  EventType type;
  const char* source;  // entity id or country; "" = unattributed
};

class AttributionTest : public ::testing::TestWithParam<SourceCase> {};

TEST_P(AttributionTest, AccordingTo) {
  const SourceCase& c = GetParam();
  const Extraction x = Extract(c.text);
  const EventRecord* e = First(x, c.type);
  ASSERT_NE(e, nullptr) << c.text << "\n" << Describe(x);
  if (*c.source) {
    EXPECT_TRUE(Matches(e->according_to, c.source)) << c.text << "\n" << Describe(x);
  } else {
    EXPECT_TRUE(e->according_to.id.empty()) << c.text << "\n" << Describe(x);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Extract, AttributionTest,
    ::testing::Values(
        SourceCase{"According to the United Nations, 12 civilians were killed in Donetsk.",
                   EventType::kOutcome, "org:un"},
        SourceCase{"Ukrainian officials said Russian forces shelled Sumy.", EventType::kAssault,
                   "UKR"},
        SourceCase{"Russian forces shelled Sumy, Ukrainian officials said.", EventType::kAssault,
                   "UKR"},
        SourceCase{"Russian forces shelled Sumy on Monday, said Volodymyr Zelenskyy.",
                   EventType::kAssault, "person:volodymyr-zelenskyy"},
        SourceCase{"Reports suggest that rebels captured the soldiers.", EventType::kCoerce, ""},
        SourceCase{"Volodymyr Zelenskyy accused Russia of war crimes.", EventType::kAccuse,
                   "person:volodymyr-zelenskyy"},
        SourceCase{"Russian forces shelled Sumy.", EventType::kAssault, ""}));

// ---- figures -------------------------------------------------------------------
struct FigureCase {
  const char* text;
  FigureKind kind;
  std::int64_t low;
  std::optional<std::int64_t> high;
  Qualifier qualifier;
};

class FiguresTest : public ::testing::TestWithParam<FigureCase> {};

TEST_P(FiguresTest, Interval) {
  const FigureCase& c = GetParam();
  const Extraction x = Extract(c.text);
  const FigureRef* f = nullptr;
  for (const auto& a : x.annotations) {
    if (a.kind == AnnotationRecord::Kind::kFigure && f == nullptr) f = &a.figure;
  }
  ASSERT_NE(f, nullptr) << c.text;
  EXPECT_EQ(f->kind, c.kind) << c.text;
  EXPECT_EQ(f->low, c.low) << c.text;
  EXPECT_EQ(f->high, c.high) << c.text;
  EXPECT_EQ(f->qualifier, c.qualifier) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Extract, FiguresTest,
    ::testing::Values(
        FigureCase{"Two soldiers were killed.", FigureKind::kKilled, 2, 2, Qualifier::kExact},
        FigureCase{"More than 100 civilians were injured.", FigureKind::kInjured, 101,
                   std::nullopt, Qualifier::kMoreThan},
        FigureCase{"Over 3,000 soldiers were killed or wounded.", FigureKind::kKilledOrInjured,
                   3001, std::nullopt, Qualifier::kMoreThan},
        FigureCase{"At least 7 people died in the blast.", FigureKind::kKilled, 7, std::nullopt,
                   Qualifier::kAtLeast},
        FigureCase{"Up to 11,000 troops crossed the border.", FigureKind::kPersonnel, 0, 11000,
                   Qualifier::kAtMost},
        FigureCase{"Fewer than 20 people were hurt.", FigureKind::kInjured, 0, 19,
                   Qualifier::kAtMost},
        FigureCase{"Approximately 1,000 injuries were recorded.", FigureKind::kInjured, 1000,
                   1000, Qualifier::kApproximate},
        FigureCase{"Nearly 40 fighters were killed.", FigureKind::kKilled, 40, 40,
                   Qualifier::kApproximate},
        FigureCase{"Between 10 and 15 civilians were killed.", FigureKind::kKilled, 10, 15,
                   Qualifier::kRange},
        FigureCase{"Dozens of protesters were arrested.", FigureKind::kArrested, 24, 99,
                   Qualifier::kVague},
        FigureCase{"Some 1.5 million people have been displaced.", FigureKind::kDisplaced,
                   1500000, 1500000, Qualifier::kApproximate},
        FigureCase{"Twenty-five rebels were captured.", FigureKind::kCaptured, 25, 25,
                   Qualifier::kExact},
        FigureCase{"The clashes killed four people.", FigureKind::kKilled, 4, 4,
                   Qualifier::kExact},
        FigureCase{"The death toll rose to 28.", FigureKind::kKilled, 28, 28,
                   Qualifier::kExact},
        FigureCase{"Hundreds of protesters gathered outside parliament.",
                   FigureKind::kParticipants, 200, 999, Qualifier::kVague},
        FigureCase{"Five dead after the shelling.", FigureKind::kKilled, 5, 5,
                   Qualifier::kExact},
        FigureCase{"Five civilians dead as fighting rocks Donetsk.", FigureKind::kKilled, 5, 5,
                   Qualifier::kExact},
        FigureCase{"Three soldiers wounded near Kramatorsk.", FigureKind::kInjured, 3, 3,
                   Qualifier::kExact}));

// ---- dates ------------------------------------------------------------------------
struct DateCase {
  const char* text;
  const char* published;
  const char* start;  // "-" = open start
  const char* end;    // "-" = open end
  Granularity granularity;
};

class DatesTest : public ::testing::TestWithParam<DateCase> {};

TEST_P(DatesTest, Resolution) {
  const DateCase& c = GetParam();
  const Extraction x = Extract(c.text, c.published);
  const TimeRef* t = nullptr;
  for (const auto& a : x.annotations) {
    if (a.kind == AnnotationRecord::Kind::kTime && t == nullptr) t = &a.time;
  }
  ASSERT_NE(t, nullptr) << c.text;
  EXPECT_EQ(Day(t->start), c.start) << c.text;
  EXPECT_EQ(Day(t->end), c.end) << c.text;
  EXPECT_EQ(t->granularity, c.granularity) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Extract, DatesTest,
    ::testing::Values(
        // 2024-03-15 is a Friday.
        DateCase{"The town was shelled on Wednesday.", "2024-03-15", "2024-03-13", "2024-03-14",
                 Granularity::kDay},
        DateCase{"The town was shelled on Friday.", "2024-03-15", "2024-03-15", "2024-03-16",
                 Granularity::kDay},
        DateCase{"The town was shelled yesterday.", "2024-03-15", "2024-03-14", "2024-03-15",
                 Granularity::kDay},
        DateCase{"Talks were held last week.", "2024-03-15", "2024-03-04", "2024-03-11",
                 Granularity::kWeek},
        DateCase{"The offensive began in January.", "2024-03-15", "2024-01-01", "2024-02-01",
                 Granularity::kMonth},
        DateCase{"The offensive began in October.", "2024-03-15", "2023-10-01", "2023-11-01",
                 Granularity::kMonth},
        DateCase{"The soldier was seized on December 26.", "2024-12-27", "2024-12-26",
                 "2024-12-27", Granularity::kDay},
        DateCase{"The talks took place on March 20.", "2024-03-15", "2023-03-20", "2023-03-21",
                 Granularity::kDay},
        DateCase{"Fighting has continued since February.", "2024-03-15", "2024-02-01", "-",
                 Granularity::kMonth},
        DateCase{"The attack happened on 16 February 2023.", "2024-03-15", "2023-02-16",
                 "2023-02-17", Granularity::kDay},
        DateCase{"The attack happened on Feb. 16, 2023.", "2024-03-15", "2023-02-16",
                 "2023-02-17", Granularity::kDay},
        DateCase{"The war began in 2022.", "2024-03-15", "2022-01-01", "2023-01-01",
                 Granularity::kYear},
        DateCase{"The bridge was hit two days ago.", "2024-03-15", "2024-03-13", "2024-03-14",
                 Granularity::kDay},
        DateCase{"Troops arrived as early as October.", "2024-12-27", "2024-10-01", "-",
                 Granularity::kMonth},
        DateCase{"The ceasefire holds until May 2025.", "2024-12-27", "-", "2025-06-01",
                 Granularity::kMonth}));

// ---- quotes ---------------------------------------------------------------------------
struct QuoteCase {
  const char* text;
  int quotes;           // expected number of quote records
  const char* speaker;  // entity id prefix, name, or "" = none
  const char* quote;    // expected text of the first quote
};

class QuotesTest : public ::testing::TestWithParam<QuoteCase> {};

TEST_P(QuotesTest, SpeakerAndText) {
  const QuoteCase& c = GetParam();
  const Extraction x = Extract(c.text);
  ASSERT_EQ(static_cast<int>(x.quotes.size()), c.quotes) << c.text << "\n" << Describe(x);
  if (c.quotes == 0) return;
  const QuoteRecord& q = x.quotes[0];
  EXPECT_EQ(q.text, c.quote);
  if (*c.speaker) {
    EXPECT_TRUE(q.speaker.id == c.speaker || q.speaker.name == c.speaker)
        << c.text << "\n" << Describe(x);
  } else {
    EXPECT_TRUE(q.speaker.id.empty()) << Describe(x);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Extract, QuotesTest,
    ::testing::Values(
        QuoteCase{"\"We will defend every village,\" Volodymyr Zelenskyy said.", 1,
                  "person:volodymyr-zelenskyy", "We will defend every village"},
        QuoteCase{"\u201CWe will defend every village,\u201D said Volodymyr Zelenskyy.", 1,
                  "person:volodymyr-zelenskyy", "We will defend every village"},
        QuoteCase{"Maria Petrova told reporters: \"The shelling lasted all night.\"", 1,
                  "Maria Petrova", "The shelling lasted all night."},
        QuoteCase{"Vladimir Putin spoke on Monday. \"Nothing will stop us,\" he said.", 1,
                  "person:vladimir-putin", "Nothing will stop us"},
        QuoteCase{"\"The town is destroyed. Nobody is left,\" Ivan Shevchuk said.", 1,
                  "Ivan Shevchuk", "The town is destroyed. Nobody is left"},
        QuoteCase{"Zelenskyy called the plan \"absurd\" on Monday.", 0, "", ""},
        QuoteCase{"Zelenskyy called it \"pure madness\" on Monday.", 0, "", ""}));

// ---- places ---------------------------------------------------------------------------
struct PlaceCase {
  const char* text;
  EventType type;
  const char* place;  // place id
};

class PlacesTest : public ::testing::TestWithParam<PlaceCase> {};

TEST_P(PlacesTest, EventPlace) {
  const PlaceCase& c = GetParam();
  const Extraction x = Extract(c.text);
  const EventRecord* e = First(x, c.type);
  ASSERT_NE(e, nullptr) << c.text << "\n" << Describe(x);
  EXPECT_EQ(e->place.id, c.place) << c.text << "\n" << Describe(x);
}

INSTANTIATE_TEST_SUITE_P(
    Extract, PlacesTest,
    ::testing::Values(
        PlaceCase{"Russian troops attacked positions near Kramatorsk.", EventType::kAssault,
                  "gn:703845"},
        PlaceCase{"Protesters rallied in Paris on Saturday.", EventType::kProtest, "gn:2988507"},
        PlaceCase{"Ukrainian forces shelled targets in Russia's Kursk region.",
                  EventType::kAssault, "iso:RU-KRS"},
        PlaceCase{"Ukrainian forces shelled targets in the Kursk region.", EventType::kAssault,
                  "iso:RU-KRS"},
        PlaceCase{"Ukrainian drones struck a depot in the city of Kursk.", EventType::kAssault,
                  "gn:538560"},
        PlaceCase{"Police arrested ten protesters in Atlanta, Georgia.", EventType::kCoerce,
                  "gn:4180439"},
        // The actor's nationality is not the place.
        PlaceCase{"Ukrainian forces captured two soldiers.", EventType::kCoerce, ""},
        // A capital before an event noun says where, not who.
        PlaceCase{"Police dispersed a Kiev protest on Tuesday.", EventType::kCoerce,
                  "gn:703448"},
        // The territory of a self-proclaimed republic is a place in its region.
        PlaceCase{"Two civilians were killed in the Donetsk People's Republic.",
                  EventType::kOutcome, "iso:UA-14"},
        // Of two villages named Pisky, the one in the region the article is about.
        PlaceCase{"Two soldiers were killed near Pisky. Kramatorsk was shelled again.",
                  EventType::kOutcome, "gn:900001"},
        PlaceCase{"Two soldiers were killed near Pisky. Fighting went on in Mykolaiv Oblast.",
                  EventType::kOutcome, "gn:697504"},
        // A place right before an event noun is that event's place.
        PlaceCase{"Officials in Moscow condemned the Kramatorsk shelling.",
                  EventType::kAssault, "gn:703845"},
        // "Kiev forces" are Ukraine's forces, even after "in".
        PlaceCase{"A soldier was killed in Kiev forces' shelling of Kramatorsk.",
                  EventType::kOutcome, "gn:703845"},
        // A name nobody can locate, where the article is about a known town.
        PlaceCase{"Two soldiers were killed in Zarechnaya Valley. Kramatorsk was shelled again.",
                  EventType::kOutcome, "gn:703845"},
        // A country, where the article is about one of its towns: the town.
        PlaceCase{"Fighting in Ukraine killed three soldiers. Donetsk was shelled again.",
                  EventType::kOutcome, "gn:709717"}));

// ---- segmentation and offsets ------------------------------------------------------
TEST(SegmentationTest, AbbreviationsDoNotSplit) {
  const Extraction x = Extract(
      "Gen. Ivan Petrov met U.S. officials on Dec. 5 in Kyiv. They discussed 1.5 million "
      "dollars of aid. Mr. Smith and Lt. Col. Jones attended.");
  // Three sentences: check via event sentences.
  const EventRecord* e = First(x, EventType::kConsult);
  ASSERT_NE(e, nullptr) << Describe(x);
  EXPECT_EQ(e->sentence, "Gen. Ivan Petrov met U.S. officials on Dec. 5 in Kyiv.");
}

TEST(OffsetsTest, TriggerAndArgumentSpansPointAtTheWords) {
  const std::string body = "Yesterday, Russian forces shelled the town of Sumy, killing two civilians.";
  const Extraction x = Extract(body);
  const EventRecord* e = First(x, EventType::kAssault);
  ASSERT_NE(e, nullptr) << Describe(x);
  EXPECT_EQ(body.substr(e->trigger.start, e->trigger.end - e->trigger.start), "shelled");
  bool actor = false;
  for (const auto& a : e->arguments) {
    if (a.role == "actor") {
      actor = true;
      EXPECT_EQ(body.substr(a.span.start, a.span.end - a.span.start), "Russian forces");
    }
  }
  EXPECT_TRUE(actor);
  EXPECT_EQ(e->place.id, "gn:692194");
}

TEST(RobustnessTest, EmptyAndHugeInputsFinish) {
  EXPECT_TRUE(Extract("").events.empty());
  std::string lines;
  for (int i = 0; i < 100000; ++i) lines += "word\n";
  EXPECT_TRUE(Extract(lines).events.empty());
  std::string line(1000000, 'a');
  for (std::size_t i = 7; i < line.size(); i += 8) line[i] = ' ';
  EXPECT_TRUE(Extract(line).events.empty());
  std::string mixed;
  for (int i = 0; i < 20000; ++i) mixed += "Mr. Russian forces \"attacked ";
  Extract(mixed);
}

TEST(CompoundTest, BothActorsAreKept) {
  const Extraction x = Extract("France and Germany agreed to a ceasefire plan.");
  const EventRecord* e = First(x, EventType::kAgree);
  ASSERT_NE(e, nullptr) << Describe(x);
  ASSERT_EQ(e->actors.size(), 2u) << Describe(x);
  EXPECT_EQ(e->actors[0].id, "country:FRA");
  EXPECT_EQ(e->actors[1].id, "country:DEU");
}

TEST(FigureTest, SingularVictimCountsOne) {
  const Extraction x = Extract("Civilian killed in shelling of Donetsk.");
  const EventRecord* e = First(x, EventType::kOutcome);
  ASSERT_NE(e, nullptr) << Describe(x);
  ASSERT_FALSE(e->figures.empty()) << Describe(x);
  EXPECT_EQ(e->figures[0].kind, FigureKind::kKilled);
  EXPECT_EQ(e->figures[0].low, 1);
  EXPECT_EQ(e->place.id, "gn:709717");
}

TEST(FigureTest, AbsurdNumbersStayFiniteAndNonNegative) {
  const Extraction x = Extract("More than 99999999999999999999 soldiers were killed.");
  bool found = false;
  for (const auto& a : x.annotations) {
    if (a.kind != AnnotationRecord::Kind::kFigure) continue;
    found = true;
    EXPECT_GT(a.figure.low, 0) << Describe(x);
    EXPECT_LE(a.figure.low, std::int64_t{1000000000000000000}) << Describe(x);
  }
  EXPECT_TRUE(found) << Describe(x);
}

TEST(FigureTest, UnitsAndThingsAreNotCounts) {
  const Extraction x =
      Extract("Over the past 24 hours the enemy carried out 30 attacks; a soldier was killed.");
  for (const auto& a : x.annotations) {
    if (a.kind != AnnotationRecord::Kind::kFigure) continue;
    EXPECT_NE(a.figure.low, 24) << Describe(x);
    EXPECT_NE(a.figure.low, 30) << Describe(x);
  }
}

TEST(RepublicTest, AsAnActorItStaysAnActor) {
  const Extraction x = Extract("DPR fighters shelled Kramatorsk.");
  const EventRecord* e = First(x, EventType::kAssault);
  ASSERT_NE(e, nullptr) << Describe(x);
  ASSERT_FALSE(e->actors.empty()) << Describe(x);
  EXPECT_EQ(e->actors[0].country, "UKR") << Describe(x);
  EXPECT_EQ(e->place.id, "gn:703845") << Describe(x);
}

TEST(RepublicTest, ItsMilitiamenAreKilledInItsRegion) {
  const Extraction x = Extract("DPR militiaman killed in Ukrainian shelling.");
  const EventRecord* e = First(x, EventType::kOutcome);
  ASSERT_NE(e, nullptr) << Describe(x);
  EXPECT_EQ(e->place.id, "iso:UA-14") << Describe(x);
}

TEST(PlaceNameTest, AFacilityNamedAfterItsTownLiesThere) {
  const Extraction x = Extract("Two soldiers were killed at Donetsk Airport.");
  const EventRecord* e = First(x, EventType::kOutcome);
  ASSERT_NE(e, nullptr) << Describe(x);
  EXPECT_EQ(e->place.name, "Donetsk Airport") << Describe(x);
  EXPECT_EQ(e->place.kind, PlaceKind::kOther) << Describe(x);
  EXPECT_EQ(e->place.admin1_id, "iso:UA-14") << Describe(x);
  EXPECT_NEAR(e->place.latitude, 48.02, 0.01) << Describe(x);
}

TEST(PlaceNameTest, AHyphenatedModifierIsNoPartOfTheName) {
  const Extraction x = Extract("Rebel-held Donetsk was shelled overnight.");
  const EventRecord* e = First(x, EventType::kAssault);
  ASSERT_NE(e, nullptr) << Describe(x);
  EXPECT_EQ(e->place.id, "gn:709717") << Describe(x);
}

TEST(EventTimeTest, ATimeOfWhatIsSaidDoesNotDateTheSaying) {
  // 2016-11-12 is a Saturday.
  const Extraction x = Extract(
      "Zelenskyy accused Moscow of breaking the deal the two sides had signed in July.",
      "2016-11-12");
  const EventRecord* e = First(x, EventType::kAccuse);
  ASSERT_NE(e, nullptr) << Describe(x);
  EXPECT_EQ(Day(e->when.end), "2016-11-13") << Describe(x);
  EXPECT_EQ(Day(e->when.start), "-") << Describe(x);
}

TEST(EventTimeTest, UndatedEventsEndWithThePublicationDayInAnyTimeZone) {
  // Published at 21:01 UTC, already the next day east of UTC+3.
  const Extraction late = Extract("Russian forces shelled Kramatorsk.", "2016-11-06 21:01:55");
  const EventRecord* e = First(late, EventType::kAssault);
  ASSERT_NE(e, nullptr) << Describe(late);
  EXPECT_EQ(Day(e->when.end), "2016-11-08") << Describe(late);
  const Extraction early = Extract("Russian forces shelled Kramatorsk.", "2016-11-06 08:00:00");
  e = First(early, EventType::kAssault);
  ASSERT_NE(e, nullptr) << Describe(early);
  EXPECT_EQ(Day(e->when.end), "2016-11-07") << Describe(early);
}

TEST(EventTimeTest, APossessiveTimeDatesItsNoun) {
  const Extraction x =
      Extract("Zelenskyy accused Moscow of meddling in Tuesday's election.", "2016-11-12");
  const EventRecord* e = First(x, EventType::kAccuse);
  ASSERT_NE(e, nullptr) << Describe(x);
  EXPECT_EQ(Day(e->when.start), "-") << Describe(x);
}

TEST(DescriptionTest, AnUnknownVillageLiesInTheRegionNamedWithIt) {
  const Extraction x = Extract(
      "On 16 February 2024, Russian forces shelled Velykyi Prykil village, Sumy Oblast.");
  const EventRecord* a = First(x, EventType::kAssault);
  ASSERT_NE(a, nullptr) << Describe(x);
  EXPECT_EQ(a->place.kind, PlaceKind::kOther) << Describe(x);
  EXPECT_EQ(a->place.admin1_id, "iso:UA-59") << Describe(x);
  EXPECT_EQ(a->place.country, "UKR") << Describe(x);
}

TEST(DescriptionTest, ASecondVerbAfterAndSharesTheSubject) {
  const Extraction x = Extract(
      "Russian forces raided Pisky, Donetsk Oblast, and detained eight civilians.");
  const EventRecord* c = First(x, EventType::kCoerce);
  ASSERT_NE(c, nullptr) << Describe(x);
  ASSERT_FALSE(c->actors.empty()) << Describe(x);
  EXPECT_EQ(c->actors[0].country, "RUS") << Describe(x);
  const EventRecord* a = First(x, EventType::kAssault);
  ASSERT_NE(a, nullptr) << Describe(x);
  EXPECT_EQ(a->place.id, "gn:900001") << Describe(x);  // the Pisky of Donetsk Oblast
}

TEST(DescriptionTest, LootingIsCoercion) {
  const Extraction x = Extract("Russian soldiers looted shops in Kramatorsk on Monday.");
  const EventRecord* c = First(x, EventType::kCoerce);
  ASSERT_NE(c, nullptr) << Describe(x);
  EXPECT_EQ(c->place.id, "gn:703845") << Describe(x);
}

TEST(DescriptionTest, CasualtiesShareTheDateOfTheEventBefore) {
  const Extraction x = Extract(
      "On 16 February 2024, Ukrainian forces shelled the town of Sudzha in the Kursk region. "
      "Two civilians were killed.");
  const EventRecord* a = First(x, EventType::kAssault);
  ASSERT_NE(a, nullptr) << Describe(x);
  EXPECT_EQ(a->place.id, "gn:485660");  // the town, not only its region
  const EventRecord* o = First(x, EventType::kOutcome);
  ASSERT_NE(o, nullptr) << Describe(x);
  EXPECT_EQ(Day(o->when.start), "2024-02-16");
  ASSERT_FALSE(o->figures.empty());
  EXPECT_EQ(o->figures[0].low, 2);
  EXPECT_EQ(o->place.id, "gn:485660");
}

TEST(IdsTest, ArticleIdIsStableAndShaped) {
  Document d = Doc("Body.");
  d.title = "Title";
  const std::string id = DeriveArticleId(d);
  EXPECT_EQ(id, DeriveArticleId(d));
  EXPECT_TRUE(absl::StartsWith(id, "art_"));
  EXPECT_EQ(id.size(), 36u);
  d.body = "Body!";
  EXPECT_NE(id, DeriveArticleId(d));
}

}  // namespace
}  // namespace newsevents::ingest
