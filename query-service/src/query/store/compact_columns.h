// Narrow per-event columns for EventTable. Each keeps the usual value in
// fewer bytes than its type and the rare value that does not fit in a hash
// map beside it, so every value reads back exactly.
//
// Not thread-safe (the store appends under its exclusive lock).
#ifndef NEWSEVENTS_QUERY_STORE_COMPACT_COLUMNS_H_
#define NEWSEVENTS_QUERY_STORE_COMPACT_COLUMNS_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/container/flat_hash_map.h"
#include "query/common/column.h"

namespace newsevents::query::store::internal {

// Bytes a flat_hash_map of `n` slots of `Slot` holds (slots and control bytes).
template <typename Slot>
std::size_t HashMapBytes(std::size_t capacity) {
  return capacity * (sizeof(Slot) + 1);
}

// Unsigned values that grow slowly along the column (offsets into other
// columns, article numbers, addresses in an arena): a base per run of
// kRun entries, the first entry's value, and each entry's distance from it
// in a `Small`. A distance that does not fit (a value below its base, or
// too far above it) is kept in a map.
template <typename Value, typename Small>
class OffsetColumn {
  static_assert(std::is_unsigned_v<Value> && std::is_unsigned_v<Small>);
  static_assert(sizeof(Small) < sizeof(Value));

 public:
  static constexpr int kRunShift = 8;
  static constexpr std::size_t kRun = std::size_t{1} << kRunShift;

  void push_back(Value v) {
    const std::size_t i = small_.size();
    if ((i & (kRun - 1)) == 0) base_.push_back(v);
    const Value d = static_cast<Value>(v - base_[i >> kRunShift]);
    if (d < kApart) {
      small_.push_back(static_cast<Small>(d));
    } else {
      small_.push_back(kApart);
      apart_.emplace(static_cast<std::uint32_t>(i), v);
    }
  }
  Value operator[](std::size_t i) const {
    const Small d = small_[i];
    if (ABSL_PREDICT_TRUE(d != kApart)) {
      return static_cast<Value>(base_[i >> kRunShift] + d);
    }
    return apart_.at(static_cast<std::uint32_t>(i));
  }
  std::size_t size() const { return small_.size(); }
  std::size_t kept_apart() const { return apart_.size(); }
  std::size_t bytes() const {
    return small_.bytes() + base_.capacity() * sizeof(Value) +
           HashMapBytes<std::pair<const std::uint32_t, Value>>(apart_.capacity());
  }

 private:
  static constexpr Small kApart = std::numeric_limits<Small>::max();
  Column<Small> small_;
  std::vector<Value> base_;  // short: one per run
  absl::flat_hash_map<std::uint32_t, Value> apart_;
};

// Values drawn from a small set (event modes): each entry is a 16-bit code
// into a table of the distinct values, in order of first use. Past 65535
// distinct values, entries holding new ones are kept in a map.
class CodeColumn {
 public:
  void push_back(std::uint32_t v) {
    const std::size_t i = codes_.size();
    auto [it, added] = code_of_.try_emplace(v, static_cast<std::uint32_t>(values_.size()));
    if (added) values_.push_back(v);
    if (it->second < kApart) {
      codes_.push_back(static_cast<std::uint16_t>(it->second));
    } else {
      codes_.push_back(kApart);
      apart_.emplace(static_cast<std::uint32_t>(i), v);
    }
  }
  std::uint32_t operator[](std::size_t i) const {
    const std::uint16_t c = codes_[i];
    if (ABSL_PREDICT_TRUE(c != kApart)) return values_[c];
    return apart_.at(static_cast<std::uint32_t>(i));
  }
  std::size_t size() const { return codes_.size(); }
  std::size_t distinct() const { return values_.size(); }
  std::size_t bytes() const {
    return codes_.bytes() + values_.capacity() * sizeof(std::uint32_t) +
           HashMapBytes<std::pair<const std::uint32_t, std::uint32_t>>(code_of_.capacity()) +
           HashMapBytes<std::pair<const std::uint32_t, std::uint32_t>>(apart_.capacity());
  }

