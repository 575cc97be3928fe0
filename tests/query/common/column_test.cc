#include "query/common/column.h"

#include <cstddef>
#include <cstdint>
#include <string>

#include "gtest/gtest.h"

namespace newsevents::query {
namespace {

using Ints = Column<std::uint32_t>;

TEST(ColumnTest, KeepsValuesAcrossChunks) {
  Ints c;
  EXPECT_TRUE(c.empty());
  const std::size_t n = 3 * Ints::kChunk + 5;
  for (std::size_t i = 0; i < n; ++i) c.push_back(static_cast<std::uint32_t>(i * 7));
  ASSERT_EQ(c.size(), n);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(c[i], i * 7) << i;
  EXPECT_EQ(c.bytes(), 4 * Ints::kChunk * sizeof(std::uint32_t));
}

TEST(ColumnTest, ElementsNeverMove) {
  Column<std::string> c;
  c.push_back("first");
  const std::string* first = &c[0];
  for (std::size_t i = 0; i < 2 * Column<std::string>::kChunk; ++i) c.push_back("x");
  EXPECT_EQ(first, &c[0]);
  EXPECT_EQ(*first, "first");
}

// pop_back at a chunk boundary keeps the next push_back at the right index.
TEST(ColumnTest, PopBackAtAChunkBoundary) {
  Ints c;
  for (std::size_t i = 0; i < Ints::kChunk; ++i) c.push_back(1);
  c.push_back(2);  // opens the second chunk
  c.pop_back();
  ASSERT_EQ(c.size(), Ints::kChunk);
  c.push_back(3);
  c.push_back(4);
  EXPECT_EQ(c[Ints::kChunk], 3u);
  EXPECT_EQ(c[Ints::kChunk + 1], 4u);
  EXPECT_EQ(c.bytes(), 2 * Ints::kChunk * sizeof(std::uint32_t));
}

TEST(ColumnTest, PopBackResetsTheElement) {
  Column<std::string> c;
  c.push_back("a");
  c.push_back("b");
  c.pop_back();
  c.AppendRun(1);
  EXPECT_EQ(c[1], "");
}

// A run never straddles two chunks: it starts a new chunk when the current
// one cannot hold it, and its elements are contiguous.
TEST(ColumnTest, AppendRunStaysInOneChunk) {
  Ints c;
  for (std::size_t i = 0; i < Ints::kChunk - 3; ++i) c.push_back(9);
  const std::size_t fits = c.AppendRun(2);
  EXPECT_EQ(fits, Ints::kChunk - 3);
  const std::size_t moved = c.AppendRun(4);  // 1 left in the chunk
  EXPECT_EQ(moved, Ints::kChunk);
  EXPECT_EQ(c.size(), Ints::kChunk + 4);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(&c[moved] + i, &c[moved + i]);
    EXPECT_EQ(c[moved + i], 0u);
  }
  EXPECT_EQ(c[Ints::kChunk - 1], 0u);  // the padding
  const std::size_t whole = c.AppendRun(Ints::kChunk);
  EXPECT_EQ(whole, 2 * Ints::kChunk);
  EXPECT_EQ(&c[whole] + (Ints::kChunk - 1), &c[whole + Ints::kChunk - 1]);
}

}  // namespace
}  // namespace newsevents::query
