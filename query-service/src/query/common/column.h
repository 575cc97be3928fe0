// Column<T>: a growable array whose elements never move. Appends add
// fixed-size chunks, so a long array never needs one long copy (a vector of
// millions of records would copy them all, and briefly hold twice their
// memory, each time it grows) and holds at most one partly used chunk.
//
// Not thread-safe; elements are default-constructed a chunk at a time.
#ifndef NEWSEVENTS_QUERY_COMMON_COLUMN_H_
#define NEWSEVENTS_QUERY_COMMON_COLUMN_H_

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace newsevents::query {

template <typename T>
class Column {
 public:
  static constexpr int kShift = 14;
  static constexpr std::size_t kChunk = std::size_t{1} << kShift;

  void push_back(T v) {
    Reserve(size_ + 1);
    (*this)[size_] = std::move(v);
    ++size_;
  }
  // Removes the last element (which is reset to T()). REQUIRES: size() > 0.
  void pop_back() {
    --size_;
    at(size_) = T();
  }
  // Appends `n` default elements that lie in one chunk, so that they can be
  // addressed from a pointer to the first; skips (and leaves default) the
  // rest of the current chunk when they would not fit in it. Returns the
  // index of the first. REQUIRES: 0 < n <= kChunk.
  std::size_t AppendRun(std::size_t n) {
    const std::size_t used = size_ & (kChunk - 1);
    if (used != 0 && used + n > kChunk) size_ += kChunk - used;  // pad to the next chunk
    const std::size_t first = size_;
    size_ += n;
    Reserve(size_);
    return first;
  }
  const T& operator[](std::size_t i) const { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  T& operator[](std::size_t i) { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  T& at(std::size_t i) { return (*this)[i]; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes held (whole chunks).
  std::size_t bytes() const { return chunks_.size() * kChunk * sizeof(T); }

 private:
  // Chunks for elements [0, n).
  void Reserve(std::size_t n) {
    while (chunks_.size() << kShift < n) chunks_.push_back(std::make_unique<T[]>(kChunk));
  }

  std::vector<std::unique_ptr<T[]>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace newsevents::query

#endif  // NEWSEVENTS_QUERY_COMMON_COLUMN_H_
