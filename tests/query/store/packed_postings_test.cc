#include "query/store/packed_postings.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace newsevents::query::store::internal {
namespace {

constexpr std::size_t kBlock = PackedPostings::kBlock;
// Indexes a list holds before its first block is packed.
constexpr std::size_t kPlain = (PackedPostings::kPlainBlocks + 1) * kBlock;

// Ascending indexes whose gaps are drawn from `max_gap` (0: repeats are
// allowed, as when one list is appended the same index twice).
std::vector<std::uint32_t> Ascending(std::mt19937_64& rng, std::size_t n, std::uint32_t first,
                                     std::uint32_t max_gap) {
  std::vector<std::uint32_t> v;
  std::uint32_t x = first;
  for (std::size_t i = 0; i < n; ++i) {
    v.push_back(x);
    x += max_gap == 0 ? 0 : static_cast<std::uint32_t>(rng() % max_gap) + 1;
  }
  return v;
}

PackedPostings Pack(const std::vector<std::uint32_t>& v,
                    PackedPostings::Packing packing = PackedPostings::Packing::kPacked) {
  PackedPostings p(packing);
  for (std::uint32_t x : v) p.push_back(x);
  return p;
}

// Every position reads back its index, through Get, operator[] and the
// iterators, and back() is the last.
void ExpectHolds(const PackedPostings& p, const std::vector<std::uint32_t>& want) {
  ASSERT_EQ(p.size(), want.size());
  EXPECT_EQ(p.empty(), want.empty());
  for (std::size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(p.Get(i), want[i]) << "at " << i;
    ASSERT_EQ(p[i], want[i]) << "at " << i;
  }
  EXPECT_TRUE(std::equal(p.begin(), p.end(), want.begin(), want.end()));
  if (!want.empty()) EXPECT_EQ(p.back(), want.back());
  // Backwards too (descending reads walk lists from their end).
  std::size_t i = want.size();
  for (auto it = p.end(); it != p.begin();) {
    --it;
    --i;
    ASSERT_EQ(*it, want[i]);
  }
}

TEST(PackedPostingsTest, ReadsBackEveryIndexWhateverTheGaps) {
  std::mt19937_64 rng(1);
  // Gaps needing 0 bits (repeats), a few bits, and the full 32 bits.
  for (std::uint32_t max_gap : {0u, 1u, 3u, 100u, 70000u, 1u << 24}) {
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, kBlock, kPlain - 1, kPlain,
                          kPlain + 1, kPlain + 5 * kBlock + 17}) {
      const std::vector<std::uint32_t> want = Ascending(rng, n, 5, max_gap);
      SCOPED_TRACE(testing::Message() << "gap " << max_gap << " n " << n);
      ExpectHolds(Pack(want), want);
    }
  }
}

TEST(PackedPostingsTest, ABlockMaySpanAllThirtyTwoBits) {
  std::vector<std::uint32_t> want;
  for (std::size_t i = 0; i + 1 < kBlock; ++i) want.push_back(static_cast<std::uint32_t>(i));
  // The first block's last index: a span of 2^32 - 1. Then enough repeats
  // of it for the block to be packed.
  while (want.size() < kPlain + 3) want.push_back(0xffffffffu);
  const PackedPostings p = Pack(want);
  ExpectHolds(p, want);
  EXPECT_EQ(p.LowerBound(0, want.size(), 0xffffffffu), kBlock - 1);
  EXPECT_EQ(p.LowerBound(0, want.size(), 5), 5u);
}

class LowerBoundTest : public ::testing::TestWithParam<PackedPostings::Packing> {};

