// Golden test: the reference article and the analyst's coding of it.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ingest/document/document.h"
#include "ingest/extract/extractor.h"
#include "test_util.h"

namespace newsevents::ingest {
namespace {

using testing::Day;
using testing::Describe;

bool IsNis(const EntityRef& e) {
  return e.id == "org:kor-nis" || absl::StrContains(e.name, "National Intelligence Service") ||
         e.name == "NIS";
}
bool IsZelenskyy(const EntityRef& e) { return e.id == "person:volodymyr-zelenskyy"; }

class KurskGoldenTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    const std::string raw =
        testing::ReadFileOrDie(std::string(NEWSEVENTS_TESTDATA_DIR) + "/kursk-article.txt");
    ASSERT_FALSE(raw.empty());
    auto doc = ReadDocument(raw, "text/plain");
    ASSERT_TRUE(doc.ok()) << doc.status();
    doc_ = *doc;
    if (GetParam()) {
      static const Extractor* real = [] {
        auto x = Extractor::Create(testing::DataDir());
        return x.ok() ? x->release() : nullptr;
      }();
      ASSERT_NE(real, nullptr) << "cannot load " << testing::DataDir();
      extractor_ = real;
    } else {
      extractor_ = &testing::FixtureExtractor();
    }
    x_ = extractor_->Extract(doc_, DeriveArticleId(doc_));
    dump_ = Describe(x_);
  }

  std::string Text(const TextSpan& s) const { return doc_.body.substr(s.start, s.end - s.start); }

  // Events of a type (and mode, if given).
  std::vector<const EventRecord*> Find(EventType t, absl::string_view mode = "") const {
    std::vector<const EventRecord*> out;
    for (const auto& e : x_.events) {
      if (e.type == t && (mode.empty() || e.mode == mode)) out.push_back(&e);
    }
    return out;
  }

  Document doc_;
  const Extractor* extractor_ = nullptr;
  Extraction x_;
  std::string dump_;
};

TEST_P(KurskGoldenTest, E1CaptureOfTheSoldier) {
  auto v = Find(EventType::kCoerce, "capture");
  ASSERT_EQ(v.size(), 1u) << dump_;
  const EventRecord& e = *v[0];
  const std::string trig = Text(e.trigger);
  EXPECT_TRUE(trig == "captured" || trig == "seized") << trig;
  ASSERT_EQ(e.actors.size(), 1u) << dump_;
  EXPECT_EQ(e.actors[0].country, "UKR");
  EXPECT_EQ(e.actors[0].sector, "military");
  ASSERT_EQ(e.recipients.size(), 1u) << dump_;
  EXPECT_EQ(e.recipients[0].country, "PRK");
  EXPECT_EQ(e.recipients[0].sector, "military");
  EXPECT_EQ(e.recipients[0].count, 1);
  EXPECT_EQ(e.place.id, "iso:RU-KRS") << dump_;
  EXPECT_EQ(e.place.country, "RUS");
  EXPECT_EQ(e.when.granularity, Granularity::kDay);
  EXPECT_EQ(Day(e.when.start), "2024-12-26") << dump_;
  EXPECT_EQ(Day(e.when.end), "2024-12-27");
  EXPECT_TRUE(IsNis(e.according_to)) << dump_;
  EXPECT_EQ(e.modality, Modality::kReported);
  bool captured_one = false;
  for (const auto& f : e.figures) {
    captured_one |= f.kind == FigureKind::kCaptured && f.low == 1 && f.high == 1;
  }
  EXPECT_TRUE(captured_one) << dump_;
  EXPECT_TRUE(absl::StartsWith(e.id, "ev_"));
  EXPECT_EQ(e.id.size(), 19u);
  for (const auto& arg : e.arguments) {
    EXPECT_LE(arg.span.end, doc_.body.size());
  }
}