 private:
  static constexpr std::uint16_t kApart = 0xffff;
  Column<std::uint16_t> codes_;
  std::vector<std::uint32_t> values_;
  absl::flat_hash_map<std::uint32_t, std::uint32_t> code_of_;
  absl::flat_hash_map<std::uint32_t, std::uint32_t> apart_;
};

// Indexes into tables that may grow past 16 bits but rarely past 24
// (places, entities), and kNone (~0u): three bytes each; an index from
// 2^24 - 1 on is kept in a map.
class Index24Column {
 public:
  void push_back(std::uint32_t v) {
    std::uint32_t code = v == kNoIndex ? kNoCode : v;
    if (v != kNoIndex && v >= kApart) {
      code = kApart;
      apart_.emplace(static_cast<std::uint32_t>(codes_.size()), v);
    }
    codes_.push_back(Code{{static_cast<std::uint8_t>(code), static_cast<std::uint8_t>(code >> 8),
                           static_cast<std::uint8_t>(code >> 16)}});
  }
  std::uint32_t operator[](std::size_t i) const {
    const Code& c = codes_[i];
    const std::uint32_t code = std::uint32_t{c.b[0]} | std::uint32_t{c.b[1]} << 8 |
                               std::uint32_t{c.b[2]} << 16;
    if (ABSL_PREDICT_TRUE(code < kApart)) return code;
    if (code == kNoCode) return kNoIndex;
    return apart_.at(static_cast<std::uint32_t>(i));
  }
  std::size_t size() const { return codes_.size(); }
  std::size_t kept_apart() const { return apart_.size(); }
  std::size_t bytes() const {
    return codes_.bytes() +
           HashMapBytes<std::pair<const std::uint32_t, std::uint32_t>>(apart_.capacity());
  }

 private:
  static constexpr std::uint32_t kNoIndex = 0xffffffffu;
  static constexpr std::uint32_t kNoCode = 0xffffff;
  static constexpr std::uint32_t kApart = 0xfffffe;
  struct Code {
    std::uint8_t b[3] = {};
  };
  static_assert(sizeof(Code) == 3);
  Column<Code> codes_;
  absl::flat_hash_map<std::uint32_t, std::uint32_t> apart_;
};

// Times in Unix microseconds, with std::int64_t's minimum and maximum as
// the open ends (and "no time"). Event times are calendar values: nearly
// all are whole minutes, kept as 32-bit minute counts (about 4,000 years
// either side of 1970); other times are kept in a map.
class MinuteColumn {
 public:
  static constexpr std::int64_t kMicrosPerMinute = 60'000'000;

  void push_back(std::int64_t micros) {
    const std::size_t i = minutes_.size();
    std::int32_t m = kApart;
    if (micros == kLowest) {
      m = kLow;
    } else if (micros == kHighest) {
      m = kHigh;
    } else if (micros % kMicrosPerMinute == 0) {
      const std::int64_t whole = micros / kMicrosPerMinute;
      if (whole > kApart && whole < kHigh) m = static_cast<std::int32_t>(whole);
    }
    if (m == kApart) apart_.emplace(static_cast<std::uint32_t>(i), micros);
    minutes_.push_back(m);
  }
  std::int64_t operator[](std::size_t i) const {
    const std::int32_t m = minutes_[i];
    if (ABSL_PREDICT_TRUE(m > kApart && m < kHigh)) return std::int64_t{m} * kMicrosPerMinute;
    if (m == kLow) return kLowest;
    if (m == kHigh) return kHighest;
    return apart_.at(static_cast<std::uint32_t>(i));
  }
  // Whether entry i is std::int64_t's minimum (without reading it whole).
  bool is_lowest(std::size_t i) const { return minutes_[i] == kLow; }
  std::size_t size() const { return minutes_.size(); }
  std::size_t kept_apart() const { return apart_.size(); }
  std::size_t bytes() const {
    return minutes_.bytes() +
           HashMapBytes<std::pair<const std::uint32_t, std::int64_t>>(apart_.capacity());
  }

 private:
  static constexpr std::int64_t kLowest = std::numeric_limits<std::int64_t>::min();
  static constexpr std::int64_t kHighest = std::numeric_limits<std::int64_t>::max();
  static constexpr std::int32_t kLow = std::numeric_limits<std::int32_t>::min();
  static constexpr std::int32_t kApart = kLow + 1;
  static constexpr std::int32_t kHigh = std::numeric_limits<std::int32_t>::max();
  Column<std::int32_t> minutes_;
  absl::flat_hash_map<std::uint32_t, std::int64_t> apart_;
};

}  // namespace newsevents::query::store::internal

#endif  // NEWSEVENTS_QUERY_STORE_COMPACT_COLUMNS_H_
