#include "query/store/page_token.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace newsevents::query::store {
namespace {

using ::testing::HasSubstr;

TEST(PageTokenTest, RoundTrips) {
  const Cursor c{0x1234567890abcdefULL, -42, 7};
  const std::string token = EncodeCursor(c);
  for (char ch : token) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_')
        << token;
  }
  auto back = DecodeCursor(token, c.fingerprint);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->key, -42);
  EXPECT_EQ(back->seq, 7);
}

TEST(PageTokenTest, RejectsOtherRequestsAndDamage) {
  const std::string token = EncodeCursor(Cursor{99, 1, 1});
  auto other = DecodeCursor(token, 98);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(other.status().message(), HasSubstr("page_token was issued for"));
  auto truncated = DecodeCursor(token.substr(0, token.size() - 4), 99);
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kInvalidArgument);
  for (std::size_t i = 0; i + 1 < token.size(); ++i) {
    std::string bad = token;
    bad[i] = bad[i] == 'x' ? 'y' : 'x';
    EXPECT_EQ(DecodeCursor(bad, 99).status().code(),
              absl::StatusCode::kInvalidArgument)
        << "position " << i;
  }
}

TEST(PageTokenTest, FingerprintTreatsRepeatedFieldsAsSets) {
  EventFilter a;
  a.types = {EventType::kAssault, EventType::kCoerce};
  a.entity_names = {"Zelensky", "NIS"};
  EventFilter b;
  b.types = {EventType::kCoerce, EventType::kAssault, EventType::kCoerce};
  b.entity_names = {"nis", "zelensky"};
  EXPECT_EQ(Fingerprint(a, OrderBy::kEventTimeDesc),
            Fingerprint(b, OrderBy::kEventTimeDesc));
  EXPECT_NE(Fingerprint(a, OrderBy::kEventTimeDesc),
            Fingerprint(a, OrderBy::kEventTimeAsc));
  b.modes = {"capture"};
  EXPECT_NE(Fingerprint(a, OrderBy::kEventTimeDesc),
            Fingerprint(b, OrderBy::kEventTimeDesc));
  // A value moved from one field to another changes the fingerprint.
  EventFilter c;
  c.actor_ids = {"country:UKR"};
  EventFilter d;
  d.recipient_ids = {"country:UKR"};
  EXPECT_NE(Fingerprint(c, OrderBy::kEventTimeDesc),
            Fingerprint(d, OrderBy::kEventTimeDesc));
}

}  // namespace
}  // namespace newsevents::query::store
