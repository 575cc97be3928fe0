#include "query/service/encoded_event_cache.h"

#include <utility>

#include "absl/time/time.h"
#include "query/identity/grouping.h"

namespace newsevents::query {

void AppendLengthDelimited(int field, const std::string& bytes, std::string* out) {
  AppendVarint((static_cast<std::uint64_t>(field) << 3) | 2, out);  // wire type 2
  AppendVarint(bytes.size(), out);
  out->append(bytes);
}

void AppendEventField(int field, absl::string_view event, absl::string_view identity,
                      std::string* out) {
  AppendVarint((static_cast<std::uint64_t>(field) << 3) | 2, out);  // wire type 2
  AppendVarint(event.size() + identity.size(), out);
  out->append(event.data(), event.size());
  out->append(identity.data(), identity.size());
}

namespace {

std::size_t VarintSize(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
// Writers into a caller's buffer: a message of many small fields is
// assembled on the stack and appended to the string once.
char* PutVarint(std::uint64_t v, char* p) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}
char* PutTag(int field, int wire_type, char* p) {
  return PutVarint(
      (static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint64_t>(wire_type), p);
}
// An int64 field, omitted when zero (proto3); negative values take ten
// bytes, as protobuf writes them.
std::size_t Int64FieldSize(std::int64_t v) {
  return v == 0 ? 0 : 1 + VarintSize(static_cast<std::uint64_t>(v));
}
char* PutInt64Field(int field, std::int64_t v, char* p) {
  if (v == 0) return p;
  return PutVarint(static_cast<std::uint64_t>(v), PutTag(field, 0, p));
}
// google.protobuf.Timestamp as codec::EncodeTime fills it.
struct Stamp {
  std::int64_t seconds;
  std::int64_t nanos;
  explicit Stamp(absl::Time t) {
    // Stored times are whole microseconds: split those with integer
    // arithmetic, anything else through absl's (both floor, as protobuf's
    // Timestamp wants: nanos in [0, 1e9)).
    const std::int64_t us = absl::ToUnixMicros(t);
    if (absl::FromUnixMicros(us) == t) {
      seconds = us / 1000000;
      std::int64_t rest = us % 1000000;
      if (rest < 0) {
        seconds -= 1;
        rest += 1000000;
      }
      nanos = rest * 1000;
    } else {
      seconds = absl::ToUnixSeconds(t);
      nanos = absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds));
    }
  }
  std::size_t Size() const { return Int64FieldSize(seconds) + Int64FieldSize(nanos); }
  // At most 1 + 1 + 2 * 11 bytes.
  char* PutField(int field, char* p) const {
    p = PutVarint(Size(), PutTag(field, 2, p));
    p = PutInt64Field(1, seconds, p);
    return PutInt64Field(2, nanos, p);
  }
};

}  // namespace

void AppendIdentityField(int field, absl::string_view event_id,
                         const store::Corroboration& c, std::string* out) {
  // EventIdentity: event_id = 1, corroboration = 2 (always set).
  // Corroboration: mentions = 1, articles = 2, outlets = 3,
  // independent_outlets = 4, first_seen = 5, last_seen = 6 (both always set).
  const Stamp first(c.first_seen), last(c.last_seen);
  const std::size_t corroboration = Int64FieldSize(c.mentions) + Int64FieldSize(c.articles) +
                                    Int64FieldSize(c.outlets) +
                                    Int64FieldSize(c.independent_outlets) + 1 +
                                    VarintSize(first.Size()) + first.Size() + 1 +
                                    VarintSize(last.Size()) + last.Size();
  const std::size_t id = event_id.size();
  const std::size_t body = (id == 0 ? 0 : 1 + VarintSize(id) + id) + 1 +
                           VarintSize(corroboration) + corroboration;
  // Tags and lengths take at most 1 + 10 bytes each, the corroboration at
  // most 4 * 11 + 2 * 24 bytes.
  char buf[192];
  char* p = PutVarint(body, PutTag(field, 2, buf));
  if (id != 0) {
    p = PutVarint(id, PutTag(1, 2, p));
    out->append(buf, static_cast<std::size_t>(p - buf));
    out->append(event_id.data(), event_id.size());
    p = buf;
  }
  p = PutVarint(corroboration, PutTag(2, 2, p));
  p = PutInt64Field(1, c.mentions, p);
  p = PutInt64Field(2, c.articles, p);
  p = PutInt64Field(3, c.outlets, p);
  p = PutInt64Field(4, c.independent_outlets, p);
  p = first.PutField(5, p);
  p = last.PutField(6, p);
  out->append(buf, static_cast<std::size_t>(p - buf));
}

void AppendIdentityField(int field, const store::KeyedIdentity& identity, std::string* out) {
  if (!identity.grouped) return;
  char event_id[identity::kEventIdSize];
  identity::WriteEventId(identity.key, event_id);
  AppendIdentityField(field, absl::string_view(event_id, sizeof(event_id)),
                      identity.corroboration, out);
}

EncodedEventCache::EncodedEventCache(std::size_t slots) : slots_(slots) {}

bool EncodedEventCache::AppendField(std::int64_t revision, std::int64_t epoch, int field,
                                    const store::KeyedIdentity& identity,
                                    std::string* out) {
  if (slots_.empty() || revision <= 0) return false;
  const std::size_t i = static_cast<std::size_t>(revision) % slots_.size();
  {
    // Readers of the same slot share the stripe while its identity holds.
    absl::ReaderMutexLock lock(&StripeOf(i));
    const Slot& s = slots_[i];
    if (s.revision != revision || s.epoch != epoch) return false;
    if (s.identity == identity) {
      AppendEventField(field, s.bytes, s.identity_bytes, out);
      return true;
    }
  }
  absl::MutexLock lock(&StripeOf(i));
  Slot& s = slots_[i];
  if (s.revision != revision || s.epoch != epoch) return false;  // replaced meanwhile
  if (!(s.identity == identity)) {
    s.identity = identity;
    s.identity_bytes.clear();
    AppendIdentityField(kEventIdentityField, identity, &s.identity_bytes);
  }
  AppendEventField(field, s.bytes, s.identity_bytes, out);
  return true;
}

void EncodedEventCache::Put(std::int64_t revision, std::int64_t epoch, std::string bytes,
                            const store::KeyedIdentity& identity, std::string identity_bytes) {
  if (slots_.empty() || revision <= 0) return;
  const std::size_t i = static_cast<std::size_t>(revision) % slots_.size();
  absl::MutexLock lock(&StripeOf(i));
  Slot& s = slots_[i];
  s.revision = revision;
  s.epoch = epoch;
  s.bytes = std::move(bytes);
  s.identity = identity;
  s.identity_bytes = std::move(identity_bytes);
}

}  // namespace newsevents::query
