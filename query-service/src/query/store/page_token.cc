#include "query/store/page_token.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/time/time.h"

namespace newsevents::query::store {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kPayloadSize = 1 + 8 + 8 + 8;  // version, fp, key, seq
constexpr std::size_t kTokenSize = kPayloadSize + 4;   // + checksum

class Fnv {
 public:
  void Bytes(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) {
      h_ ^= p[i];
      h_ *= 0x100000001b3ULL;
    }
  }
  void Int(std::int64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
    Bytes(b, 8);
  }
  void Str(absl::string_view s) {
    Int(static_cast<std::int64_t>(s.size()));
    Bytes(s.data(), s.size());
  }
  // A repeated field as a set: sorted, duplicates dropped.
  void Set(int tag, std::vector<std::string> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    Int(tag);
    Int(static_cast<std::int64_t>(values.size()));
    for (const auto& v : values) Str(v);
  }
  template <typename E>
  void EnumSet(int tag, const std::vector<E>& values) {
    std::vector<std::string> s;
    for (E v : values) s.push_back(std::to_string(static_cast<int>(v)));
    Set(tag, std::move(s));
  }
  void Time(int tag, const std::optional<absl::Time>& t) {
    Int(tag);
    Int(t.has_value() ? 1 : 0);
    if (t.has_value()) Int(absl::ToUnixMicros(*t));
  }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

void PutU64(std::string* out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

std::uint64_t GetU64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  }
  return v;
}

std::uint32_t Checksum(absl::string_view payload) {
  Fnv f;
  f.Str("newsevents.page_token");
  f.Bytes(payload.data(), payload.size());
  return static_cast<std::uint32_t>(f.value() ^ (f.value() >> 32));
}

}  // namespace

std::string EncodeCursor(const Cursor& cursor) {
  std::string raw;
  raw.push_back(static_cast<char>(kVersion));
  PutU64(&raw, cursor.fingerprint);
  PutU64(&raw, static_cast<std::uint64_t>(cursor.key));
  PutU64(&raw, static_cast<std::uint64_t>(cursor.seq));
  const std::uint32_t check = Checksum(raw);
  for (int i = 0; i < 4; ++i) raw.push_back(static_cast<char>(check >> (8 * i)));
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<Cursor> DecodeCursor(absl::string_view token,
                                    std::uint64_t expected_fingerprint) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() != kTokenSize ||
      static_cast<std::uint8_t>(raw[0]) != kVersion) {
    return absl::InvalidArgumentError("page_token is malformed");
  }
  std::uint32_t check = 0;
  for (int i = 0; i < 4; ++i) {
    check |= static_cast<std::uint32_t>(
                 static_cast<unsigned char>(raw[kPayloadSize + i]))
             << (8 * i);
  }
  if (check != Checksum(absl::string_view(raw).substr(0, kPayloadSize))) {
    return absl::InvalidArgumentError("page_token is corrupt");
  }
  Cursor cursor;
  cursor.fingerprint = GetU64(raw.data() + 1);
  cursor.key = static_cast<std::int64_t>(GetU64(raw.data() + 9));
  cursor.seq = static_cast<std::int64_t>(GetU64(raw.data() + 17));
  if (cursor.fingerprint != expected_fingerprint) {
    return absl::InvalidArgumentError(
        "page_token was issued for a different filter or order");
  }
  if (cursor.seq <= 0) {
    return absl::InvalidArgumentError("page_token is malformed");
  }
  return cursor;
}

std::uint64_t Fingerprint(const EventFilter& filter, OrderBy order) {
  Fnv f;
  f.Str("events");
  f.EnumSet(1, filter.types);
  f.Set(2, filter.modes);
  f.Set(3, filter.entity_ids);
  f.Set(4, filter.actor_ids);
  f.Set(5, filter.recipient_ids);
  std::vector<std::string> names;
  for (const auto& n : filter.entity_names) {
    std::string lower = n;
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    names.push_back(std::move(lower));
  }
  f.Set(6, std::move(names));
  f.Set(7, filter.countries);
  f.Set(8, filter.place_ids);
  f.Time(9, filter.start_time);
  f.Time(10, filter.end_time);
  f.Set(11, filter.article_ids);
  f.EnumSet(12, filter.modalities);
  f.Set(13, filter.source_ids);
  f.Set(14, filter.event_ids);
  f.Int(100);
  f.Int(static_cast<int>(order));
  return f.value();
}

std::uint64_t Fingerprint(const ListEventsQuery& query) {
  Fnv f;
  f.Str("list");
  f.Int(static_cast<std::int64_t>(Fingerprint(query.filter, query.order_by)));
  f.Int(query.mentions ? 1 : 0);
  f.Int(query.min_articles);
  f.Int(query.min_independent_outlets);
  return f.value();
}

std::uint64_t Fingerprint(const QuoteQuery& query) {
  Fnv f;
  f.Str("quotes");
  f.Set(1, query.speaker_ids);
  f.Str(query.article_id);
  std::string lower = query.text_contains;
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  f.Str(lower);
  f.Time(4, query.start_time);
  f.Time(5, query.end_time);
  return f.value();
}

}  // namespace newsevents::query::store
