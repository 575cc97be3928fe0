// Hand-written test data in the store's model: the reference Kursk article
// (a North Korean soldier captured by Ukrainian forces in Kursk Oblast,
// events E1..E9 and quotes Q1, Q2 as an analyst codes them) and a few small
// articles around it. Shared by the store, codec and service tests.
#ifndef NEWSEVENTS_TESTS_QUERY_STORE_KURSK_FIXTURE_H_
#define NEWSEVENTS_TESTS_QUERY_STORE_KURSK_FIXTURE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "query/store/model.h"

namespace newsevents::query::store::testing {

inline absl::Time Day(int y, int m, int d) {
  return absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone());
}

inline Entity Ukraine(std::string text = "Ukraine") {
  return {.id = "country:UKR", .name = "Ukraine", .kind = EntityKind::kCountry,
          .country = "UKR", .text = std::move(text),
          .aliases = {"Ukrainian forces"}};
}
inline Entity Russia(std::string text = "Russia") {
  return {.id = "country:RUS", .name = "Russia", .kind = EntityKind::kCountry,
          .country = "RUS", .text = std::move(text), .aliases = {"Russians"}};
}
inline Entity NorthKorea(std::string text = "North Korea") {
  return {.id = "country:PRK", .name = "North Korea",
          .kind = EntityKind::kCountry, .country = "PRK",
          .text = std::move(text), .aliases = {"Pyongyang", "DPRK"}};
}
inline Entity NorthKoreanTroops(std::string text, std::int64_t count = 0) {
  return {.id = "force:prk-military", .name = "North Korean troops",
          .kind = EntityKind::kArmedForce, .country = "PRK",
          .sector = "military", .text = std::move(text), .count = count};
}
inline Entity Nis() {
  return {.id = "org:kor-nis", .name = "National Intelligence Service",
          .kind = EntityKind::kOrganization, .country = "KOR",
          .sector = "intelligence", .text = "South Korea's National Intelligence Service (NIS)",
          .aliases = {"NIS"}};
}
inline Entity Zelenskyy(std::string text = "Zelenskyy") {
  return {.id = "person:volodymyr-zelenskyy", .name = "Volodymyr Zelenskyy",
          .kind = EntityKind::kPerson, .country = "UKR", .sector = "government",
          .text = std::move(text), .aliases = {"Zelensky", "Zelenskiy"}};
}
inline Entity StormCorps() {
  return {.id = "force:prk-storm-corps", .name = "Storm Corps",
          .kind = EntityKind::kArmedForce, .country = "PRK",
          .sector = "military", .text = "the Storm Corps"};
}

inline Place KurskOblast() {
  return {.id = "iso:RU-KRS", .name = "Kursk Oblast", .kind = PlaceKind::kAdmin1,
          .admin1 = "Kursk Oblast", .admin1_id = "iso:RU-KRS", .country = "RUS",
          .latitude = 51.7, .longitude = 36.2, .precision_km = 120,
          .text = "Russia's Kursk region"};
}
inline Place Sudzha() {
  return {.id = "gn:sudzha", .name = "Sudzha", .kind = PlaceKind::kCity,
          .admin1 = "Kursk Oblast", .admin1_id = "iso:RU-KRS", .country = "RUS",
          .latitude = 51.19, .longitude = 35.27, .precision_km = 5,
          .text = "Sudzha"};
}
inline Place Kharkiv() {
  return {.id = "gn:kharkiv", .name = "Kharkiv", .kind = PlaceKind::kCity,
          .admin1 = "Kharkiv Oblast", .admin1_id = "iso:UA-63", .country = "UKR",
          .latitude = 49.99, .longitude = 36.23, .precision_km = 10,
          .text = "Kharkiv"};
}

// [start, start + 1 day), DAY.
inline TimeSpan OnDay(int y, int m, int d, std::string text = "") {
  return {.start = Day(y, m, d), .end = Day(y, m, d) + absl::Hours(24),
          .granularity = Granularity::kDay, .text = std::move(text)};
}
// "On or before the report": open start, end = the day after publication.
inline TimeSpan OnOrBefore(int y, int m, int d) {
  return {.end = Day(y, m, d) + absl::Hours(24),
          .granularity = Granularity::kDay, .open_start = true};
}

inline Figure Fig(FigureKind kind, std::int64_t low,
                  std::optional<std::int64_t> high, Qualifier q,
                  Entity counted, Entity source, std::string text) {
  Figure f;
  f.kind = kind;
  f.low = low;
  f.high = high;
  f.qualifier = q;
  f.counted = std::move(counted);
  f.source = std::move(source);
  f.text = std::move(text);
  return f;
}

