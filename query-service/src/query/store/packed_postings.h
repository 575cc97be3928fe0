// PackedPostings: an ascending list of 32-bit event indexes, appended at its
// end, held in about half the room of a plain array and still read by
// position (random-access const iterators, so std::lower_bound and
// galloping work on it as on a vector).
//
// Every block of 128 indexes is stored as its first index and each index's
// distance from it, in as many bits as the block's largest distance needs
// ("frame of reference"), except the newest four to five blocks' worth,
// kept as a plain array (reads favour recent events). Reading index i finds
// its block by i / 128 and unpacks one value.
//
// Not thread-safe; readers of a list must exclude its writer.
#ifndef NEWSEVENTS_QUERY_STORE_PACKED_POSTINGS_H_
#define NEWSEVENTS_QUERY_STORE_PACKED_POSTINGS_H_

#include <algorithm>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <vector>

namespace newsevents::query::store::internal {

class PackedPostings {
 public:
  static constexpr int kBlockShift = 7;
  static constexpr std::size_t kBlock = std::size_t{1} << kBlockShift;
  // The newest indexes stay unpacked: at least kPlainBlocks blocks' worth
  // once a list is that long. Reads favour recent events, so most searches
  // end there.
  static constexpr std::size_t kPlainBlocks = 4;

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = std::uint32_t;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::uint32_t;

    const_iterator() = default;
    const_iterator(const PackedPostings* list, std::size_t i) : list_(list), i_(i) {}

    std::uint32_t operator*() const { return list_->Get(i_); }
    std::uint32_t operator[](difference_type n) const {
      return list_->Get(static_cast<std::size_t>(static_cast<difference_type>(i_) + n));
    }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++i_;
      return old;
    }
    const_iterator& operator--() {
      --i_;
      return *this;
    }
    const_iterator operator--(int) {
      const_iterator old = *this;
      --i_;
      return old;
    }
    const_iterator& operator+=(difference_type n) {
      i_ = static_cast<std::size_t>(static_cast<difference_type>(i_) + n);
      return *this;
    }
    const_iterator& operator-=(difference_type n) { return *this += -n; }
    friend const_iterator operator+(const_iterator it, difference_type n) { return it += n; }
    friend const_iterator operator+(difference_type n, const_iterator it) { return it += n; }
    friend const_iterator operator-(const_iterator it, difference_type n) { return it -= n; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
      return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      return a.i_ == b.i_;
    }
    friend auto operator<=>(const const_iterator& a, const const_iterator& b) {
      return a.i_ <=> b.i_;
    }

    const PackedPostings* list() const { return list_; }
    std::size_t index() const { return i_; }

   private:
    const PackedPostings* list_ = nullptr;
    std::size_t i_ = 0;
  };

  // kPlain: never packed, a plain array read as fast as a std::vector.
  enum class Packing { kPacked, kPlain };
  PackedPostings() = default;
  explicit PackedPostings(Packing packing) : plain_(packing == Packing::kPlain) {}
  PackedPostings(PackedPostings&&) noexcept = default;
  PackedPostings& operator=(PackedPostings&&) noexcept = default;
  PackedPostings(const PackedPostings&) = delete;
  PackedPostings& operator=(const PackedPostings&) = delete;

  // REQUIRES: v is not less than back().
  void push_back(std::uint32_t v) {
    tail_.push_back(v);
    if (tail_.size() == (kPlainBlocks + 1) * kBlock && !plain_) Seal();
  }

  std::size_t size() const { return packed() + tail_.size(); }
  bool empty() const { return size() == 0; }
  // REQUIRES: !empty(). (The tail is never empty once a block is packed.)
  std::uint32_t back() const { return tail_.back(); }
  std::uint32_t operator[](std::size_t i) const { return Get(i); }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, size()); }

  // The first position in [first, last) whose index is `v` or more (last
  // if none): a binary search over the blocks' first indexes, then one
  // block's. `near`: the answer is likely close to `first`, so the blocks
  // are searched by galloping from first's.
  std::size_t LowerBound(std::size_t first, std::size_t last, std::uint32_t v,
                         bool near = false) const;

  // Memory held, in bytes (beyond sizeof(PackedPostings)).
  std::size_t bytes() const;

  std::uint32_t Get(std::size_t i) const {
    const std::size_t packed = this->packed();
    if (i >= packed) return tail_[i - packed];
    const std::size_t b = i >> kBlockShift;
    return sealed_->bases[b] + BlockAt(b).Delta(i & (kBlock - 1));
  }

 private:
  // One full block's bits: a byte holding the bits per index, then each
  // index's distance from the block's first index in that many bits, then 8
  // spare bytes (so that reading a distance is one 8-byte load that never
  // passes the end).
  struct Block {
    explicit Block(const std::uint8_t* bytes) : width(bytes[0]), bits(bytes + 1) {}
    std::uint32_t Delta(std::size_t k) const {
      const std::size_t bit = k * width;
      std::uint64_t v;
      std::memcpy(&v, bits + (bit >> 3), sizeof(v));
      return static_cast<std::uint32_t>((v >> (bit & 7)) & ((std::uint64_t{1} << width) - 1));
    }
    // The first k in [lo, hi) whose Delta(k) is `target` or more, else hi.
    std::size_t Search(std::size_t lo, std::size_t hi, std::uint32_t target) const;
    unsigned width;
    const std::uint8_t* bits;
  };
  Block BlockAt(std::size_t b) const { return Block(sealed_->bits[b].get()); }
  // Packs the tail's oldest kBlock indexes into a block.
  void Seal();

  // Number of full blocks.
  std::size_t blocks() const { return sealed_ == nullptr ? 0 : sealed_->bases.size(); }
  // Indexes in packed blocks (the tail's first position).
  std::size_t packed() const { return blocks() << kBlockShift; }
  // The first index of block b; the tail is block blocks().
  std::uint32_t BlockBase(std::size_t b) const {
    const std::size_t full = blocks();
    return b < full ? sealed_->bases[b] : tail_[(b - full) << kBlockShift];
  }

  // Full blocks: their first indexes (apart, so that a search over them
  // reads 16 per cache line) and their bits. Behind a pointer, allocated
  // with the first block: most lists (an entity's, a place's) are short or
  // plain, and keep only the tail and the pointer (40 bytes, not 88).
  struct Sealed {
    std::vector<std::uint32_t> bases;
    std::vector<std::unique_ptr<std::uint8_t[]>> bits;
    std::size_t bytes = 0;  // the blocks' bits, in bytes
  };
  std::vector<std::uint32_t> tail_;
  std::unique_ptr<Sealed> sealed_;
  bool plain_ = false;  // Packing::kPlain
};

// The first element of the ascending [first, last) that is `value` or more:
// galloping from `first`, so a near answer costs a few steps. For any
// random-access range (PackedPostings gallops over its blocks instead).
template <typename It>
It Gallop(It first, It last, std::uint32_t value) {
  std::ptrdiff_t step = 1;
  auto low = first;
  while (last - low > step && low[step] < value) {
    low += step;
    step *= 2;
  }
  return std::lower_bound(low, last - low > step ? low + step + 1 : last, value);
}

// std::lower_bound over [first, last) of one PackedPostings, faster.
inline PackedPostings::const_iterator LowerBound(PackedPostings::const_iterator first,
                                                 PackedPostings::const_iterator last,
                                                 std::uint32_t v) {
  return {first.list(), first.list()->LowerBound(first.index(), last.index(), v)};
}

}  // namespace newsevents::query::store::internal

#endif  // NEWSEVENTS_QUERY_STORE_PACKED_POSTINGS_H_