TEST_P(KurskGoldenTest, E2DeathOfTheSoldier) {
  const EventRecord* death = nullptr;
  for (const EventRecord* e : Find(EventType::kOutcome)) {
    if (Text(e->trigger) == "died") death = e;
  }
  ASSERT_NE(death, nullptr) << dump_;
  ASSERT_FALSE(death->patients.empty()) << dump_;
  EXPECT_EQ(death->patients[0].country, "PRK");
  EXPECT_EQ(death->patients[0].count, 1);
  EXPECT_TRUE(IsNis(death->according_to)) << dump_;
  EXPECT_EQ(death->modality, Modality::kReported);
  EXPECT_FALSE(death->when.start.has_value());
  EXPECT_TRUE(death->when.open_start);
  EXPECT_EQ(Day(death->when.end), "2024-12-28");
  EXPECT_NE(death->place.country, "UKR");
}

TEST_P(KurskGoldenTest, E3Offensive) {
  auto v = Find(EventType::kAssault, "offensive");
  ASSERT_EQ(v.size(), 1u) << dump_;
  const EventRecord& e = *v[0];
  EXPECT_TRUE(absl::StrContains(Text(e.trigger), "offensive")) << Text(e.trigger);
  ASSERT_FALSE(e.actors.empty()) << dump_;
  EXPECT_EQ(e.actors[0].id, "country:UKR");
  ASSERT_FALSE(e.recipients.empty()) << dump_;
  EXPECT_EQ(e.recipients[0].id, "country:RUS");
  EXPECT_EQ(e.place.id, "iso:RU-KRS");
  EXPECT_EQ(e.when.granularity, Granularity::kMonth);
  EXPECT_EQ(Day(e.when.start), "2024-08-01") << dump_;
  EXPECT_EQ(e.modality, Modality::kAsserted);
}

TEST_P(KurskGoldenTest, E4AccusationWithQ1) {
  auto v = Find(EventType::kAccuse);
  ASSERT_EQ(v.size(), 1u) << dump_;
  const EventRecord& e = *v[0];
  ASSERT_FALSE(e.actors.empty());
  EXPECT_TRUE(IsZelenskyy(e.actors[0])) << dump_;
  ASSERT_FALSE(e.recipients.empty()) << dump_;
  EXPECT_EQ(e.recipients[0].id, "country:RUS");
  EXPECT_TRUE(IsZelenskyy(e.according_to));
  EXPECT_EQ(e.modality, Modality::kAsserted);
  EXPECT_TRUE(e.place.id.empty()) << dump_;
  ASSERT_EQ(e.quote_ids.size(), 1u) << dump_;
  bool q1 = false;
  for (const auto& q : x_.quotes) {
    if (q.id == e.quote_ids[0]) q1 = absl::StartsWith(q.text, "Russians are trying");
  }
  EXPECT_TRUE(q1) << dump_;
}

TEST_P(KurskGoldenTest, E5RequestWithQ2) {
  auto v = Find(EventType::kRequest);
  ASSERT_EQ(v.size(), 1u) << dump_;
  const EventRecord& e = *v[0];
  EXPECT_EQ(Text(e.trigger), "called for");
  ASSERT_FALSE(e.actors.empty());
  EXPECT_TRUE(IsZelenskyy(e.actors[0])) << dump_;
  EXPECT_EQ(e.modality, Modality::kAsserted);
  ASSERT_EQ(e.quote_ids.size(), 1u) << dump_;
  bool q2 = false;
  for (const auto& q : x_.quotes) {
    if (q.id == e.quote_ids[0]) q2 = absl::StartsWith(q.text, "There is not a single reason");
  }
  EXPECT_TRUE(q2) << dump_;
}

