// Events encoded as newsevents.v1.Event wire bytes, by revision, so that a
// list that returns an event again skips reading it out of the store and
// encoding it. Stored events never change, but how they read out can (see
// EventStore::output_epoch), so each entry carries the epoch it was made
// under and only matches that epoch.
//
// Direct-mapped: revision r lives in slot r % slots, and a newer revision
// in the same slot replaces it; memory is bounded by the slot count times
// the size of an encoded event (about 0.3 to 2 KB).
//
// Thread-safe (striped locks).
#ifndef NEWSEVENTS_QUERY_SERVICE_ENCODED_EVENT_CACHE_H_
#define NEWSEVENTS_QUERY_SERVICE_ENCODED_EVENT_CACHE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "query/store/model.h"

namespace newsevents::query {

class EncodedEventCache {
 public:
  // slots == 0 disables the cache (every lookup misses).
  explicit EncodedEventCache(std::size_t slots);
  EncodedEventCache(const EncodedEventCache&) = delete;
  EncodedEventCache& operator=(const EncodedEventCache&) = delete;

  // On a hit, appends the event to *out as field `field` of the enclosing
  // message (tag, length, then the event's bytes followed by `identity` as
  // its field Event.identity) and returns true. An event's identity changes
  // as reports arrive; the slot keeps the encoding of the identity it was
  // last listed with and encodes it again only when it differs.
  bool AppendField(std::int64_t revision, std::int64_t epoch, int field,
                   const store::KeyedIdentity& identity, std::string* out);
  // `bytes`: the event without its identity; `identity_bytes`: `identity`
  // as AppendIdentityField writes it (field kEventIdentityField).
  void Put(std::int64_t revision, std::int64_t epoch, std::string bytes,
           const store::KeyedIdentity& identity, std::string identity_bytes);

 private:
  struct Slot {
    std::int64_t revision = 0;  // 0 = empty
    std::int64_t epoch = 0;
    std::string bytes;
    store::KeyedIdentity identity;
    std::string identity_bytes;
  };
  static constexpr std::size_t kStripes = 64;
  absl::Mutex& StripeOf(std::size_t slot) const { return stripes_[slot % kStripes]; }

  mutable std::array<absl::Mutex, kStripes> stripes_;
  // Each slot is guarded by StripeOf(its index); the vector never resizes.
  std::vector<Slot> slots_;
};

// Wire-format helpers for messages assembled from encoded parts.
inline void AppendVarint(std::uint64_t v, std::string* out) {
  char buf[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}
void AppendLengthDelimited(int field, const std::string& bytes, std::string* out);
// newsevents.v1.Event.identity: written after an event's cached bytes,
// since it changes as reports arrive (fields may come in any order).
inline constexpr int kEventIdentityField = 20;
// Appends an event as field `field` of its enclosing message: tag, length,
// then `event` (its other fields) and `identity` (its identity field).
void AppendEventField(int field, absl::string_view event, absl::string_view identity,
                      std::string* out);
// Appends `identity` as field `field` (a newsevents.v1.EventIdentity) with
// the same bytes codec::EncodeIdentity and protobuf's serializer give, but
// without building the message.
void AppendIdentityField(int field, absl::string_view event_id,
                         const store::Corroboration& corroboration, std::string* out);
// The same for an identity by key; nothing when it is not grouped.
void AppendIdentityField(int field, const store::KeyedIdentity& identity, std::string* out);

}  // namespace newsevents::query

#endif  // NEWSEVENTS_QUERY_SERVICE_ENCODED_EVENT_CACHE_H_
