#include "query/store/compact_columns.h"

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace newsevents::query::store::internal {
namespace {

TEST(OffsetColumnTest, AscendingValuesReadBackAndFitTheirWidth) {
  OffsetColumn<std::uint32_t, std::uint16_t> col;
  std::vector<std::uint32_t> want;
  std::mt19937 rng(7);
  std::uint32_t v = 1000;
  for (int i = 0; i < 5000; ++i) {
    v += rng() % 6;  // a few mentions per event
    col.push_back(v);
    want.push_back(v);
  }
  ASSERT_EQ(col.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) ASSERT_EQ(col[i], want[i]) << i;
  EXPECT_EQ(col.kept_apart(), 0u);
}

TEST(OffsetColumnTest, ValuesThatDoNotFitAreKeptApart) {
  OffsetColumn<std::uint32_t, std::uint16_t> col;
  // A jump past 16 bits within a run, a value below its run's base, the
  // largest value, and the escape code itself as a distance.
  const std::vector<std::uint32_t> want = {
      10, 11, 70000, 70001, 5, std::numeric_limits<std::uint32_t>::max(), 10 + 0xffff,
      10 + 0xfffe};
  for (std::uint32_t v : want) col.push_back(v);
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(col[i], want[i]) << i;
  EXPECT_EQ(col.kept_apart(), 5u);  // 70000, 70001, 5, max, 10 + 0xffff
}

TEST(OffsetColumnTest, RunsStartAgainFromTheirFirstValue) {
  OffsetColumn<std::uint32_t, std::uint16_t> col;
  const std::size_t n = 3 * OffsetColumn<std::uint32_t, std::uint16_t>::kRun + 5;
  for (std::size_t i = 0; i < n; ++i) col.push_back(static_cast<std::uint32_t>(i * 200));
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(col[i], i * 200) << i;
  // Within a run of 256 the distance reaches 255 * 200 < 65535: none apart.
  EXPECT_EQ(col.kept_apart(), 0u);
}

TEST(OffsetColumnTest, AddressesInSeparateBlocks) {
  OffsetColumn<std::uintptr_t, std::uint32_t> col;
  std::vector<std::vector<char>> blocks;
  std::vector<std::uintptr_t> want;
  for (int b = 0; b < 4; ++b) {
    blocks.emplace_back(1000);
    for (int k = 0; k < 100; ++k) {
      want.push_back(reinterpret_cast<std::uintptr_t>(blocks.back().data() + k * 10));
      col.push_back(want.back());
    }
  }
  for (std::size_t i = 0; i < want.size(); ++i) ASSERT_EQ(col[i], want[i]) << i;
}

TEST(CodeColumnTest, ValuesReadBackThroughTheirCodes) {
  CodeColumn col;
  const std::vector<std::uint32_t> want = {7, 7, 0, 123456789, 7, 0xffffffffu, 0};
  for (std::uint32_t v : want) col.push_back(v);
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(col[i], want[i]) << i;
  EXPECT_EQ(col.distinct(), 4u);
}

TEST(CodeColumnTest, PastSixteenBitsOfDistinctValues) {
  CodeColumn col;
  const std::uint32_t n = 70000;
  for (std::uint32_t v = 0; v < n; ++v) col.push_back(v * 3);
  col.push_back(3);           // an early value again: its code
  col.push_back(3 * 69999);   // a late value again: kept apart again
  for (std::uint32_t v = 0; v < n; ++v) ASSERT_EQ(col[v], v * 3) << v;
  EXPECT_EQ(col[n], 3u);
  EXPECT_EQ(col[n + 1], 3u * 69999);
  EXPECT_EQ(col.distinct(), n);
}

TEST(Index24ColumnTest, IndexesNoneAndWideIndexes) {
  Index24Column col;
  const std::uint32_t kNoIndex = 0xffffffffu;
  const std::vector<std::uint32_t> want = {
      0, 1, kNoIndex, 0xfffffd,  // the largest in three bytes
      0xfffffe, 0xffffff,        // the two codes taken: kept apart
      0x1000000, 0xfffffffe, 4000, kNoIndex};
  for (std::uint32_t v : want) col.push_back(v);
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(col[i], want[i]) << i;
  EXPECT_EQ(col.kept_apart(), 4u);
  EXPECT_EQ(col.size(), want.size());
}

TEST(Index24ColumnTest, AcrossChunks) {
  Index24Column col;
  const std::uint32_t n = 3 * (1u << 14) + 17;
  for (std::uint32_t v = 0; v < n; ++v) col.push_back(v * 97 % 0x1000000);
  for (std::uint32_t v = 0; v < n; ++v) ASSERT_EQ(col[v], v * 97 % 0x1000000) << v;
}

TEST(MinuteColumnTest, WholeMinutesOpenEndsAndOtherTimes) {
  MinuteColumn col;
  constexpr std::int64_t kMin = MinuteColumn::kMicrosPerMinute;
  const std::vector<std::int64_t> want = {
      std::numeric_limits<std::int64_t>::min(),  // no time, or an open start
      std::numeric_limits<std::int64_t>::max(),  // an open end
      0,
      1'730'419'200'000'000,        // 2024-11-01, a day
      -2'208'988'800'000'000,       // 1900-01-01
      1'730'419'200'000'001,        // not a whole minute
      -1,                           // just before 1970
      -kMin,
      std::int64_t{std::numeric_limits<std::int32_t>::max()} * kMin,      // past the range
      std::int64_t{std::numeric_limits<std::int32_t>::max() - 1} * kMin,  // the last in it
      std::int64_t{std::numeric_limits<std::int32_t>::min() + 1} * kMin,  // the escape code
      std::int64_t{std::numeric_limits<std::int32_t>::min() + 2} * kMin,  // the first in it
      std::numeric_limits<std::int64_t>::max() - 1,
  };
  for (std::int64_t t : want) col.push_back(t);
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(col[i], want[i]) << i;
    EXPECT_EQ(col.is_lowest(i), want[i] == std::numeric_limits<std::int64_t>::min()) << i;
  }
  EXPECT_EQ(col.kept_apart(), 5u);
}

TEST(MinuteColumnTest, RandomTimesReadBack) {
  MinuteColumn col;
  std::mt19937_64 rng(11);
  std::vector<std::int64_t> want;
  for (int i = 0; i < 20000; ++i) {
    std::int64_t t = static_cast<std::int64_t>(rng() % 4'000'000'000'000'000ull) -
                     2'000'000'000'000'000;
    if (i % 3 != 0) t -= t % MinuteColumn::kMicrosPerMinute;
    want.push_back(t);
    col.push_back(t);
  }
  for (std::size_t i = 0; i < want.size(); ++i) ASSERT_EQ(col[i], want[i]) << i;
}

}  // namespace
}  // namespace newsevents::query::store::internal
