#include "query/store/packed_postings.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace newsevents::query::store::internal {
namespace {

// The first k in [lo, lo + n) for which below(k) is false, or lo + n, when
// below is true up to some k and false after. Without branches: the
// comparisons are unpredictable.
template <typename Below>
std::size_t Bisect(std::size_t lo, std::size_t n, Below below) {
  while (n > 1) {
    const std::size_t half = n / 2;
    lo = below(lo + half - 1) ? lo + half : lo;
    n -= half;
  }
  if (n == 1 && below(lo)) ++lo;
  return lo;
}

}  // namespace

void PackedPostings::Seal() {
  const std::uint32_t base = tail_.front();
  const auto width = static_cast<unsigned>(std::bit_width(tail_[kBlock - 1] - base));
  const std::size_t bytes = 1 + (kBlock * width + 7) / 8 + 8;
  auto block = std::make_unique<std::uint8_t[]>(bytes);  // zeroed
  block[0] = static_cast<std::uint8_t>(width);
  std::uint8_t* bits = block.get() + 1;
  for (std::size_t k = 0; k < kBlock; ++k) {
    const std::uint64_t v = tail_[k] - base;
    const std::size_t bit = k * width;
    std::uint64_t word;
    std::memcpy(&word, bits + (bit >> 3), sizeof(word));
    word |= v << (bit & 7);
    std::memcpy(bits + (bit >> 3), &word, sizeof(word));
  }
  if (sealed_ == nullptr) sealed_ = std::make_unique<Sealed>();
  Sealed& s = *sealed_;
  if (s.bases.size() == s.bases.capacity()) {
    // A quarter more, not double: the blocks' bases and pointers are a
    // tenth of a list's room.
    const std::size_t n = s.bases.size() + s.bases.size() / 4 + 4;
    s.bases.reserve(n);
    s.bits.reserve(n);
  }
  s.bases.push_back(base);
  s.bits.push_back(std::move(block));
  s.bytes += bytes;
  tail_.erase(tail_.begin(), tail_.begin() + kBlock);  // keeps its room
}

std::size_t PackedPostings::LowerBound(std::size_t first, std::size_t last, std::uint32_t v,
                                       bool near) const {
  if (first >= last) return first;
  if (sealed_ == nullptr) {  // a plain array: as over a vector
    const std::uint32_t* d = tail_.data();
    return static_cast<std::size_t>(
        (near ? Gallop(d + first, d + last, v) : std::lower_bound(d + first, d + last, v)) - d);
  }
  if (Get(first) >= v) return first;
  // Get(first) < v, so the answer is in (first, last]. Find the first block
  // after first's, up to last's, that starts at v or more: the answer is in
  // the block before it, or is its start.
  std::size_t lo = (first >> kBlockShift) + 1;
  std::size_t hi = ((last - 1) >> kBlockShift) + 1;
  if (near) {
    // Every block in [first's + 1, lo) starts below v.
    std::size_t step = 1;
    std::size_t probe = lo;
    while (probe < hi && BlockBase(probe) < v) {
      lo = probe + 1;
      probe = lo + step;
      step *= 2;
    }
    hi = std::min(hi, probe + 1);
  }
  // The first block in [lo, hi) that starts at v or more, or hi.
  lo = Bisect(lo, hi - lo, [&](std::size_t k) { return BlockBase(k) < v; });
  const std::size_t b = lo - 1;
  const std::size_t start = b << kBlockShift;
  std::size_t s = std::max(first + 1, start);
  std::size_t e = std::min(last, start + kBlock);
  if (b >= blocks()) {  // in the plain tail
    const std::uint32_t* t = tail_.data() - packed();
    return static_cast<std::size_t>(std::lower_bound(t + s, t + e, v) - t);
  }
  // Block b starts below v: it is first's block, or was found to.
  return start + BlockAt(b).Search(s - start, e - start, v - sealed_->bases[b]);
}

std::size_t PackedPostings::Block::Search(std::size_t lo, std::size_t hi,
                                          std::uint32_t target) const {
  if (lo >= hi) return lo;
  // Postings are spread fairly evenly over a block, so the answer is
  // usually near where the target falls between the block's first and last
  // index. Start there, then gallop towards the answer and bisect.
  const std::uint32_t span = Delta(kBlock - 1);
  if (target > span) return hi;
  std::size_t k = span == 0 ? 0
                            : static_cast<std::size_t>(std::uint64_t{target} * (kBlock - 1) / span);
  k = std::clamp(k, lo, hi - 1);
  std::size_t first;  // the answer is in [first, last]
  std::size_t last;
  if (Delta(k) < target) {
    std::size_t step = 1;
    first = k + 1;
    last = hi;
    for (std::size_t probe = k + 1; probe < hi; probe = first + step, step *= 2) {
      if (Delta(probe) >= target) {
        last = probe;
        break;
      }
      first = probe + 1;
    }
  } else {
    std::size_t step = 1;
    first = lo;
    last = k;
    while (last > lo) {
      const std::size_t probe = last > lo + step ? last - step : lo;
      if (Delta(probe) < target) {
        first = probe + 1;
        break;
      }
      last = probe;
      step *= 2;
    }
  }
  // The first in [first, last) whose Delta is target or more, else last.
  return Bisect(first, last - first, [&](std::size_t k) { return Delta(k) < target; });
}

std::size_t PackedPostings::bytes() const {
  std::size_t total = tail_.capacity() * sizeof(std::uint32_t);
  if (sealed_ != nullptr) {
    total += sizeof(Sealed) + sealed_->bases.capacity() * sizeof(std::uint32_t) +
             sealed_->bits.capacity() * sizeof(std::unique_ptr<std::uint8_t[]>) + sealed_->bytes;
  }
  return total;
}

}  // namespace newsevents::query::store::internal
