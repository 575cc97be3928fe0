#include "ingest/resources/phrase_index.h"

#include <algorithm>

namespace newsevents::ingest {

void PhraseIndex::Add(absl::Span<const std::uint64_t> tokens,
                      std::uint32_t value) {
  if (tokens.empty()) return;
  std::uint64_t h = kSeed;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    h = Combine(h, tokens[i]);
    if (i + 1 < tokens.size()) prefixes_.insert(h);
  }
  auto& values = full_[h];
  if (std::find(values.begin(), values.end(), value) == values.end()) {
    values.push_back(value);
  }
  max_len_ = std::max(max_len_, tokens.size());
}

std::size_t PhraseIndex::MemoryBytes() const {
  std::size_t bytes = full_.capacity() * (sizeof(std::uint64_t) +
                                          sizeof(std::vector<std::uint32_t>) + 1) +
                      prefixes_.capacity() * (sizeof(std::uint64_t) + 1);
  for (const auto& [k, v] : full_) bytes += v.capacity() * sizeof(std::uint32_t);
  return bytes;
}

}  // namespace newsevents::ingest