TEST_P(KurskGoldenTest, E6Deployment) {
  auto v = Find(EventType::kMobilize);
  ASSERT_EQ(v.size(), 1u) << dump_;
  const EventRecord& e = *v[0];
  EXPECT_TRUE(absl::StartsWith(Text(e.trigger), "deploying")) << Text(e.trigger);
  ASSERT_FALSE(e.actors.empty());
  EXPECT_EQ(e.actors[0].id, "country:PRK") << dump_;
  for (const auto& a : e.actors) EXPECT_NE(a.id, "country:RUS");
  EXPECT_EQ(e.place.id, "iso:RU-KRS");
  EXPECT_EQ(e.when.granularity, Granularity::kMonth);
  EXPECT_EQ(Day(e.when.start), "2024-10-01") << dump_;
  EXPECT_TRUE(e.when.open_end);
  EXPECT_EQ(e.modality, Modality::kReported);
  EXPECT_TRUE(e.according_to.id.empty()) << dump_;
  ASSERT_EQ(e.figures.size(), 1u) << dump_;
  const FigureRef& f = e.figures[0];
  EXPECT_EQ(f.kind, FigureKind::kPersonnel);
  EXPECT_EQ(f.low, 0);
  EXPECT_EQ(f.high, 11000);
  EXPECT_EQ(f.qualifier, Qualifier::kAtMost);
}

TEST_P(KurskGoldenTest, E8NisCasualties) {
  const EventRecord* e8 = nullptr;
  for (const EventRecord* e : Find(EventType::kOutcome)) {
    if (e->figures.size() >= 2) e8 = e;
  }
  ASSERT_NE(e8, nullptr) << dump_;
  EXPECT_TRUE(IsNis(e8->according_to)) << dump_;
  EXPECT_EQ(e8->modality, Modality::kReported);
  EXPECT_EQ(e8->place.id, "iso:RU-KRS");
  ASSERT_FALSE(e8->patients.empty());
  EXPECT_EQ(e8->patients[0].country, "PRK") << dump_;
  bool killed = false, injured = false;
  for (const auto& f : e8->figures) {
    if (f.kind == FigureKind::kKilled) {
      killed = f.low == 101 && !f.high && f.qualifier == Qualifier::kMoreThan;
    }
    if (f.kind == FigureKind::kInjured) {
      injured = f.low == 1000 && f.qualifier == Qualifier::kApproximate;
    }
    EXPECT_TRUE(IsNis(f.source));
    // Whom the figures count: the North Korean troops (for ListFigures).
    EXPECT_EQ(f.counted.country, "PRK") << dump_;
  }
  EXPECT_TRUE(killed) << dump_;
  EXPECT_TRUE(injured) << dump_;
}

TEST_P(KurskGoldenTest, E9ZelenskyyEstimate) {
  const EventRecord* e9 = nullptr;
  for (const EventRecord* e : Find(EventType::kOutcome)) {
    for (const auto& f : e->figures) {
      if (f.kind == FigureKind::kKilledOrInjured) e9 = e;
    }
  }
  ASSERT_NE(e9, nullptr) << dump_;
  EXPECT_TRUE(IsZelenskyy(e9->according_to)) << dump_;
  EXPECT_EQ(e9->modality, Modality::kEstimated);
  EXPECT_EQ(e9->place.id, "iso:RU-KRS");
  ASSERT_FALSE(e9->patients.empty());
  EXPECT_EQ(e9->patients[0].country, "PRK");
  const FigureRef& f = e9->figures[0];
  EXPECT_EQ(f.low, 3001);
  EXPECT_FALSE(f.high.has_value());
  EXPECT_EQ(f.qualifier, Qualifier::kMoreThan);
  EXPECT_EQ(Text(f.span).substr(0, 10), "over 3,000");
}

TEST_P(KurskGoldenTest, QuotesAndSpeakers) {
  ASSERT_EQ(x_.quotes.size(), 2u) << dump_;
  const QuoteRecord& q1 = x_.quotes[0];
  const QuoteRecord& q2 = x_.quotes[1];
  EXPECT_EQ(q1.text,
            "Russians are trying to literally burn the faces of North Korean soldiers killed in "
            "battle");
  EXPECT_EQ(q2.text, "There is not a single reason for North Koreans to fight and die for Putin.");
  EXPECT_TRUE(IsZelenskyy(q1.speaker)) << dump_;
  EXPECT_TRUE(IsZelenskyy(q2.speaker)) << dump_;
  EXPECT_EQ(q1.cue, "claiming");
  EXPECT_EQ(q2.cue, "pointing out");
  EXPECT_EQ(Text(q1.span), q1.text);
  for (const auto& q : x_.quotes) EXPECT_FALSE(absl::StrContains(q.text, "madness"));
  EXPECT_TRUE(absl::StartsWith(q1.id, "q_"));
}