inline constexpr char kKurskId[] = "art_kursk";

inline ArticleInfo KurskArticle() {
  ArticleInfo a;
  a.id = kKurskId;
  a.title =
      "North Korean Soldier Captured by Ukraine Dies Amidst Allegations of "
      "Russia Concealing Military Losses";
  a.published_at = Day(2024, 12, 27);
  a.authors = {"Jia"};
  a.outlet = "example news";
  a.url = "https://news.example/kursk";
  a.language = "en";
  int offset = 0;
  for (const char* h : {"Introduction", "Capture Details",
                        "Accusations Against Russia",
                        "Concerns Over North Korean Troops",
                        "Deployment and Casualties", "Human Cost", "Conclusion"}) {
    a.sections.push_back(Section{h, offset});
    offset += 400;
  }
  a.body_bytes = 2900;
  return a;
}

// E1..E9 of the reference article, ids "kursk-e1".."kursk-e9".
inline std::vector<Event> KurskEvents() {
  std::vector<Event> out;
  auto add = [&](int n, EventType type, std::string mode) -> Event& {
    Event& e = out.emplace_back();
    e.id = absl::StrCat("kursk-e", n);
    e.article_id = kKurskId;
    e.type = type;
    e.mode = std::move(mode);
    e.confidence = 0.8f;
    return e;
  };
  {
    Event& e = add(1, EventType::kCoerce, "capture");
    e.actors = {Ukraine("Ukrainian forces")};
    e.recipients = {NorthKoreanTroops("a North Korean soldier", 1)};
    e.place = KurskOblast();
    e.when = OnDay(2024, 12, 26, "December 26");
    e.figures = {Fig(FigureKind::kCaptured, 1, 1, Qualifier::kExact,
                     NorthKoreanTroops("a North Korean soldier", 1), Nis(),
                     "a North Korean soldier")};
    e.according_to = Nis();
    e.modality = Modality::kReported;
    e.evidence.sentence =
        "South Korea's National Intelligence Service (NIS) reported that a "
        "North Korean soldier captured by Ukrainian forces in Russia's Kursk "
        "region on December 26 has died.";
    e.evidence.sentence_span = {120, 290};
    e.evidence.trigger = {200, 208};
    e.evidence.arguments = {{"actor", {212, 229}}, {"place", {233, 254}}};
    e.summary = "Ukraine captured a North Korean soldier in Kursk Oblast";
  }
  {
    Event& e = add(2, EventType::kOutcome, "death");
    e.patients = {NorthKoreanTroops("a North Korean soldier", 1)};
    e.place = KurskOblast();
    e.when = OnOrBefore(2024, 12, 27);
    e.figures = {Fig(FigureKind::kKilled, 1, 1, Qualifier::kExact,
                     NorthKoreanTroops("the soldier", 1), Nis(), "has died")};
    e.according_to = Nis();
    e.modality = Modality::kReported;
    e.summary = "The captured North Korean soldier died";
  }
  {
    Event& e = add(3, EventType::kAssault, "offensive");
    e.actors = {Ukraine()};
    e.recipients = {Russia()};
    e.place = KurskOblast();
    e.when = {.start = Day(2024, 8, 1), .end = Day(2024, 9, 1),
              .granularity = Granularity::kMonth, .text = "in August"};
    e.modality = Modality::kAsserted;
    e.summary = "Ukraine launched an offensive into Kursk Oblast";
  }
  {
    Event& e = add(4, EventType::kAccuse, "");
    e.actors = {Zelenskyy("Ukrainian President Volodymyr Zelenskyy")};
    e.recipients = {Russia()};
    e.when = OnOrBefore(2024, 12, 27);
    e.according_to = Zelenskyy();
    e.modality = Modality::kAsserted;
    e.quote_ids = {"kursk-q1"};
    e.summary = "Zelenskyy accused Russia of concealing losses";
  }
  {
    Event& e = add(5, EventType::kRequest, "");
    e.actors = {Zelenskyy()};
    e.recipients = {Russia(), NorthKorea()};
    e.when = OnOrBefore(2024, 12, 27);
    e.according_to = Zelenskyy();
    e.modality = Modality::kAsserted;
    e.quote_ids = {"kursk-q2"};
    e.summary = "Zelenskyy called for an end to the fighting";
  }
  {
    Event& e = add(6, EventType::kMobilize, "deploy");
    e.actors = {NorthKorea()};
    e.recipients = {Russia()};
    e.place = KurskOblast();
    e.when = {.start = Day(2024, 10, 1), .granularity = Granularity::kMonth,
              .open_end = true, .text = "since October"};
    e.figures = {Fig(FigureKind::kPersonnel, 0, 11000, Qualifier::kAtMost,
                     NorthKoreanTroops("troops"), Entity{}, "up to 11,000")};
    e.modality = Modality::kReported;
    e.summary = "North Korea deployed up to 11,000 troops to Kursk Oblast";
  }
  {
    Event& e = add(7, EventType::kAssault, "armed-clash");
    e.actors = {StormCorps()};
    e.place = KurskOblast();
    e.when = OnOrBefore(2024, 12, 27);
    e.modality = Modality::kReported;
    e.summary = "The Storm Corps fought in Kursk Oblast";
  }
  {
    Event& e = add(8, EventType::kOutcome, "casualties");
    e.patients = {NorthKoreanTroops("North Korean troops")};
    e.place = KurskOblast();
    e.when = OnOrBefore(2024, 12, 27);
    e.figures = {
        Fig(FigureKind::kKilled, 101, std::nullopt, Qualifier::kMoreThan,
            NorthKoreanTroops("North Korean troops"), Nis(),
            "more than 100 fatalities"),
        Fig(FigureKind::kInjured, 1000, 1000, Qualifier::kApproximate,
            NorthKoreanTroops("North Korean troops"), Nis(),
            "approximately 1,000 injuries")};
    e.according_to = Nis();
    e.modality = Modality::kReported;
    e.summary = "More than 100 North Korean troops killed, about 1,000 injured";
  }
  {
    Event& e = add(9, EventType::kOutcome, "casualties");
    e.patients = {NorthKoreanTroops("North Korean soldiers")};
    e.place = KurskOblast();
    e.when = OnOrBefore(2024, 12, 27);
    e.figures = {Fig(FigureKind::kKilledOrInjured, 3001, std::nullopt,
                     Qualifier::kMoreThan,
                     NorthKoreanTroops("North Korean soldiers"), Zelenskyy(),
                     "over 3,000 killed or wounded")};
    e.according_to = Zelenskyy();
    e.modality = Modality::kEstimated;
    e.summary = "Over 3,000 North Korean soldiers killed or wounded";
  }
  return out;
}

