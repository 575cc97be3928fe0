// A longest-match dictionary over token sequences: each phrase is stored as
// the combined hash of its folded tokens, with every proper prefix recorded
// so that a match attempt stops as soon as no longer phrase can follow.
//
// Immutable after building; lookups are thread-safe.
#ifndef NEWSEVENTS_INGEST_RESOURCES_PHRASE_INDEX_H_
#define NEWSEVENTS_INGEST_RESOURCES_PHRASE_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/types/span.h"

namespace newsevents::ingest {

class PhraseIndex {
 public:
  // Adds `value` under the phrase whose token hashes are `tokens`.
  void Add(absl::Span<const std::uint64_t> tokens, std::uint32_t value);

  // Calls `fn(length, values)` for every stored phrase that starts at
  // tokens[0], shortest first. `hash_of(i)` gives the i-th token's hash.
  template <typename HashOf, typename Fn>
  void ForEachMatch(std::size_t available, HashOf hash_of, Fn fn) const {
    std::uint64_t h = kSeed;
    const std::size_t limit = available < max_len_ ? available : max_len_;
    for (std::size_t len = 1; len <= limit; ++len) {
      h = Combine(h, hash_of(len - 1));
      auto it = full_.find(h);
      if (it != full_.end()) fn(len, it->second);
      if (!prefixes_.contains(h)) break;
    }
  }

  std::size_t size() const { return full_.size(); }
  std::size_t max_length() const { return max_len_; }
  // Rough heap footprint in bytes.
  std::size_t MemoryBytes() const;

 private:
  static constexpr std::uint64_t kSeed = 0xcbf29ce484222325ULL;
  static std::uint64_t Combine(std::uint64_t seq, std::uint64_t token) {
    return (seq ^ token) * 0x100000001b3ULL + (seq >> 29);
  }
  absl::flat_hash_map<std::uint64_t, std::vector<std::uint32_t>> full_;
  absl::flat_hash_set<std::uint64_t> prefixes_;  // hashes of proper prefixes
  std::size_t max_len_ = 0;
};

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_RESOURCES_PHRASE_INDEX_H_
