#include "query/service/encoded_event_cache.h"

#include <utility>

namespace newsevents::query {

void AppendVarint(std::uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void AppendLengthDelimited(int field, const std::string& bytes, std::string* out) {
  AppendVarint((static_cast<std::uint64_t>(field) << 3) | 2, out);  // wire type 2
  AppendVarint(bytes.size(), out);
  out->append(bytes);
}

EncodedEventCache::EncodedEventCache(std::size_t slots) : slots_(slots) {}

bool EncodedEventCache::AppendField(std::int64_t revision, std::int64_t epoch, int field,
                                    const std::string& suffix, std::string* out) const {
  if (slots_.empty() || revision <= 0) return false;
  const std::size_t i = static_cast<std::size_t>(revision) % slots_.size();
  absl::MutexLock lock(&StripeOf(i));
  const Slot& s = slots_[i];
  if (s.revision != revision || s.epoch != epoch) return false;
  AppendVarint((static_cast<std::uint64_t>(field) << 3) | 2, out);  // wire type 2
  AppendVarint(s.bytes.size() + suffix.size(), out);
  out->append(s.bytes);
  out->append(suffix);
  return true;
}

void EncodedEventCache::Put(std::int64_t revision, std::int64_t epoch, std::string bytes) {
  if (slots_.empty() || revision <= 0) return;
  const std::size_t i = static_cast<std::size_t>(revision) % slots_.size();
  absl::MutexLock lock(&StripeOf(i));
  Slot& s = slots_[i];
  s.revision = revision;
  s.epoch = epoch;
  s.bytes = std::move(bytes);
}

}  // namespace newsevents::query