inline std::vector<Quote> KurskQuotes() {
  Quote q1;
  q1.id = "kursk-q1";
  q1.article_id = kKurskId;
  q1.speaker = Zelenskyy();
  q1.cue = "claiming";
  q1.text =
      "Russians are trying to literally burn the faces of North Korean "
      "soldiers killed in battle";
  q1.span = {1200, 1290};
  q1.event_ids = {"kursk-e4"};
  Quote q2;
  q2.id = "kursk-q2";
  q2.article_id = kKurskId;
  q2.speaker = Zelenskyy();
  q2.cue = "pointing out";
  q2.text = "There is not a single reason for North Koreans to fight and die for Putin.";
  q2.span = {1400, 1474};
  q2.event_ids = {"kursk-e5"};
  return {q1, q2};
}

// A later article: Russian shelling of Sudzha (a town in Kursk Oblast) on
// 2025-01-10, and a denied claim of a strike on Kharkiv.
inline constexpr char kSudzhaId[] = "art_sudzha";

inline ArticleInfo SudzhaArticle() {
  ArticleInfo a;
  a.id = kSudzhaId;
  a.title = "Shelling reported in Sudzha";
  a.published_at = Day(2025, 1, 11);
  a.language = "en";
  a.body_bytes = 800;
  return a;
}

inline std::vector<Event> SudzhaEvents() {
  Event shelling;
  shelling.id = "sudzha-e1";
  shelling.type = EventType::kAssault;
  shelling.mode = "shelling";
  shelling.actors = {Russia("Russian forces")};
  shelling.recipients = {Ukraine("Ukrainian positions")};
  shelling.place = Sudzha();
  shelling.when = OnDay(2025, 1, 10, "on Friday");
  shelling.figures = {Fig(FigureKind::kKilled, 2, 2, Qualifier::kExact,
                          Entity{.id = "group:civilians", .name = "civilians",
                                 .kind = EntityKind::kGroup, .text = "two civilians"},
                          Ukraine(), "two civilians")};
  shelling.according_to = Ukraine("Ukrainian officials");
  shelling.modality = Modality::kAsserted;
  Event denied;
  denied.id = "sudzha-e2";
  denied.type = EventType::kAssault;
  denied.mode = "air-drone-strike";
  denied.actors = {Ukraine()};
  denied.place = Kharkiv();
  denied.when = OnDay(2025, 1, 9);
  denied.according_to = Russia();
  denied.modality = Modality::kDenied;
  return {shelling, denied};
}

}  // namespace newsevents::query::store::testing

#endif  // NEWSEVENTS_TESTS_QUERY_STORE_KURSK_FIXTURE_H_
