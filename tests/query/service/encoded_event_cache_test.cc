// The hand-written wire encodings used by ListEvents against protobuf's own.
#include "query/service/encoded_event_cache.h"

#include <random>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "newsevents/v1/events.pb.h"
#include "newsevents/v1/query_service.pb.h"
#include "query/codec/model_codec.h"

namespace newsevents::query {
namespace {

// What ListEvents appended before: the message built and serialized.
std::string ByProtobuf(int field, const store::EventIdentity& identity) {
  v1::EventIdentity message;
  codec::EncodeIdentity(identity, &message);
  std::string bytes;
  AppendLengthDelimited(field, message.SerializeAsString(), &bytes);
  return bytes;
}

TEST(AppendIdentityField, GivesProtobufsBytes) {
  std::mt19937_64 rng(7);
  // Zeros (omitted fields), small and large counts, times before 1970,
  // whole seconds and sub-second ones, long ids.
  const std::int64_t counts[] = {0, 1, 127, 128, 300, std::int64_t{1} << 40, -1};
  const absl::Time times[] = {absl::UnixEpoch(),
                              absl::FromUnixMicros(1709251200123456),
                              absl::FromUnixSeconds(1709251200),
                              absl::FromUnixMicros(-1500000),
                              absl::FromUnixNanos(999999999),
                              absl::FromUnixSeconds(-62135596800)};
  const std::string ids[] = {"", "evt_0123456789abcdef", std::string(200, 'x')};
  for (int i = 0; i < 2000; ++i) {
    store::EventIdentity id;
    id.event_id = ids[rng() % 3];
    store::Corroboration& c = id.corroboration;
    c.mentions = counts[rng() % 7];
    c.articles = counts[rng() % 7];
    c.outlets = counts[rng() % 7];
    c.independent_outlets = counts[rng() % 7];
    c.first_seen = times[rng() % 6];
    c.last_seen = times[rng() % 6];
    const int field = i % 2 == 0 ? 20 : 1;
    std::string got;
    AppendIdentityField(field, id.event_id, id.corroboration, &got);
    ASSERT_EQ(got, ByProtobuf(field, id)) << "case " << i;
  }
}

TEST(AppendIdentityField, AppendsAfterWhatIsThere) {
  store::EventIdentity id;
  id.event_id = "evt_00000000000000aa";
  id.corroboration.mentions = 3;
  std::string got = "prefix";
  AppendIdentityField(20, id.event_id, id.corroboration, &got);
  EXPECT_EQ(got, "prefix" + ByProtobuf(20, id));
  v1::Event event;
  ASSERT_TRUE(event.ParseFromString(got.substr(6)));
  EXPECT_EQ(event.identity().event_id(), "evt_00000000000000aa");
  EXPECT_EQ(event.identity().corroboration().mentions(), 3);
}

// A hit gives the stored event followed by the identity asked for, which
// may have changed since the event was stored (more reports); a slot of
// another epoch or revision is a miss.
TEST(EncodedEventCache, AppendsTheCurrentIdentity) {
  v1::Event event;
  event.set_id("ev_1");
  event.set_summary("shelling of a village");
  const std::string bytes = event.SerializeAsString();
  store::KeyedIdentity first{.grouped = true, .key = 0xab};
  first.corroboration.mentions = 1;
  first.corroboration.first_seen = absl::FromUnixSeconds(1709251200);
  first.corroboration.last_seen = first.corroboration.first_seen;
  std::string first_bytes;
  AppendIdentityField(20, first, &first_bytes);

  EncodedEventCache cache(8);
  cache.Put(3, 1, bytes, first, first_bytes);
  auto listed = [&](const store::KeyedIdentity& identity) {
    std::string out;
    EXPECT_TRUE(cache.AppendField(3, 1, 1, identity, &out));
    v1::ListEventsResponse page;
    EXPECT_TRUE(page.ParseFromString(out));
    EXPECT_EQ(page.events_size(), 1);
    return page.events_size() == 1 ? page.events(0) : v1::Event();
  };
  v1::Event got = listed(first);
  EXPECT_EQ(got.id(), "ev_1");
  EXPECT_EQ(got.summary(), "shelling of a village");
  EXPECT_EQ(got.identity().event_id(), "evt_00000000000000ab");
  EXPECT_EQ(got.identity().corroboration().mentions(), 1);

  store::KeyedIdentity second = first;
  second.key = 0xcd;
  second.corroboration.mentions = 4;
  second.corroboration.last_seen += absl::Hours(5);
  got = listed(second);
  EXPECT_EQ(got.identity().event_id(), "evt_00000000000000cd");
  EXPECT_EQ(got.identity().corroboration().mentions(), 4);
  EXPECT_EQ(got.identity().corroboration().last_seen().seconds(), 1709251200 + 5 * 3600);
  EXPECT_EQ(listed(first).identity().event_id(), "evt_00000000000000ab");

  // Not grouped: no identity field at all.
  got = listed(store::KeyedIdentity{});
  EXPECT_EQ(got.id(), "ev_1");
  EXPECT_FALSE(got.has_identity());

  std::string out;
  EXPECT_FALSE(cache.AppendField(3, 2, 1, first, &out));   // another epoch
  EXPECT_FALSE(cache.AppendField(11, 1, 1, first, &out));  // same slot, another revision
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace newsevents::query
