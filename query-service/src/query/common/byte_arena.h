// ByteArena: append-only bytes in large blocks. Views it returns stay valid
// for the arena's life; nothing is freed before the arena is.
//
// Not thread-safe.
#ifndef NEWSEVENTS_QUERY_COMMON_BYTE_ARENA_H_
#define NEWSEVENTS_QUERY_COMMON_BYTE_ARENA_H_

#include <cstddef>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/string_view.h"

namespace newsevents::query {

class ByteArena {
 public:
  absl::string_view Append(absl::string_view bytes) {
    if (bytes.empty()) return {};
    if (bytes.size() > kBlock / 4) {  // a blob of its own
      large_.push_back(std::make_unique<char[]>(bytes.size()));
      std::memcpy(large_.back().get(), bytes.data(), bytes.size());
      allocated_ += bytes.size();
      return {large_.back().get(), bytes.size()};
    }
    if (used_ + bytes.size() > kBlock) {
      blocks_.push_back(std::make_unique<char[]>(kBlock));
      used_ = 0;
      allocated_ += kBlock;
    }
    char* p = blocks_.back().get() + used_;
    std::memcpy(p, bytes.data(), bytes.size());
    used_ += bytes.size();
    return {p, bytes.size()};
  }
  std::size_t bytes() const { return allocated_; }

 private:
  static constexpr std::size_t kBlock = std::size_t{1} << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::unique_ptr<char[]>> large_;
  std::size_t used_ = kBlock;  // in the last block
  std::size_t allocated_ = 0;
};

}  // namespace newsevents::query

#endif  // NEWSEVENTS_QUERY_COMMON_BYTE_ARENA_H_