TEST_P(LowerBoundTest, AgreesWithTheStandardOneOnEveryRange) {
  std::mt19937_64 rng(2);
  for (std::uint32_t max_gap : {0u, 2u, 40u, 100000u}) {
    const std::vector<std::uint32_t> want = Ascending(rng, kPlain + 9 * kBlock + 33, 1000, max_gap);
    const PackedPostings p = Pack(want, GetParam());
    ExpectHolds(p, want);
    const std::uint32_t top = want.back() + 2;
    for (int trial = 0; trial < 3000; ++trial) {
      std::size_t first = rng() % (want.size() + 1);
      std::size_t last = rng() % (want.size() + 1);
      if (first > last) std::swap(first, last);
      // Values inside and around the range, including exact hits.
      std::uint32_t v = trial % 3 == 0 ? want[rng() % want.size()]
                                       : static_cast<std::uint32_t>(rng() % top);
      if (trial % 50 == 0) v = 0;
      const auto expected = static_cast<std::size_t>(
          std::lower_bound(want.begin() + static_cast<std::ptrdiff_t>(first),
                           want.begin() + static_cast<std::ptrdiff_t>(last), v) -
          want.begin());
      ASSERT_EQ(p.LowerBound(first, last, v), expected)
          << "gap " << max_gap << " [" << first << ", " << last << ") v " << v;
      ASSERT_EQ(p.LowerBound(first, last, v, /*near=*/true), expected)
          << "near, gap " << max_gap << " [" << first << ", " << last << ") v " << v;
      const auto it = LowerBound(p.begin() + static_cast<std::ptrdiff_t>(first),
                                 p.begin() + static_cast<std::ptrdiff_t>(last), v);
      ASSERT_EQ(static_cast<std::size_t>(it - p.begin()), expected);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Packing, LowerBoundTest,
                         ::testing::Values(PackedPostings::Packing::kPacked,
                                           PackedPostings::Packing::kPlain),
                         [](const auto& info) {
                           return info.param == PackedPostings::Packing::kPlain ? "Plain"
                                                                               : "Packed";
                         });

TEST(PackedPostingsTest, APlainListIsNeverPacked) {
  std::mt19937_64 rng(4);
  const std::vector<std::uint32_t> want = Ascending(rng, 20 * kBlock, 0, 3);
  PackedPostings plain = Pack(want, PackedPostings::Packing::kPlain);
  const PackedPostings packed = Pack(want);
  ExpectHolds(plain, want);
  EXPECT_GE(plain.bytes(), want.size() * sizeof(std::uint32_t));
  EXPECT_LT(packed.bytes(), plain.bytes() / 2);
  PackedPostings moved(std::move(plain));
  for (std::uint32_t i = 1; i <= 10 * kBlock; ++i) moved.push_back(want.back() + i);
  EXPECT_GE(moved.bytes(), moved.size() * sizeof(std::uint32_t));  // still plain
}

TEST(PackedPostingsTest, SkewedBlocksAreSearchedExactly) {
  // A block whose indexes crowd at one end: the search's first guess, from
  // the block's span, lands far from the answer.
  std::vector<std::uint32_t> want;
  for (std::uint32_t i = 0; i < 120; ++i) want.push_back(i);
  for (std::uint32_t i = 0; i < 8; ++i) want.push_back(1000000 + i);
  for (std::uint32_t i = 0; i < 8; ++i) want.push_back(2000000 + i);
  for (std::uint32_t i = 0; i < 120; ++i) want.push_back(3000000 + i);
  // Enough later indexes for those two blocks to be packed.
  for (std::uint32_t i = 0; want.size() < 2 * kBlock + kPlain; ++i) want.push_back(4000000 + i);
  const PackedPostings p = Pack(want);
  for (std::uint32_t v : {0u, 1u, 64u, 119u, 120u, 999999u, 1000000u, 1000004u, 1000008u,
                          2000000u, 2999999u, 3000000u, 3000060u, 3000119u, 3000120u}) {
    const auto expected =
        static_cast<std::size_t>(std::lower_bound(want.begin(), want.end(), v) - want.begin());
    EXPECT_EQ(p.LowerBound(0, want.size(), v), expected) << v;
    EXPECT_EQ(p.LowerBound(0, want.size(), v, /*near=*/true), expected) << v;
  }
}

TEST(PackedPostingsTest, TakesLessRoomThanAnArrayAndMovesKeepTheIndexes) {
  std::mt19937_64 rng(3);
  const std::vector<std::uint32_t> want = Ascending(rng, 100 * kBlock, 0, 30);
  PackedPostings p = Pack(want);
  // Gaps below 32 need 5 bits, plus each block's base and pointer: well
  // under half of 4 bytes an index.
  EXPECT_LT(p.bytes(), want.size() * sizeof(std::uint32_t) / 2);
  PackedPostings moved(std::move(p));
  ExpectHolds(moved, want);
  PackedPostings assigned;
  assigned.push_back(1);
  assigned = std::move(moved);
  ExpectHolds(assigned, want);
}

}  // namespace
}  // namespace newsevents::query::store::internal
