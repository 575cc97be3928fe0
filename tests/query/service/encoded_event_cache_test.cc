// The hand-written wire encodings used by ListEvents against protobuf's own.
#include "query/service/encoded_event_cache.h"

#include <random>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "newsevents/v1/events.pb.h"
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
    AppendIdentityField(field, id, &got);
    ASSERT_EQ(got, ByProtobuf(field, id)) << "case " << i;
  }
}

TEST(AppendIdentityField, AppendsAfterWhatIsThere) {
  store::EventIdentity id;
  id.event_id = "evt_00000000000000aa";
  id.corroboration.mentions = 3;
  std::string got = "prefix";
  AppendIdentityField(20, id, &got);
  EXPECT_EQ(got, "prefix" + ByProtobuf(20, id));
  v1::Event event;
  ASSERT_TRUE(event.ParseFromString(got.substr(6)));
  EXPECT_EQ(event.identity().event_id(), "evt_00000000000000aa");
  EXPECT_EQ(event.identity().corroboration().mentions(), 3);
}

}  // namespace
}  // namespace newsevents::query
