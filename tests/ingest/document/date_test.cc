#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "ingest/document/document.h"

namespace newsevents::ingest {
namespace {

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

struct DateCase {
  const char* input;
  const char* want;  // UTC, RFC 3339
  bool has_time;
};

class ParseDateAccepts : public testing::TestWithParam<DateCase> {};

TEST_P(ParseDateAccepts, ReturnsUtcTime) {
  const DateCase& c = GetParam();
  bool has_time = !c.has_time;
  std::optional<absl::Time> t = ParseDate(c.input, &has_time);
  ASSERT_TRUE(t.has_value()) << c.input;
  EXPECT_EQ(Utc(*t), c.want) << c.input;
  EXPECT_EQ(has_time, c.has_time) << c.input;
}

INSTANTIATE_TEST_SUITE_P(
    Formats, ParseDateAccepts,
    testing::Values(
        DateCase{"2024-12-27", "2024-12-27T00:00:00Z", false},
        DateCase{"  2024-12-27 ", "2024-12-27T00:00:00Z", false},
        DateCase{"2024-12-27T10:00:00Z", "2024-12-27T10:00:00Z", true},
        DateCase{"2024-12-27t10:00:00z", "2024-12-27T10:00:00Z", true},
        DateCase{"2024-12-27 10:00:00", "2024-12-27T10:00:00Z", true},
        DateCase{"2024-12-27T10:00", "2024-12-27T10:00:00Z", true},
        DateCase{"2024-12-27T10:00:00+02:00", "2024-12-27T08:00:00Z", true},
        DateCase{"2024-12-27T10:00:00-05:00", "2024-12-27T15:00:00Z", true},
        DateCase{"2024-12-27T10:00:00+0530", "2024-12-27T04:30:00Z", true},
        DateCase{"2024-12-27T01:00:00+03", "2024-12-26T22:00:00Z", true},
        DateCase{"2024-12-27T10:00:00.123Z", "2024-12-27T10:00:00.123Z", true},
        DateCase{"2024-12-27T10:00:00.123456789+00:00",
                 "2024-12-27T10:00:00.123456789Z", true},
        DateCase{"2024-12-27 10:00:00 UTC", "2024-12-27T10:00:00Z", true},
        DateCase{"2024/12/27", "2024-12-27T00:00:00Z", false},
        DateCase{"2024-1-5", "2024-01-05T00:00:00Z", false},
        DateCase{"December 27, 2024", "2024-12-27T00:00:00Z", false},
        DateCase{"december 27, 2024", "2024-12-27T00:00:00Z", false},
        DateCase{"December 27 2024", "2024-12-27T00:00:00Z", false},
        DateCase{"December 27th, 2024", "2024-12-27T00:00:00Z", false},
        DateCase{"27 December 2024", "2024-12-27T00:00:00Z", false},
        DateCase{"27 Dec 2024", "2024-12-27T00:00:00Z", false},
        DateCase{"Dec 27, 2024", "2024-12-27T00:00:00Z", false},
        DateCase{"Dec. 27, 2024", "2024-12-27T00:00:00Z", false},
        DateCase{"Sept. 3, 2024", "2024-09-03T00:00:00Z", false},
        DateCase{"Friday, December 27, 2024", "2024-12-27T00:00:00Z", false},
        DateCase{"Fri, 27 Dec 2024", "2024-12-27T00:00:00Z", false},
        DateCase{"Fri, 27 Dec 2024 10:00:00 GMT", "2024-12-27T10:00:00Z",
                 true},
        DateCase{"Fri, 27 Dec 2024 10:00:00 +0100", "2024-12-27T09:00:00Z",
                 true},
        DateCase{"Fri, 27 Dec 2024 10:00:00 EST", "2024-12-27T15:00:00Z",
                 true},
        DateCase{"December 27, 2024 10:30 AM", "2024-12-27T10:30:00Z", true},
        DateCase{"December 27, 2024 at 3:05 p.m. EST", "2024-12-27T20:05:00Z",
                 true},
        DateCase{"December 27, 2024, 12:00 am", "2024-12-27T00:00:00Z", true},
        DateCase{"Dec 27, 2024 12:15 PM GMT+2", "2024-12-27T10:15:00Z", true},
        DateCase{"12/27/2024", "2024-12-27T00:00:00Z", false},
        DateCase{"1/5/2024", "2024-01-05T00:00:00Z", false},
        DateCase{"27/12/2024", "2024-12-27T00:00:00Z", false},
        DateCase{"27.12.2024", "2024-12-27T00:00:00Z", false},
        DateCase{"27.12.2024 10:00", "2024-12-27T10:00:00Z", true},
        DateCase{"2024-02-29", "2024-02-29T00:00:00Z", false},
        DateCase{"2000-02-29", "2000-02-29T00:00:00Z", false},
        DateCase{"1900-01-01", "1900-01-01T00:00:00Z", false},
        DateCase{"2100-12-31T23:59:59Z", "2100-12-31T23:59:59Z", true}));

class ParseDateRejects : public testing::TestWithParam<const char*> {};

TEST_P(ParseDateRejects, ReturnsNullopt) {
  bool has_time = true;
  EXPECT_FALSE(ParseDate(GetParam(), &has_time).has_value()) << GetParam();
  EXPECT_FALSE(has_time);
}

INSTANTIATE_TEST_SUITE_P(
    Invalid, ParseDateRejects,
    testing::Values("", "   ", "yesterday", "2024", "2024-12",
                    "2024-02-30",            // no such day
                    "2023-02-29",            // not a leap year
                    "1900-02-29",            // century, not a leap year
                    "2024-13-01", "2024-00-10", "2024-12-00", "2024-12-32",
                    "1899-12-31", "2101-01-01", "0001-01-01",
                    "2024-12-27T24:00:00Z", "2024-12-27T10:60:00Z",
                    "2024-12-27T10:00:61Z", "2024-12-27T10:00:00+15:00",
                    "2024-12-27T10:00:00 nonsense", "2024-12-27T", "2024-12-27x",
                    "20241-12-27", "13/13/2024", "12/27/24", "Smarch 27, 2024",
                    "December 32, 2024", "February 30, 2024",
                    "December 27", "27 December", "Author: Jia",
                    "On December 27, 2024 the soldier died.",
                    "December 27, 2024 was a Friday",
                    "December 27, 2024 13:00 pm", "Dec 27, 2024 0:30 am",
                    "2024-12-27T10:00:00.Z"));

TEST(ParseDateTest, HasTimeIsOptional) {
  std::optional<absl::Time> t = ParseDate("2024-12-27");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(Utc(*t), "2024-12-27T00:00:00Z");
}

TEST(ParseDateTest, LongInputIsRejectedQuickly) {
  const std::string long_text(1'000'000, '2');
  EXPECT_FALSE(ParseDate(long_text).has_value());
}

}  // namespace
}  // namespace newsevents::ingest
