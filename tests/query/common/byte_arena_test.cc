#include "query/common/byte_arena.h"

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace newsevents::query {
namespace {

TEST(ByteArenaTest, ViewsStayValidAndEqualTheBytes) {
  ByteArena arena;
  std::vector<std::string> given;
  std::vector<absl::string_view> kept;
  // Small pieces over several blocks, a large one of its own, and empty.
  for (int i = 0; i < 40000; ++i) given.push_back(std::string(1 + i % 97, 'a' + i % 26));
  given.push_back(std::string(600 * 1024, 'z'));
  given.push_back("");
  given.push_back("after");
  for (const std::string& s : given) kept.push_back(arena.Append(s));
  for (std::size_t i = 0; i < given.size(); ++i) ASSERT_EQ(kept[i], given[i]) << i;
  // Only whole blocks and large blobs are counted.
  EXPECT_GE(arena.bytes(), 600u * 1024 + (1u << 20));
}

TEST(ByteArenaTest, EmptyArenaAndEmptyAppend) {
  ByteArena arena;
  EXPECT_EQ(arena.bytes(), 0u);
  EXPECT_TRUE(arena.Append("").empty());
  EXPECT_EQ(arena.bytes(), 0u);
}

}  // namespace
}  // namespace newsevents::query