TEST_P(KurskGoldenTest, EntityResolution) {
  auto ids_for = [&](absl::string_view text) {
    std::vector<std::string> ids;
    for (const auto& a : x_.annotations) {
      if (a.kind == AnnotationRecord::Kind::kEntity && a.text == text) ids.push_back(a.entity.id);
    }
    return ids;
  };
  for (const char* z : {"Ukrainian President Volodymyr Zelenskyy", "Zelenskyy"}) {
    auto ids = ids_for(z);
    ASSERT_FALSE(ids.empty()) << z;
    for (const auto& id : ids) EXPECT_EQ(id, "person:volodymyr-zelenskyy") << z;
  }
  for (const char* n : {"North Korea", "North Koreans"}) {
    for (const auto& id : ids_for(n)) EXPECT_EQ(id, "country:PRK") << n;
  }
  for (const auto& id : ids_for("Pyongyang’s best-trained soldiers")) EXPECT_EQ(id, "country:PRK");
  for (const auto& id : ids_for("Russians")) EXPECT_EQ(id, "country:RUS");
  for (const auto& id : ids_for("Russia")) EXPECT_EQ(id, "country:RUS");
  for (const auto& id : ids_for("Ukraine")) EXPECT_EQ(id, "country:UKR");
  auto nis = ids_for("NIS");
  ASSERT_FALSE(nis.empty()) << dump_;
  std::string nis_full;
  for (const auto& a : x_.annotations) {
    if (a.kind == AnnotationRecord::Kind::kEntity &&
        absl::StrContains(a.text, "National Intelligence Service")) {
      nis_full = a.entity.id;
    }
  }
  ASSERT_FALSE(nis_full.empty());
  for (const auto& id : nis) EXPECT_EQ(id, nis_full);
  bool kursk = false;
  for (const auto& a : x_.annotations) {
    if (a.kind == AnnotationRecord::Kind::kPlace && a.text == "Kursk region") {
      EXPECT_EQ(a.place.id, "iso:RU-KRS");
      kursk = true;
    }
  }
  EXPECT_TRUE(kursk);
  // Evidence offsets point at the words.
  for (const auto& e : x_.events) {
    EXPECT_EQ(Text(e.sentence_span), e.sentence);
    EXPECT_FALSE(Text(e.trigger).empty());
  }
}

TEST_P(KurskGoldenTest, NoAnalystMistakes) {
  for (const auto& e : x_.events) {
    // No month resolved after the publication date.
    if (e.when.start) {
      EXPECT_LE(*e.when.start, *doc_.published + absl::Hours(24)) << Describe(e);
    }
    if (e.type == EventType::kMobilize) {
      for (const auto& a : e.actors) EXPECT_NE(a.id, "country:RUS");
    }
    for (const auto& f : e.figures) {
      if (Text(f.span).find("up to 11,000") == 0) EXPECT_NE(f.low, 11000);
      if (Text(f.span).find("more than 100") == 0) EXPECT_NE(f.low, 100);
    }
  }
  for (const auto& q : x_.quotes) {
    EXPECT_FALSE(IsNis(q.speaker));
  }
}

TEST_P(KurskGoldenTest, StableIds) {
  Extraction again = extractor_->Extract(doc_, DeriveArticleId(doc_));
  ASSERT_EQ(again.events.size(), x_.events.size());
  for (std::size_t i = 0; i < again.events.size(); ++i) {
    EXPECT_EQ(again.events[i].id, x_.events[i].id);
  }
  EXPECT_EQ(DeriveArticleId(doc_).size(), 36u);
}

INSTANTIATE_TEST_SUITE_P(Data, KurskGoldenTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? std::string("RealData") : std::string("Fixture");
                         });

}  // namespace
}  // namespace newsevents::ingest
