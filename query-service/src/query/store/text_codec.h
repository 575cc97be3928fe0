// Short texts (evidence sentences, summaries) stored compressed with a zstd
// dictionary the codec trains on the first texts it is given.
//
// A sentence of news is too short for a compressor to find much in it on
// its own (zstd alone saves about a sixth of a 150-byte sentence); with a
// dictionary of the words and phrases common in such text it saves about
// 45%. The dictionary is learnt from the store's own first texts (by
// default 256 KiB of them, about 1,500 events), so it fits the languages
// and topics the store is fed. Texts encoded before it exists stay as
// they were given.
#ifndef NEWSEVENTS_QUERY_STORE_TEXT_CODEC_H_
#define NEWSEVENTS_QUERY_STORE_TEXT_CODEC_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace newsevents::query::store::internal {

struct TextCodecOptions {
  // Texts gathered before the dictionary is trained (at least 4 KiB; 0 =
  // never train). When training fails (fewer than about eight texts) it is
  // tried again on twice as much, up to max_train_bytes; past that, texts
  // stay uncompressed.
  std::size_t train_bytes = 256 << 10;
  std::size_t max_train_bytes = 4 << 20;
  std::size_t dictionary_bytes = 64 << 10;
  int level = 3;
};

// Encode, Sample and Train are called by one thread at a time (the
// store's writer); Decode by any number of threads, also while the
// dictionary is being trained or installed.
class TextCodec {
 public:
  explicit TextCodec(TextCodecOptions options = {});
  ~TextCodec();
  TextCodec(const TextCodec&) = delete;
  TextCodec& operator=(const TextCodec&) = delete;

  // The bytes to store for `text`: the text compressed with the dictionary
  // when that is shorter (*compressed = true; a view valid until the next
  // Encode), else `text` itself. Callers keep the flag and the size.
  absl::string_view Encode(absl::string_view text, bool* compressed);
  // Offers `text` (its first KiB) for training the dictionary (ignored once
  // trained or given up). Returns true when enough has been offered: call
  // Train().
  bool Sample(absl::string_view text);
  // Trains the dictionary from the samples (tens of milliseconds for 256
  // KiB); callers keep it out of their readers' way. Returns whether a
  // dictionary is in use afterwards.
  bool Train();
  bool trained() const { return dict_.load(std::memory_order_acquire) != nullptr; }

  // The text behind bytes Encode returned, into *out. The input must be
  // what Encode returned, with its flag (trusted).
  void Decode(absl::string_view stored, bool compressed, std::string* out) const;

  // The dictionary and the codec's tables (not the encoded texts).
  std::size_t bytes() const;

 private:
  struct Dict;
  struct Encoder;
  void DropSamples();
  TextCodecOptions options_;
  std::string samples_;
  std::vector<std::size_t> sample_sizes_;
  std::size_t next_train_ = 0;  // samples_ size that triggers training
  bool given_up_ = false;
  std::unique_ptr<Encoder> encoder_;
  // Set once, by Train(); never changes or goes away before the codec.
  std::atomic<const Dict*> dict_{nullptr};
  std::unique_ptr<const Dict> owned_dict_;
};

}  // namespace newsevents::query::store::internal

#endif  // NEWSEVENTS_QUERY_STORE_TEXT_CODEC_H_
