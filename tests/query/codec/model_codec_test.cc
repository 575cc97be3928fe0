#include "query/codec/model_codec.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kursk_fixture.h"

namespace newsevents::query::codec {
namespace {

namespace fx = ::newsevents::query::store::testing;

TEST(ModelCodecTest, EventsRoundTrip) {
  for (store::Event e : fx::KurskEvents()) {
    v1::Event proto;
    EncodeEvent(e, &proto);
    store::Event back = DecodeEvent(proto);
    // The store's own fields do not come back from a request.
    e.revision = 0;
    e.ingested_at = absl::UnixEpoch();
    e.published_at.reset();
    EXPECT_EQ(back, e) << e.id;
  }
}

TEST(ModelCodecTest, StoreFieldsAreEncoded) {
  store::Event e = fx::KurskEvents()[0];
  e.revision = 7;
  e.ingested_at = fx::Day(2025, 2, 1) + absl::Milliseconds(1500);
  e.published_at = fx::Day(2024, 12, 27);
  v1::Event proto;
  EncodeEvent(e, &proto);
  EXPECT_EQ(proto.revision(), 7);
  EXPECT_EQ(proto.ingested_at().seconds(), 1738368001);
  EXPECT_EQ(proto.ingested_at().nanos(), 500000000);
  EXPECT_EQ(proto.published_at().seconds(), 1735257600);
  EXPECT_EQ(proto.when().start().seconds(), 1735171200);  // 2024-12-26
  EXPECT_EQ(proto.type(), v1::EVENT_TYPE_COERCE);
  EXPECT_EQ(proto.place().admin1_id(), "iso:RU-KRS");
  EXPECT_EQ(proto.figures(0).high(), 1);
  EXPECT_FALSE(fx::KurskEvents()[7].figures[0].high.has_value());
  v1::Event e8;
  EncodeEvent(fx::KurskEvents()[7], &e8);
  EXPECT_FALSE(e8.figures(0).has_high());  // "more than 100": unbounded
  EXPECT_EQ(e8.figures(0).low(), 101);
}

TEST(ModelCodecTest, TimesBeforeTheEpochKeepNonNegativeNanos) {
  const absl::Time t = absl::FromUnixSeconds(-10) + absl::Milliseconds(250);
  google::protobuf::Timestamp ts;
  EncodeTime(t, &ts);
  EXPECT_EQ(ts.seconds(), -10);
  EXPECT_EQ(ts.nanos(), 250000000);
  EXPECT_EQ(*DecodeTime(true, ts), t);
  EXPECT_FALSE(DecodeTime(false, ts).has_value());
}

TEST(ModelCodecTest, QuotesAndArticlesRoundTrip) {
  for (store::Quote q : fx::KurskQuotes()) {
    v1::Quote proto;
    EncodeQuote(q, &proto);
    EXPECT_EQ(DecodeQuote(proto), q);
  }
  store::ArticleInfo a = fx::KurskArticle();
  v1::ArticleInfo proto;
  EncodeArticle(a, &proto);
  EXPECT_EQ(DecodeArticle(proto), a);
  EXPECT_EQ(proto.sections_size(), 7);
}

}  // namespace
}  // namespace newsevents::query::codec
