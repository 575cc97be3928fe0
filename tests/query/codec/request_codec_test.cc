#include "query/codec/request_codec.h"

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kursk_fixture.h"
#include "query/codec/grpc_status.h"
#include "query/codec/model_codec.h"

namespace newsevents::query::codec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
namespace fx = ::newsevents::query::store::testing;

void SetDay(google::protobuf::Timestamp* t, int y, int m, int d) {
  EncodeTime(fx::Day(y, m, d), t);
}

v1::AppendArticleRequest KurskRequest() {
  v1::AppendArticleRequest r;
  EncodeArticle(fx::KurskArticle(), r.mutable_article());
  for (const store::Event& e : fx::KurskEvents()) EncodeEvent(e, r.add_events());
  for (const store::Quote& q : fx::KurskQuotes()) EncodeQuote(q, r.add_quotes());
  return r;
}

struct ErrorCase {
  std::string name;
  std::function<absl::Status()> decode;
  std::string message;  // a substring of the INVALID_ARGUMENT message
  friend void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }
};

class DecodeErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(DecodeErrorTest, IsInvalidArgumentNamingFieldAndValue) {
  const absl::Status s = GetParam().decode();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(s.message(), HasSubstr(GetParam().message));
}

template <typename F>
std::function<absl::Status()> ListEventsWith(F edit) {
  return [edit] {
    v1::ListEventsRequest r;
    edit(r);
    return DecodeListEvents(r).status();
  };
}
template <typename F>
std::function<absl::Status()> AggregateWith(F edit) {
  return [edit] {
    v1::AggregateEventsRequest r;
    r.add_group_by(v1::GROUP_BY_TYPE);
    edit(r);
    return DecodeAggregateEvents(r).status();
  };
}
template <typename F>
std::function<absl::Status()> FiguresWith(F edit) {
  return [edit] {
    v1::ListFiguresRequest r;
    edit(r);
    return DecodeListFigures(r).status();
  };
}
template <typename F>
std::function<absl::Status()> AppendWith(F edit) {
  return [edit] {
    v1::AppendArticleRequest r = KurskRequest();
    edit(r);
    return DecodeAppendArticle(r).status();
  };
}

INSTANTIATE_TEST_SUITE_P(
    ListEvents, DecodeErrorTest,
    ::testing::Values(
        ErrorCase{"UnknownType", ListEventsWith([](auto& r) {
                    r.mutable_filter()->add_types(static_cast<v1::EventType>(99));
                  }),
                  "filter.types[0]: unknown event type 99"},
        ErrorCase{"UnknownModality", ListEventsWith([](auto& r) {
                    r.mutable_filter()->add_modalities(v1::MODALITY_ASSERTED);
                    r.mutable_filter()->add_modalities(static_cast<v1::Modality>(42));
                  }),
                  "filter.modalities[1]: unknown modality 42"},
        ErrorCase{"MalformedEntityId", ListEventsWith([](auto& r) {
                    r.mutable_filter()->add_entity_ids("country:UKR");
                    r.mutable_filter()->add_entity_ids("bad id");
                  }),
                  "filter.entity_ids[1]: malformed id 'bad id'"},
        ErrorCase{"TooLongId", ListEventsWith([](auto& r) {
                    r.mutable_filter()->add_place_ids(std::string(129, 'a'));
                  }),
                  "filter.place_ids[0]: malformed id 'aaaa"},
        ErrorCase{"EmptyId", ListEventsWith([](auto& r) {
                    r.mutable_filter()->add_actor_ids("");
                  }),
                  "filter.actor_ids[0]: missing"},
        ErrorCase{"NonAsciiId", ListEventsWith([](auto& r) {
                    r.mutable_filter()->add_source_ids("org:\xc3\xa9");
                  }),
                  "filter.source_ids[0]: malformed id 'org:\\xc3\\xa9'"},
        ErrorCase{"MalformedMode", ListEventsWith([](auto& r) {
                    r.mutable_filter()->add_modes("armed clash");
                  }),
                  "filter.modes[0]: malformed id 'armed clash'"},
        ErrorCase{"MalformedCountry", ListEventsWith([](auto& r) {
                    r.mutable_filter()->add_countries("ru");
                  }),
                  "filter.countries[0]: malformed country 'ru'"},
        ErrorCase{"EmptyName", ListEventsWith([](auto& r) {
                    r.mutable_filter()->add_entity_names("");
                  }),
                  "filter.entity_names[0]: must be 1..256 bytes"},
        ErrorCase{"InvertedTimeRange", ListEventsWith([](auto& r) {
                    SetDay(r.mutable_filter()->mutable_start_time(), 2025, 1, 2);
                    SetDay(r.mutable_filter()->mutable_end_time(), 2025, 1, 1);
                  }),
                  "filter.start_time: 2025-01-02T00:00:00+00:00 is not before "
                  "filter.end_time 2025-01-01T00:00:00+00:00"},
        ErrorCase{"EmptyTimeRange", ListEventsWith([](auto& r) {
                    SetDay(r.mutable_filter()->mutable_start_time(), 2025, 1, 1);
                    SetDay(r.mutable_filter()->mutable_end_time(), 2025, 1, 1);
                  }),
                  "is not before filter.end_time"},
        ErrorCase{"BadTimestamp", ListEventsWith([](auto& r) {
                    r.mutable_filter()->mutable_end_time()->set_nanos(-1);
                  }),
                  "filter.end_time: invalid timestamp"},
        ErrorCase{"NegativePageSize",
                  ListEventsWith([](auto& r) { r.set_page_size(-1); }),
                  "page_size: must be in 0..1000, got -1"},
        ErrorCase{"HugePageSize",
                  ListEventsWith([](auto& r) { r.set_page_size(1001); }),
                  "page_size: must be in 0..1000, got 1001"},
        ErrorCase{"UnknownOrder", ListEventsWith([](auto& r) {
                    r.set_order_by(static_cast<v1::OrderBy>(9));
                  }),
                  "order_by: unknown order 9"},
        ErrorCase{"HugeToken", ListEventsWith([](auto& r) {
                    r.set_page_token(std::string(600, 'A'));
                  }),
                  "page_token is malformed"}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    AggregateEvents, DecodeErrorTest,
    ::testing::Values(
        ErrorCase{"NoDimension", AggregateWith([](auto& r) { r.clear_group_by(); }),
                  "group_by: must name one or two dimensions, got 0"},
        ErrorCase{"ThreeDimensions", AggregateWith([](auto& r) {
                    r.add_group_by(v1::GROUP_BY_DAY);
                    r.add_group_by(v1::GROUP_BY_MODE);
                  }),
                  "group_by: must name one or two dimensions, got 3"},
        ErrorCase{"Repeated", AggregateWith([](auto& r) {
                    r.add_group_by(v1::GROUP_BY_TYPE);
                  }),
                  "group_by[1]: GROUP_BY_TYPE is repeated"},
        ErrorCase{"Unknown", AggregateWith([](auto& r) {
                    r.set_group_by(0, static_cast<v1::GroupBy>(99));
                  }),
                  "group_by[0]: unknown dimension 99"},
        ErrorCase{"Unspecified", AggregateWith([](auto& r) {
                    r.set_group_by(0, v1::GROUP_BY_UNSPECIFIED);
                  }),
                  "group_by[0]: unspecified"},
        ErrorCase{"NegativeTopN", AggregateWith([](auto& r) { r.set_top_n(-1); }),
                  "top_n: must be in 0..10000, got -1"},
        ErrorCase{"FilterError", AggregateWith([](auto& r) {
                    r.mutable_filter()->add_types(static_cast<v1::EventType>(18));
                  }),
                  "filter.types[0]: unknown event type 18"}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    ListFigures, DecodeErrorTest,
    ::testing::Values(
        ErrorCase{"UnknownKind", FiguresWith([](auto& r) {
                    r.add_kinds(static_cast<v1::FigureKind>(77));
                  }),
                  "kinds[0]: unknown figure kind 77"},
        ErrorCase{"UnspecifiedKind", FiguresWith([](auto& r) {
                    r.add_kinds(v1::FIGURE_KIND_UNSPECIFIED);
                  }),
                  "kinds[0]: unspecified"},
        ErrorCase{"MalformedCountedId", FiguresWith([](auto& r) {
                    r.add_counted_ids("country:PRK");
                    r.add_counted_ids("a b");
                  }),
                  "counted_ids[1]"},
        ErrorCase{"NegativeMax", FiguresWith([](auto& r) { r.set_max_figures(-1); }),
                  "max_figures: must be in 0..10000, got -1"},
        ErrorCase{"HugeMax", FiguresWith([](auto& r) { r.set_max_figures(10001); }),
                  "max_figures: must be in 0..10000, got 10001"},
        ErrorCase{"FilterError", FiguresWith([](auto& r) {
                    r.mutable_filter()->add_place_ids("");
                  }),
                  "filter.place_ids[0]"}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    AppendArticle, DecodeErrorTest,
    ::testing::Values(
        ErrorCase{"NoArticle", AppendWith([](auto& r) { r.clear_article(); }),
                  "article: missing"},
        ErrorCase{"NoArticleId",
                  AppendWith([](auto& r) { r.mutable_article()->clear_id(); }),
                  "article.id: missing"},
        ErrorCase{"MalformedArticleId", AppendWith([](auto& r) {
                    r.mutable_article()->set_id("art kursk");
                  }),
                  "article.id: malformed id 'art kursk'"},
        ErrorCase{"EventWithoutId",
                  AppendWith([](auto& r) { r.mutable_events(2)->clear_id(); }),
                  "events[2].id: missing"},
        ErrorCase{"EventOfAnotherArticle", AppendWith([](auto& r) {
                    r.mutable_events(1)->set_article_id("art_other");
                  }),
                  "events[1].article_id: 'art_other' differs from article.id "
                  "'art_kursk'"},
        ErrorCase{"UnknownEventType", AppendWith([](auto& r) {
                    r.mutable_events(0)->set_type(static_cast<v1::EventType>(99));
                  }),
                  "events[0].type: unknown event type 99"},
        ErrorCase{"UnspecifiedEventType", AppendWith([](auto& r) {
                    r.mutable_events(0)->set_type(v1::EVENT_TYPE_UNSPECIFIED);
                  }),
                  "events[0].type: unspecified"},
        ErrorCase{"UnknownModality", AppendWith([](auto& r) {
                    r.mutable_events(3)->set_modality(static_cast<v1::Modality>(9));
                  }),
                  "events[3].modality: unknown modality 9"},
        ErrorCase{"ActorWithoutId", AppendWith([](auto& r) {
                    r.mutable_events(0)->mutable_actors(0)->clear_id();
                  }),
                  "events[0].actors[0].id: missing"},
        ErrorCase{"MalformedPatientId", AppendWith([](auto& r) {
                    r.mutable_events(1)->mutable_patients(0)->set_id("a/b");
                  }),
                  "events[1].patients[0].id: malformed id 'a/b'"},
        ErrorCase{"MalformedPlaceId", AppendWith([](auto& r) {
                    r.mutable_events(0)->mutable_place()->set_id("iso RU");
                  }),
                  "events[0].place.id: malformed id 'iso RU'"},
        ErrorCase{"InvertedEventTime", AppendWith([](auto& r) {
                    SetDay(r.mutable_events(0)->mutable_when()->mutable_start(), 2025,
                           1, 2);
                  }),
                  "events[0].when.start: 2025-01-02T00:00:00+00:00 is not before "
                  "events[0].when.end"},
        ErrorCase{"FigureLowAboveHigh", AppendWith([](auto& r) {
                    r.mutable_events(5)->mutable_figures(0)->set_low(20000);
                  }),
                  "events[5].figures[0]: low 20000 is above high 11000"},
        ErrorCase{"NegativeFigure", AppendWith([](auto& r) {
                    r.mutable_events(5)->mutable_figures(0)->set_low(-1);
                  }),
                  "events[5].figures[0].low: must not be negative, got -1"},
        ErrorCase{"Confidence", AppendWith([](auto& r) {
                    r.mutable_events(0)->set_confidence(1.5f);
                  }),
                  "events[0].confidence: must be in 0..1, got 1.5"},
        ErrorCase{"QuoteOfAnotherArticle", AppendWith([](auto& r) {
                    r.mutable_quotes(1)->set_article_id("art_x");
                  }),
                  "quotes[1].article_id: 'art_x' differs"},
        ErrorCase{"QuoteWithoutId",
                  AppendWith([](auto& r) { r.mutable_quotes(0)->clear_id(); }),
                  "quotes[0].id: missing"}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    OtherRequests, DecodeErrorTest,
    ::testing::Values(
        ErrorCase{"GetEventWithoutId",
                  [] { return DecodeGetEvent(v1::GetEventRequest()).status(); },
                  "id: missing"},
        ErrorCase{"GetEventMalformed",
                  [] {
                    v1::GetEventRequest r;
                    r.set_id("ev x");
                    return DecodeGetEvent(r).status();
                  },
                  "id: malformed id 'ev x'"},
        ErrorCase{"GetArticleMalformed",
                  [] {
                    v1::GetArticleRequest r;
                    r.set_id("art;drop");
                    return DecodeGetArticle(r).status();
                  },
                  "id: malformed id 'art;drop'"},
        ErrorCase{"QuoteSpeakerMalformed",
                  [] {
                    v1::ListQuotesRequest r;
                    r.add_speaker_ids("person zelenskyy");
                    return DecodeListQuotes(r).status();
                  },
                  "speaker_ids[0]: malformed id 'person zelenskyy'"},
        ErrorCase{"QuoteTimesInverted",
                  [] {
                    v1::ListQuotesRequest r;
                    SetDay(r.mutable_start_time(), 2025, 1, 2);
                    SetDay(r.mutable_end_time(), 2024, 1, 1);
                    return DecodeListQuotes(r).status();
                  },
                  "start_time: 2025-01-02T00:00:00+00:00 is not before end_time"},
        ErrorCase{"QuotePageSize",
                  [] {
                    v1::ListQuotesRequest r;
                    r.set_page_size(5000);
                    return DecodeListQuotes(r).status();
                  },
                  "page_size: must be in 0..1000, got 5000"},
        ErrorCase{"EntityKind",
                  [] {
                    v1::SearchEntitiesRequest r;
                    r.set_kind(static_cast<v1::EntityKind>(77));
                    return DecodeSearchEntities(r).status();
                  },
                  "kind: unknown entity kind 77"},
        ErrorCase{"EntityCountry",
                  [] {
                    v1::SearchEntitiesRequest r;
                    r.set_country("ukr");
                    return DecodeSearchEntities(r).status();
                  },
                  "country: malformed country 'ukr'"},
        ErrorCase{"WatchFromRevision",
                  [] {
                    v1::WatchEventsRequest r;
                    r.set_from_revision(-1);
                    return DecodeWatchEvents(r).status();
                  },
                  "from_revision: must not be negative, got -1"},
        ErrorCase{"WatchFilter",
                  [] {
                    v1::WatchEventsRequest r;
                    r.mutable_filter()->add_article_ids("a b");
                    return DecodeWatchEvents(r).status();
                  },
                  "filter.article_ids[0]: malformed id 'a b'"}),
    [](const auto& info) { return info.param.name; });

TEST(RequestCodecTest, DecodesAFullFilter) {
  v1::ListEventsRequest r;
  v1::EventFilter* f = r.mutable_filter();
  f->add_types(v1::EVENT_TYPE_ASSAULT);
  f->add_modes("shelling");
  f->add_entity_ids("country:UKR");
  f->add_actor_ids("country:RUS");
  f->add_recipient_ids("group:civilians");
  f->add_entity_names("Zelensky");
  f->add_countries("RUS");
  f->add_place_ids("iso:RU-KRS");
  SetDay(f->mutable_start_time(), 2024, 12, 1);
  SetDay(f->mutable_end_time(), 2025, 1, 1);
  f->add_article_ids("art_kursk");
  f->add_modalities(v1::MODALITY_DENIED);
  f->add_source_ids("org:kor-nis");
  r.set_page_size(20);
  r.set_page_token("abc");
  r.set_order_by(v1::ORDER_BY_INGEST_TIME_ASC);
  auto q = DecodeListEvents(r);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_THAT(q->filter.types, ElementsAre(store::EventType::kAssault));
  EXPECT_THAT(q->filter.modes, ElementsAre("shelling"));
  EXPECT_THAT(q->filter.entity_ids, ElementsAre("country:UKR"));
  EXPECT_THAT(q->filter.actor_ids, ElementsAre("country:RUS"));
  EXPECT_THAT(q->filter.recipient_ids, ElementsAre("group:civilians"));
  EXPECT_THAT(q->filter.entity_names, ElementsAre("Zelensky"));
  EXPECT_THAT(q->filter.countries, ElementsAre("RUS"));
  EXPECT_THAT(q->filter.place_ids, ElementsAre("iso:RU-KRS"));
  EXPECT_EQ(q->filter.start_time, fx::Day(2024, 12, 1));
  EXPECT_EQ(q->filter.end_time, fx::Day(2025, 1, 1));
  EXPECT_THAT(q->filter.article_ids, ElementsAre("art_kursk"));
  EXPECT_THAT(q->filter.modalities, ElementsAre(store::Modality::kDenied));
  EXPECT_THAT(q->filter.source_ids, ElementsAre("org:kor-nis"));
  EXPECT_EQ(q->page_size, 20);
  EXPECT_EQ(q->page_token, "abc");
  EXPECT_EQ(q->order_by, store::OrderBy::kIngestTimeAsc);
}

TEST(RequestCodecTest, UnspecifiedEnumValuesInFiltersMeanAny) {
  v1::EventFilter f;
  f.add_types(v1::EVENT_TYPE_ASSAULT);
  f.add_types(v1::EVENT_TYPE_UNSPECIFIED);
  f.add_modalities(v1::MODALITY_UNSPECIFIED);
  auto decoded = DecodeFilter(f, "filter");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_THAT(decoded->types, IsEmpty());
  EXPECT_THAT(decoded->modalities, SizeIs(8));  // every modality
  auto empty = DecodeFilter(v1::EventFilter(), "filter");
  EXPECT_THAT(empty->modalities, IsEmpty());  // the store's default set
}

TEST(RequestCodecTest, DecodesTheKurskAppend) {
  auto in = DecodeAppendArticle(KurskRequest());
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->article.id, "art_kursk");
  EXPECT_THAT(in->events, SizeIs(9));
  EXPECT_THAT(in->quotes, SizeIs(2));
}

TEST(RequestCodecTest, OrderByDefaultsToEventTimeDescending) {
  auto q = DecodeListEvents(v1::ListEventsRequest());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->order_by, store::OrderBy::kEventTimeDesc);
}

TEST(GrpcStatusTest, MapsEveryCodeOneToOneAndKeepsTheMessage) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  for (int code = 1; code <= 16; ++code) {
    const absl::Status s(static_cast<absl::StatusCode>(code), "event 'x' not found");
    const grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), code);
    EXPECT_EQ(g.error_message(), "event 'x' not found");
  }
  EXPECT_EQ(ToGrpcStatus(absl::NotFoundError("x")).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ToGrpcStatus(absl::ResourceExhaustedError("x")).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

}  // namespace
}  // namespace newsevents::query::codec
