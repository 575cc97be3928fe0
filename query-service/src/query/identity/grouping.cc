#include "query/identity/grouping.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "query/common/byte_arena.h"
#include "query/common/column.h"

namespace newsevents::query::identity {
namespace {

constexpr std::int64_t kDayMicros = 24LL * 3600 * 1000000;
constexpr std::int64_t kOpenStart = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kOpenEnd = std::numeric_limits<std::int64_t>::max();
// Mentions whose interval spans more days than this are not put in day
// buckets; they are found through the per-participant list instead.
constexpr std::int64_t kMaxBucketedDays = 400;
// Fine blocks span kFineDays days: fewer, fuller blocks than one per day
// (each block is a hash lookup; most candidates in it are then a cheap
// time check away from being dropped).
constexpr std::int64_t kFineDays = 4;
constexpr std::int64_t kMaxFineDays = 12;

// Fixed, portable 64-bit hash: FNV-1a then the splitmix64 finalizer.
std::uint64_t Mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t StableHash(absl::string_view s, std::uint64_t seed = 0) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return Mix(h);
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::int64_t SatAdd(std::int64_t a, std::int64_t b) {
  if (a == kOpenStart || a == kOpenEnd) return a;
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? kOpenEnd : kOpenStart;
  return r;
}

std::int64_t GranularityMicros(Granularity g) {
  switch (g) {
    case Granularity::kDay: return kDayMicros;
    case Granularity::kWeek: return 7 * kDayMicros;
    case Granularity::kMonth: return 31 * kDayMicros;
    case Granularity::kYear: return 366 * kDayMicros;
    default: return 0;
  }
}

double HaversineKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * 6371.0 * std::asin(std::min(1.0, std::sqrt(a)));
}

// Strings interned to dense ids; 0 means "empty string".
class Interner {
 public:
  std::size_t MemoryBytes() const;
  std::uint32_t Id(absl::string_view s) {
    if (s.empty()) return 0;
    // Looked up by view first: a known string (nearly all) builds nothing.
    if (auto it = ids_.find(s); it != ids_.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(ids_.size() + 1);
    ids_.emplace(std::string(s), id);
    return id;
  }

 private:
  absl::flat_hash_map<std::string, std::uint32_t> ids_;
};

// A mention's place as the compatibility test reads it. Mentions name few
// distinct places, so each record keeps an index into a table of these
// (4 bytes) instead of the fields (21).
struct PlaceRec {
  std::uint32_t place = 0;   // interned ids; 0 = none
  std::uint32_t admin1 = 0;
  std::uint32_t country = 0;
  float latitude = 0, longitude = 0;
  std::uint8_t level = 0;
  bool has_coordinates = false;
  // Bit-wise, so that every record equals itself (a NaN coordinate too).
  auto Bits() const {
    return std::make_tuple(place, admin1, country, std::bit_cast<std::uint32_t>(latitude),
                           std::bit_cast<std::uint32_t>(longitude), level, has_coordinates);
  }
  bool operator==(const PlaceRec& o) const { return Bits() == o.Bits(); }
  template <typename H>
  friend H AbslHashValue(H h, const PlaceRec& p) {
    return H::combine(std::move(h), p.Bits());
  }
};

// Distinct places with dense ids; id 0 is "no place".
class PlaceTable {
 public:
  PlaceTable() : places_(1) {}
  std::uint32_t Id(const PlaceRec& p) {
    if (p == PlaceRec()) return 0;
    auto [it, inserted] = ids_.try_emplace(p, static_cast<std::uint32_t>(places_.size()));
    if (inserted) places_.push_back(p);
    return it->second;
  }
  const PlaceRec* data() const { return places_.data(); }
  std::size_t MemoryBytes() const;

 private:
  std::vector<PlaceRec> places_;
  absl::flat_hash_map<PlaceRec, std::uint32_t> ids_;
};

// Mention ids by index: each id's bytes once in an arena, after its length
// (a varint), and a pointer per id. About 9 bytes plus the id's own, where
// a std::string takes 32 and a heap block for ids over 15 bytes.
class IdTable {
 public:
  void push_back(absl::string_view id) {
    char prefix[10];
    std::size_t n = 0;
    for (std::size_t v = id.size(); ; v >>= 7) {
      prefix[n++] = static_cast<char>((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
      if (v < 0x80) break;
    }
    // Length and bytes in one append, so that they are contiguous.
    scratch_.assign(prefix, n);
    scratch_.append(id.data(), id.size());
    at_.push_back(arena_.Append(scratch_).data());
  }
  // Forgets the last id (its bytes stay in the arena, unused).
  void pop_back() { at_.pop_back(); }
  absl::string_view operator[](std::size_t i) const {
    const char* p = at_[i];
    std::size_t size = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<unsigned char>(*p++);
      size |= static_cast<std::size_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    return {p, size};
  }
  std::size_t size() const { return at_.size(); }
  std::size_t bytes() const { return arena_.bytes() + at_.bytes(); }

 private:
  ByteArena arena_;
  Column<const char*> at_;
  std::string scratch_;
};

// A mention in the compact form the grouper keeps and compares. Laid out
// without padding (80 bytes): wider fields first, the flags last.
struct Rec {
  std::int32_t type = 0;
  std::uint32_t mode = 0;
  // Fixed 64-bit hash of the article id (0 = none), compared for equality
  // only: a false match needs a 64-bit collision between two article ids.
  std::uint64_t article = 0;
  std::uint32_t place = 0;   // PlaceTable id; 0 = none
  std::uint32_t outlet = 0;  // corroboration only
  std::int64_t start = kOpenStart, end = kOpenEnd;
  std::uint64_t fingerprint = 0;  // corroboration only
  std::int64_t seen = 0;          // corroboration only
  // Participants: actors then recipients, each run sorted and unique; inline
  // when there are at most kInline of them, else in the shared pool at `off`.
  std::uint32_t off = 0;
  std::uint16_t n_actors = 0, n_recipients = 0;
  static constexpr int kInline = 3;
  std::uint32_t inline_ids[kInline] = {0, 0, 0};
  std::uint8_t modality = 0;
  bool timed : 1 = false;
  // Corroboration: the text is a near-copy of an earlier member of its
  // event from another outlet (kept by the event's counting).
  bool copy : 1 = false;
};
static_assert(sizeof(Rec) == 80);

// Appends the sorted, unique interned ids to `pool`; returns how many.
std::uint16_t InternSet(Interner& in, const std::vector<std::string>& ids,
                        std::vector<std::uint32_t>& pool) {
  const std::size_t begin = pool.size();
  for (const std::string& s : ids) {
    if (!s.empty() && pool.size() - begin < 0xffff) pool.push_back(in.Id(s));
  }
  std::sort(pool.begin() + static_cast<std::ptrdiff_t>(begin), pool.end());
  pool.erase(std::unique(pool.begin() + static_cast<std::ptrdiff_t>(begin), pool.end()),
             pool.end());
  return static_cast<std::uint16_t>(pool.size() - begin);
}

struct Ids {
  const std::uint32_t* p;
  std::size_t n;
  bool empty() const { return n == 0; }
  const std::uint32_t* begin() const { return p; }
  const std::uint32_t* end() const { return p + n; }
  bool operator==(const Ids& o) const { return n == o.n && std::equal(p, p + n, o.p); }
};
const std::uint32_t* Participants(const Rec& r, const std::uint32_t* pool) {
  return r.n_actors + r.n_recipients <= Rec::kInline ? r.inline_ids : pool + r.off;
}
Ids Actors(const Rec& r, const std::uint32_t* pool) { return {Participants(r, pool), r.n_actors}; }
Ids Recipients(const Rec& r, const std::uint32_t* pool) {
  return {Participants(r, pool) + r.n_actors, r.n_recipients};
}

Rec Normalize(Interner& in, std::vector<std::uint32_t>& pool, PlaceTable& places,
              const Mention& m, const GroupingOptions& o) {
  Rec r;
  r.type = m.event_type;
  r.modality = static_cast<std::uint8_t>(m.modality);
  r.mode = in.Id(m.mode);
  r.article = m.article_id.empty() ? 0 : (StableHash(m.article_id, 3) | 1);
  r.outlet = in.Id(m.outlet);
  r.off = static_cast<std::uint32_t>(pool.size());
  r.n_actors = InternSet(in, m.actors, pool);
  r.n_recipients = InternSet(in, m.recipients, pool);
  if (r.n_actors + r.n_recipients <= Rec::kInline) {
    std::copy(pool.begin() + r.off, pool.end(), r.inline_ids);
    pool.resize(r.off);
  }
  const MentionPlace& p = m.place;
  if (!p.empty()) {
    PlaceRec pr;
    pr.place = in.Id(p.id);
    pr.admin1 = in.Id(p.admin1_id);
    pr.country = in.Id(p.country);
    pr.level = static_cast<std::uint8_t>(p.level);
    pr.has_coordinates = p.has_coordinates;
    pr.latitude = static_cast<float>(p.latitude);
    pr.longitude = static_cast<float>(p.longitude);
    r.place = places.Id(pr);
  }
  const MentionTime& t = m.when;
  if (t.start_micros || t.end_micros) {
    r.timed = true;
    r.start = t.start_micros ? *t.start_micros : kOpenStart;
    if (t.end_micros) {
      r.end = *t.end_micros;
    } else if (t.start_micros && GranularityMicros(t.granularity) > 0) {
      r.end = SatAdd(*t.start_micros, GranularityMicros(t.granularity));
    } else {
      r.end = kOpenEnd;
    }
    if (o.open_bound_micros > 0) {
      if (r.start == kOpenStart && r.end != kOpenEnd) r.start = SatAdd(r.end, -o.open_bound_micros);
      if (r.end == kOpenEnd && r.start != kOpenStart) r.end = SatAdd(r.start, o.open_bound_micros);
    }
    if (r.end <= r.start && r.start != kOpenStart) r.end = SatAdd(r.start, 1);
  }
  r.fingerprint = m.fingerprint;
  r.seen = m.seen_micros;
  return r;
}

bool Intersects(const Ids& a, const Ids& b) {
  auto i = a.begin(), j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i == *j) return true;
    if (*i < *j) ++i; else ++j;
  }
  return false;
}

bool PlacesCompatible(const PlaceRec& a, const PlaceRec& b, double max_km) {
  if (a.place == 0 && a.country == 0) return true;
  if (b.place == 0 && b.country == 0) return true;
  if (a.country != 0 && b.country != 0 && a.country != b.country) return false;
  if (a.place != 0 && a.place == b.place) return true;
  const auto country = static_cast<std::uint8_t>(PlaceLevel::kCountry);
  const auto admin1 = static_cast<std::uint8_t>(PlaceLevel::kAdmin1);
  // A country-level place (or one known only by its country) contains every
  // place of its country.
  if ((a.level == country || a.place == 0) && a.country != 0 && a.country == b.country) return true;
  if ((b.level == country || b.place == 0) && b.country != 0 && b.country == a.country) return true;
  if (a.level == admin1 || b.level == admin1) {
    if (a.level == admin1 && b.admin1 == a.place && a.place != 0) return true;
    if (b.level == admin1 && a.admin1 == b.place && b.place != 0) return true;
    return false;
  }
  if (a.has_coordinates && b.has_coordinates) {
    return HaversineKm(a.latitude, a.longitude, b.latitude, b.longitude) <= max_km;
  }
  return false;
}

bool TimesCompatible(const Rec& a, const Rec& b, std::int64_t tolerance) {
  if (!a.timed || !b.timed) return true;
  const std::int64_t as = SatAdd(a.start, -tolerance), ae = SatAdd(a.end, tolerance);
  return as < b.end && b.start < ae;
}

bool RecCompatible(const Rec& a, const Rec& b, const std::uint32_t* pool,
                   const PlaceRec* places, const GroupingOptions& o) {
  if (a.type != b.type) return false;
  if (a.mode != 0 && b.mode != 0 && a.mode != b.mode) return false;
  if (a.modality != 0 && b.modality != 0 && a.modality != b.modality) return false;
  if (!TimesCompatible(a, b, o.time_tolerance_micros)) return false;
  const Ids aa = Actors(a, pool), ar = Recipients(a, pool);
  const Ids ba = Actors(b, pool), br = Recipients(b, pool);
  const bool shared_actor = Intersects(aa, ba), shared_recipient = Intersects(ar, br);
  if (!aa.empty() && !ba.empty() && !shared_actor) return false;
  if (!ar.empty() && !br.empty() && !shared_recipient) return false;
  if (!shared_actor && !shared_recipient && !Intersects(aa, br) && !Intersects(ar, ba)) {
    return false;
  }
  const PlaceRec& pa = places[a.place];
  const PlaceRec& pb = places[b.place];
  if (a.article != 0 && a.article == b.article) {
    return aa == ba && ar == br && pa.place == pb.place && pa.country == pb.country &&
           a.timed == b.timed && a.start == b.start && a.end == b.end;
  }
  return PlacesCompatible(pa, pb, o.max_distance_km);
}

// Whether two mentions agree on every field the compatibility test reads
// apart from the article: then any third mention of another article is
// compatible with both or with neither.
bool SameFields(const Rec& a, const Rec& b, const std::uint32_t* pool) {
  // One PlaceTable id: the same place fields, bit for bit.
  return a.type == b.type && a.mode == b.mode && a.modality == b.modality &&
         a.timed == b.timed && a.place == b.place && a.start == b.start &&
         a.end == b.end && Actors(a, pool) == Actors(b, pool) &&
         Recipients(a, pool) == Recipients(b, pool);
}
std::uint64_t FieldsHash(const Rec& r, const std::uint32_t* pool) {
  std::uint64_t h = Mix(static_cast<std::uint64_t>(static_cast<std::uint32_t>(r.type)) |
                        (static_cast<std::uint64_t>(r.mode) << 32));
  auto add = [&h](std::uint64_t v) { h = Mix(h ^ (v + 0x9e3779b97f4a7c15ULL)); };
  add(r.modality | (r.timed ? 1u << 16 : 0u));
  add(r.place);
  add(static_cast<std::uint64_t>(r.start));
  add(static_cast<std::uint64_t>(r.end));
  for (std::uint32_t p : Actors(r, pool)) add(p);
  add(0xa5a5);
  for (std::uint32_t p : Recipients(r, pool)) add(p);
  return h;
}

// What a block posting carries besides the mention: enough to rule out
// most candidates without reading their records. Every test here is implied
// by RecCompatible failing (never the other way round), so the prefilter
// only drops candidates the full test would drop.
struct Entry {
  std::uint32_t mention;
  // Bits 0-7: the mode (0 = none, else 1 + id mod 255); 8-9: the modality
  // class; 10-20 and 21-31: 11-bit Bloom masks of the actors and of the
  // recipients (0 = none named).
  std::uint32_t tag;
  // The interval in whole hours: the start rounded down, and the length
  // rounded up (65535 = open-ended; untimed = everything).
  std::int32_t start;
  std::uint16_t hours;
  // 0 = no country, else 1 + its id mod 65535.
  std::uint16_t country;
  std::int32_t end() const {
    return hours == 0xffff ? std::numeric_limits<std::int32_t>::max() : start + hours;
  }
};
static_assert(sizeof(Entry) == 16);
// The lookup side: the interval widened by the tolerance.
struct Probe {
  std::uint32_t tag;
  std::uint16_t country;
  std::int32_t start, end;
};

std::int32_t ClampHours(std::int64_t hours) {
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(
      hours, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()));
}

std::uint32_t TagOf(const Rec& r, const std::uint32_t* pool) {
  auto bloom = [](Ids ids) {
    std::uint32_t m = 0;
    for (std::uint32_t p : ids) m |= 1u << (Mix(p) % 11);
    return m;
  };
  return (r.mode == 0 ? 0 : 1 + r.mode % 255) | (static_cast<std::uint32_t>(r.modality & 3) << 8) |
         bloom(Actors(r, pool)) << 10 | bloom(Recipients(r, pool)) << 21;
}
std::uint16_t CountryCode(const Rec& r, const PlaceRec* places) {
  const std::uint32_t country = places[r.place].country;
  return static_cast<std::uint16_t>(country == 0 ? 0 : 1 + country % 65535);
}
// [start, end) in whole hours, widened by `tolerance` on both sides; each
// bound rounded outwards and clamped to 32 bits (open = the limit).
std::pair<std::int32_t, std::int32_t> Hours(const Rec& r, std::int64_t tolerance) {
  constexpr std::int64_t kHour = 3600LL * 1000000;
  std::pair<std::int32_t, std::int32_t> h{std::numeric_limits<std::int32_t>::min(),
                                          std::numeric_limits<std::int32_t>::max()};
  if (!r.timed) return h;
  const std::int64_t lo = SatAdd(r.start, -tolerance), hi = SatAdd(r.end, tolerance);
  if (lo != kOpenStart) h.first = ClampHours(FloorDiv(lo, kHour));
  if (hi != kOpenEnd) h.second = ClampHours(FloorDiv(hi, kHour) + 1);
  return h;
}
Entry EntryOf(const Rec& r, const std::uint32_t* pool, const PlaceRec* places,
              std::uint32_t mention) {
  const auto [start, end] = Hours(r, 0);
  const std::int64_t len = static_cast<std::int64_t>(end) - start;
  return Entry{mention, TagOf(r, pool), start,
               static_cast<std::uint16_t>(end == std::numeric_limits<std::int32_t>::max() ||
                                                  len >= 0xffff
                                              ? 0xffff
                                              : len),
               CountryCode(r, places)};
}
Probe ProbeOf(const Rec& r, const std::uint32_t* pool, const PlaceRec* places,
              std::int64_t tolerance) {
  const auto [start, end] = Hours(r, tolerance);
  return Probe{TagOf(r, pool), CountryCode(r, places), start, end};
}

// Whether the candidate behind `e` may be compatible with the mention behind
// `probe`: false only when RecCompatible would say so (modes, modality
// classes, actor or recipient sets, known countries or intervals differ).
// An untimed side spans every hour, so its interval test always passes.
bool MayBeCompatible(const Probe& probe, const Entry& e) {
  const std::uint32_t x = probe.tag, y = e.tag;
  if ((x & 0xff) != 0 && (y & 0xff) != 0 && (x & 0xff) != (y & 0xff)) return false;
  if ((x & 0x300) != 0 && (y & 0x300) != 0 && (x & 0x300) != (y & 0x300)) return false;
  constexpr std::uint32_t kActors = 0x7ffu << 10, kRecipients = 0x7ffu << 21;
  if ((x & kActors) != 0 && (y & kActors) != 0 && (x & y & kActors) == 0) return false;
  if ((x & kRecipients) != 0 && (y & kRecipients) != 0 && (x & y & kRecipients) == 0) {
    return false;
  }
  if (probe.country != 0 && e.country != 0 && probe.country != e.country) return false;
  return probe.start <= e.end() && e.start <= probe.end;
}

// 32-day buckets are numbered from here: above any fine bucket a time in
// 64-bit microseconds reaches (|day| < 2^27, so |day / kFineDays| < 2^25),
// and still within 32 bits.
constexpr std::int32_t kCoarseBase = std::int32_t{1} << 30;

}  // namespace

std::uint64_t TextFingerprint(absl::string_view text) {
  // Per bit, how many features set it: counter b is byte b / 8 of lanes[b % 8]
  // (eight 8-bit counters per word), so adding a feature is eight masked
  // adds. Flushed into `ones` before a byte could overflow.
  constexpr std::uint64_t kLow = 0x0101010101010101ULL;
  std::uint64_t lanes[8] = {0};
  int in_lanes = 0, features = 0;
  int ones[64] = {0};
  auto flush_planes = [&] {
    for (int b = 0; b < 64; ++b) {
      ones[b] += static_cast<int>((lanes[b % 8] >> (8 * (b / 8))) & 0xff);
    }
    for (std::uint64_t& l : lanes) l = 0;
    in_lanes = 0;
  };
  auto feature = [&](std::uint64_t h) {
    for (int k = 0; k < 8; ++k) lanes[k] += (h >> k) & kLow;
    ++features;
    if (++in_lanes == 255) flush_planes();
  };
  bool any = false;
  // Each word is hashed once (FNV-1a over its lower-cased bytes); its
  // unigram and the bigram with the word before are features derived from
  // the word hashes, so no string is built.
  constexpr std::uint64_t kBasis = 0xcbf29ce484222325ULL;
  constexpr std::uint64_t kPrime = 0x100000001b3ULL;
  std::uint64_t word = kBasis, prev = 0;
  bool in_word = false, has_prev = false;
  auto flush = [&] {
    if (!in_word) return;
    any = true;
    feature(Mix(word ^ 0x51ed270b27a8f3c5ULL));
    if (has_prev) feature(Mix((prev * 0x9e3779b97f4a7c15ULL) ^ word));
    prev = word;
    has_prev = true;
    in_word = false;
    word = kBasis;
  };
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(u) || u >= 0x80) {
      word = (word ^ static_cast<unsigned char>(absl::ascii_tolower(u))) * kPrime;
      in_word = true;
    } else {
      flush();
    }
  }
  flush();
  if (!any) return 0;
  flush_planes();
  // A bit is set when more features set it than clear it.
  std::uint64_t fp = 0;
  for (int b = 0; b < 64; ++b) {
    if (2 * ones[b] > features) fp |= 1ULL << b;
  }
  return fp == 0 ? 1 : fp;
}

int HammingDistance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

std::string EventIdFor(absl::string_view smallest_mention_id) {
  return EventIdOfKey(StableHash(smallest_mention_id));
}

void WriteEventId(std::uint64_t key, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out[0] = 'e';
  out[1] = 'v';
  out[2] = 't';
  out[3] = '_';
  for (int i = 19; i >= 4; --i) {
    out[i] = kHex[key & 15];
    key >>= 4;
  }
}

std::string EventIdOfKey(std::uint64_t key) {
  std::string out(kEventIdSize, '\0');
  WriteEventId(key, out.data());
  return out;
}

std::optional<std::uint64_t> EventKeyOfId(absl::string_view event_id) {
  if (event_id.size() != 20 || !absl::StartsWith(event_id, "evt_")) return std::nullopt;
  std::uint64_t key = 0;
  for (char c : event_id.substr(4)) {
    key <<= 4;
    if (c >= '0' && c <= '9') {
      key |= static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      key |= static_cast<std::uint64_t>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
  }
  return key;
}

bool Compatible(const Mention& a, const Mention& b, const GroupingOptions& options) {
  Interner in;
  std::vector<std::uint32_t> pool;
  PlaceTable places;
  const Rec ra = Normalize(in, pool, places, a, options);
  const Rec rb = Normalize(in, pool, places, b, options);
  return RecCompatible(ra, rb, pool.data(), places.data(), options);
}

struct EventGrouper::Impl {
  GroupingOptions options;
  Interner interner;
  Column<Rec> recs;
  // The union-find parent of each mention.
  Column<std::uint32_t> parents;
  // Mentions with the same fields as an earlier one (wire copies, the same
  // happening in many reports) are not indexed again: the first one stands
  // for them in the blocks (see SameFields). A mention of the stand-in's own
  // article is judged against the stand-in by the same-article rule, so a
  // copy from another article is kept too (`alt`) to answer for the rest.
  // Keyed by 32 bits of the fields hash (8-byte slots instead of 16): two
  // field sets that share them leave the later one without a stand-in, so
  // it is indexed itself, as it would be without this table.
  absl::flat_hash_map<std::uint32_t, std::uint32_t> stand_in_of;
  // Stand-in -> its copy from another article; most mentions have none.
  absl::flat_hash_map<std::uint32_t, std::uint32_t> alt;
  std::vector<std::uint32_t> pool;  // participants of every mention
  PlaceTable places;                // the places of every mention
  IdTable ids;  // mention ids, by index
  // Mention id -> index, keeping each id once (in `ids`): the set holds
  // indexes and hashes and compares them through `ids`.
  struct IdHash {
    using is_transparent = void;
    const IdTable* ids;
    std::size_t operator()(std::uint32_t i) const { return (*this)((*ids)[i]); }
    std::size_t operator()(absl::string_view id) const {
      return absl::Hash<absl::string_view>()(id);
    }
  };
  struct IdEq {
    using is_transparent = void;
    const IdTable* ids;
    absl::string_view Of(std::uint32_t i) const { return (*ids)[i]; }
    absl::string_view Of(absl::string_view id) const { return id; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Of(a) == Of(b);
    }
  };
  absl::flat_hash_set<std::uint32_t, IdHash, IdEq> index_of{0, IdHash{&ids}, IdEq{&ids}};
  // An event of two or more mentions, kept at its union-find root (an
  // event of one mention has no Group: its root is the mention). Its
  // corroboration is kept up to date as mentions arrive in (seen, id)
  // order, and recounted after a merge or an earlier-seen arrival.
  // Hash indexes of a large event's counted mentions.
  struct Indexes {
    absl::flat_hash_set<std::uint64_t> articles;
    absl::flat_hash_set<std::uint32_t> outlets;
    // Outlet -> its members that are not near-copies (outlets with none
    // are absent).
    absl::flat_hash_map<std::uint32_t, std::int32_t> independent;
    // Fingerprint bands (see AddToCorroboration) -> members.
    absl::flat_hash_map<std::uint64_t, std::vector<std::uint32_t>> bands;
  };
  // Up to this many counted mentions, corroboration is counted by scanning
  // them; beyond, through Indexes.
  static constexpr std::size_t kScanLimit = 48;
  struct Group {
    std::uint32_t min_member = 0;  // smallest mention id: names the event
    std::vector<std::uint32_t> members;
    Corroboration corr;
    std::uint32_t latest = 0;  // the member last in (seen, id) order
    std::vector<std::uint32_t> counted;      // members in (seen, id) order
    std::vector<std::uint32_t> independent;  // outlets (small events)
    std::unique_ptr<Indexes> indexes;        // large events
  };
  absl::flat_hash_map<std::uint32_t, Group> groups;  // by root
  // Every live event: its key (the hash its id spells) -> its root.
  absl::flat_hash_map<std::uint64_t, std::uint32_t> root_of_key;
  // Block postings. Each series has blocks: one per kFineDays-day bucket
  // and per 32-day bucket holding postings, and a "wide" list (open,
  // untimed or longer intervals). A lookup without bounds reads them all.
  // A lookup costs one small hash probe per series rather than one large
  // one per block.
  //
  // Which series a mention is posted in and which it reads follow from
  // the participant rule of Compatible() (rule 4). A mention that names
  // both actors and recipients (a "pair" mention) is compatible with
  // another pair mention only when they share an actor AND a recipient, so
  // pair mentions are posted in one series per (type, actor, recipient)
  // and find each other there, instead of in the far larger series of
  // each participant alone (everything one popular actor did). The other
  // cases are covered by two series per (type, participant):
  //   kPairsBy:  pair mentions, by each participant; read by mentions that
  //              name one role only (sharing any participant is needed);
  //   kSingle:   mentions that name one role only, and pair mentions with
  //              more than kMaxPairs pairs, by each participant; read by
  //              every mention.
  //   kPair:     pair mentions, by each (actor, recipient); read by pair
  //              mentions.
  // A pair mention with more than kMaxPairs pairs is posted and looked up
  // like a one-role mention (kSingle, and kPairsBy + kSingle), which finds
  // a superset of its compatible mentions.
  //
  // Series are keyed by a 64-bit hash of (family, type, ids). Two series
  // that share a key share their postings: that only adds candidates (each
  // is still checked in full), it never hides one.
  //
  // A list is a newest-first linked list of chunks, all in one column of
  // 8-byte slots: a header slot followed by `cap` 16-byte entries (two
  // slots each), in one run. Each entry carries what rules most candidates
  // out (MayBeCompatible) without touching the mention's record. A list of
  // one posting, which most lists are (85% of them at 1M mentions: a pair
  // or a rare participant on a few days), is no chunk at all: its head is
  // kInline | the mention, and a lookup computes the entry from the
  // mention's record, a cache miss as reading a chunk would be. The second
  // posting makes a chunk of 3, and each next chunk holds about twice as
  // many (7, 15, ...), up to 63, so a busy list is read in long contiguous
  // runs.
  struct Slot {
    std::uint32_t a, b;  // header: next chunk, count | cap << 16;
                         // entry: half of an Entry
  };
  static constexpr std::uint32_t kEntrySlots = sizeof(Entry) / sizeof(Slot);
  static std::uint32_t CountOf(const Slot& header) { return header.b & 0xffff; }
  static std::uint32_t CapOf(const Slot& header) { return header.b >> 16; }
  static constexpr std::uint32_t kNone = 0xffffffffu;
  // A list head with this bit is a single posting of mention head & ~kInline;
  // chunk heads are slot indexes below it (Append checks).
  static constexpr std::uint32_t kInline = 0x80000000u;
  Entry EntryOfMention(std::uint32_t m) const {
    return EntryOf(recs[m], pool.data(), places.data(), m);
  }
  struct Block {
    std::int32_t no;  // fine bucket, or kCoarseBase + 32-day bucket
    std::uint32_t head;
  };
  struct Series {
    std::uint32_t wide = kNone;
    // Sorted by `no`. Up to two blocks (most series: a pair reported on a
    // day or two) are kept inline, in the room a vector's pointer and
    // capacity would take, so they cost no allocation.
    absl::InlinedVector<Block, 2> blocks;
  };
  static_assert(sizeof(Series) == 32);
  enum Family : std::uint64_t { kPairsBy = 1, kSingle = 2, kPair = 3 };
  static constexpr std::size_t kMaxPairs = 16;
  absl::flat_hash_map<std::uint64_t, std::uint32_t> series_of;  // SeriesKey -> series
  Column<Series> series;  // a Column: no doubling slack, nothing moves
  Column<Slot> slots;  // each chunk's header and entries in one run
  std::vector<std::uint32_t> scratch;  // candidates of the mention being added
  std::vector<std::uint32_t> roots;    // the groups it links to
  std::vector<std::uint32_t> found;    // the heads of the blocks it looks up
  std::uint64_t postings_read = 0;     // by every lookup so far
  // The series the mention being added reads and is posted in, as Lookup
  // found them (series = kNone: none yet); Index reuses them.
  struct SeriesUse {
    std::uint64_t key;
    std::uint32_t series;
    bool read, post;
  };
  std::vector<SeriesUse> uses;

  static std::uint64_t SeriesKey(Family f, std::int32_t type, std::uint32_t a,
                                 std::uint32_t b = 0) {
    return Mix(Mix((static_cast<std::uint64_t>(f) << 32) ^ static_cast<std::uint32_t>(type)) ^
               ((static_cast<std::uint64_t>(a) << 32) | b));
  }
  // Adds `e` to the list starting at `head` (which may become a new chunk).
  void Append(std::uint32_t& head, const Entry& e) {
    if (head == kNone && e.mention < kInline) {
      head = kInline | e.mention;
      return;
    }
    Entry single;  // the list's one posting, when it was inline
    const bool was_inline = head != kNone && (head & kInline) != 0;
    if (was_inline) {
      const std::uint32_t m = head & ~kInline;
      // The mention being indexed may be posted twice in one list (two of
      // its series sharing a key) before its record is stored.
      single = m == e.mention ? e : EntryOfMention(m);
      head = kNone;
    }
    if (head == kNone || CountOf(slots[head]) == CapOf(slots[head])) {
      const std::uint32_t cap =
          head == kNone ? (was_inline ? 3 : 1) : std::min<std::uint32_t>(63, 2 * CapOf(slots[head]) + 1);
      const std::size_t at = slots.AppendRun(1 + kEntrySlots * cap);
      if (at >= kInline) {
        std::fprintf(stderr, "newsevents: the event grouper's postings outgrew 2^31 slots\n");
        std::abort();
      }
      slots[at] = Slot{head, cap << 16};
      head = static_cast<std::uint32_t>(at);
    }
    if (was_inline) Put(head, single);
    Put(head, e);
  }
  void Put(std::uint32_t head, const Entry& e) {
    Slot& h = slots[head];
    std::memcpy(&slots[head + 1 + kEntrySlots * CountOf(h)], &e, sizeof e);
    ++h.b;  // the count, below the cap's bits
  }
  // The first block of `blocks` numbered `no` or more.
  template <typename Blocks>
  static auto FirstBlockFrom(Blocks& blocks, std::int64_t no) {
    return std::lower_bound(blocks.begin(), blocks.end(), no,
                            [](const Block& b, std::int64_t n) { return b.no < n; });
  }
  static std::uint32_t& BlockHead(Series& s, std::int64_t no) {
    auto it = FirstBlockFrom(s.blocks, no);
    if (it == s.blocks.end() || it->no != no) {
      it = s.blocks.insert(it, Block{static_cast<std::int32_t>(no), kNone});
    }
    return it->head;
  }
  static void HeadsIn(const Series& s, std::int64_t from, std::int64_t to,
                      std::vector<std::uint32_t>& out) {
    for (auto it = FirstBlockFrom(s.blocks, from); it != s.blocks.end() && it->no <= to; ++it) {
      out.push_back(it->head);
    }
  }

  std::uint32_t Find(std::uint32_t x) const {
    while (parents[x] != x) x = parents[x];
    return x;
  }
  std::uint32_t FindCompress(std::uint32_t x) {
    while (parents[x] != x) {
      parents[x] = parents[parents[x]];
      x = parents[x];
    }
    return x;
  }

  // The day range a mention's blocks cover: its interval, widened by the
  // tolerance for a lookup. False when the interval is unbounded.
  bool DayRange(const Rec& r, std::int64_t tolerance, std::int64_t& first,
                std::int64_t& last) const {
    if (!r.timed || r.start == kOpenStart || r.end == kOpenEnd) return false;
    first = FloorDiv(SatAdd(r.start, -tolerance), kDayMicros);
    last = FloorDiv(SatAdd(r.end, tolerance) - 1, kDayMicros);
    return true;
  }
  // Calls f(p) for each participant of r, actors and recipients, once.
  template <typename F>
  void ForEachParticipant(const Rec& r, F&& f) const {
    const Ids actors = Actors(r, pool.data());
    for (std::uint32_t p : actors) f(p);
    for (std::uint32_t p : Recipients(r, pool.data())) {
      if (!std::binary_search(actors.begin(), actors.end(), p)) f(p);
    }
  }
  // Fills `uses` with the series r reads and is posted in (see Family).
  void PlanSeries(const Rec& r) {
    uses.clear();
    const bool pairs = r.n_actors > 0 && r.n_recipients > 0 &&
                       std::size_t{r.n_actors} * r.n_recipients <= kMaxPairs;
    if (pairs) {
      for (std::uint32_t a : Actors(r, pool.data())) {
        for (std::uint32_t b : Recipients(r, pool.data())) {
          uses.push_back({SeriesKey(kPair, r.type, a, b), kNone, true, true});
        }
      }
    }
    ForEachParticipant(r, [&](std::uint32_t p) {
      uses.push_back({SeriesKey(kPairsBy, r.type, p), kNone, !pairs, pairs});
      uses.push_back({SeriesKey(kSingle, r.type, p), kNone, true, !pairs});
    });
  }
  // Posts `e` (of mention r) in each series planned for it: in the fine
  // buckets its interval touches (intervals of at most
  // kMaxFineDays days), else in the 32-day buckets (at most
  // kMaxBucketedDays), else in the wide list. Runs after Lookup(r), whose
  // plan and series it uses.
  void Index(const Rec& r, const Entry& e) {
    std::int64_t first = 0, last = -1;
    const bool bounded = DayRange(r, 0, first, last);
    const std::int64_t days = last - first + 1;
    for (SeriesUse& u : uses) {
      if (!u.post) continue;
      if (u.series == kNone) {
        // Probed again: an earlier use in this plan may have created it.
        auto [it, inserted] = series_of.try_emplace(u.key, static_cast<std::uint32_t>(series.size()));
        if (inserted) series.push_back(Series());
        u.series = it->second;
      }
      Series& s = series[u.series];
      if (bounded && days <= kMaxFineDays) {
        for (std::int64_t d = FloorDiv(first, kFineDays); d <= FloorDiv(last, kFineDays); ++d) {
          Append(BlockHead(s, d), e);
        }
      } else if (bounded && days <= kMaxBucketedDays) {
        for (std::int64_t b = FloorDiv(first, 32); b <= FloorDiv(last, 32); ++b) {
          Append(BlockHead(s, kCoarseBase + b), e);
        }
      } else {
        Append(s.wide, e);
      }
    }
  }
  // Plans r's series and collects the heads of the lists a lookup for r
  // reads: per series read, the fine and 32-day buckets its widened
  // interval touches and the wide list; for an unbounded or very long
  // interval, every list of the series.
  void Lookup(const Rec& r, std::vector<std::uint32_t>& out) {
    std::int64_t first = 0, last = -1;
    const bool bounded = DayRange(r, options.time_tolerance_micros, first, last);
    const std::int64_t days = last - first + 1;
    PlanSeries(r);
    for (SeriesUse& u : uses) {
      auto it = series_of.find(u.key);
      if (it == series_of.end()) continue;
      u.series = it->second;
      if (!u.read) continue;
      const Series& s = series[it->second];
      if (bounded && days <= kMaxBucketedDays) {
        HeadsIn(s, FloorDiv(first, kFineDays), FloorDiv(last, kFineDays), out);
        HeadsIn(s, kCoarseBase + FloorDiv(first, 32), kCoarseBase + FloorDiv(last, 32), out);
        if (s.wide != kNone) out.push_back(s.wide);
      } else {
        // Every list of the series (a posting in two buckets is found
        // twice; the caller reads each candidate once).
        for (const Block& b : s.blocks) out.push_back(b.head);
        if (s.wide != kNone) out.push_back(s.wide);
      }
    }
  }

  std::uint32_t MinMember(std::uint32_t root) const {
    auto it = groups.find(root);
    return it == groups.end() ? root : it->second.min_member;
  }
  std::size_t SizeOf(std::uint32_t root) const {
    auto it = groups.find(root);
    return it == groups.end() ? 1 : it->second.members.size();
  }
  std::uint64_t KeyOf(std::uint32_t root) const { return StableHash(ids[MinMember(root)]); }
  std::string IdOf(std::uint32_t root) const { return EventIdFor(ids[MinMember(root)]); }
  // Whether mention a comes after mention b in (seen, id) order.
  bool Later(std::uint32_t a, std::uint32_t b) const {
    if (recs[a].seen != recs[b].seen) return recs[a].seen > recs[b].seen;
    return ids[a] > ids[b];
  }
  std::uint32_t Root(absl::string_view event_id) const {
    const std::optional<std::uint64_t> key = EventKeyOfId(event_id);
    if (!key.has_value()) return kNone;
    auto it = root_of_key.find(*key);
    return it == root_of_key.end() ? kNone : it->second;
  }

  // Counts mention m into g, m being later in (seen, id) order than every
  // member counted so far. A text within syndication_max_hamming (at most
  // 3) bits of an earlier one shares one of its four 16-bit bands with it
  // (pigeonhole), so earlier texts are found through the band index.
  bool NearCopy(std::uint32_t of, std::uint32_t e) const {
    const int max_hamming = std::min(options.syndication_max_hamming, 3);
    return recs[e].outlet != recs[of].outlet && recs[e].fingerprint != 0 &&
           recs[of].fingerprint != 0 &&
           HammingDistance(recs[e].fingerprint, recs[of].fingerprint) <= max_hamming;
  }
  void BuildIndexes(Group& g) {
    g.indexes = std::make_unique<Indexes>();
    Indexes& x = *g.indexes;
    for (std::uint32_t e : g.counted) {
      x.articles.insert(recs[e].article);
      x.outlets.insert(recs[e].outlet);
      if (!recs[e].copy) ++x.independent[recs[e].outlet];
      if (recs[e].fingerprint == 0) continue;
      for (int b = 0; b < 4; ++b) x.bands[BandKey(recs[e].fingerprint, b)].push_back(e);
    }
    g.independent.clear();
  }
  // Counts mention m into g. In a small event m must be later in (seen, id)
  // order than every member counted so far; a large one (with Indexes) takes
  // members in any order: m's status is judged against the earlier members,
  // and later members m is an earlier source for lose theirs.
  void AddToCorroboration(Group& g, std::uint32_t m) {
    Rec& r = recs[m];
    if (g.indexes == nullptr && g.counted.size() >= kScanLimit) BuildIndexes(g);
    bool copy = false;
    if (Indexes* x = g.indexes.get(); x != nullptr) {
      g.corr.articles += x->articles.insert(r.article).second;
      g.corr.outlets += x->outlets.insert(r.outlet).second;
      if (r.fingerprint != 0) {
        for (int b = 0; b < 4; ++b) {
          auto it = x->bands.find(BandKey(r.fingerprint, b));
          if (it == x->bands.end()) continue;
          for (std::uint32_t e : it->second) {
            if (!NearCopy(m, e)) continue;
            if (Later(m, e)) {
              copy = true;
            } else if (!recs[e].copy) {  // m is an earlier source for e
              recs[e].copy = true;
              if (--x->independent[recs[e].outlet] == 0) x->independent.erase(recs[e].outlet);
            }
          }
        }
        for (int b = 0; b < 4; ++b) x->bands[BandKey(r.fingerprint, b)].push_back(m);
      }
      r.copy = copy;
      if (!copy) ++x->independent[r.outlet];
      g.corr.independent_outlets = static_cast<std::int64_t>(x->independent.size());
    } else {
      bool article_seen = false, outlet_seen = false;
      for (std::uint32_t e : g.counted) {
        article_seen = article_seen || recs[e].article == r.article;
        outlet_seen = outlet_seen || recs[e].outlet == r.outlet;
        copy = copy || NearCopy(m, e);
      }
      r.copy = copy;
      g.corr.articles += !article_seen;
      g.corr.outlets += !outlet_seen;
      if (!copy && std::find(g.independent.begin(), g.independent.end(), r.outlet) ==
                       g.independent.end()) {
        g.independent.push_back(r.outlet);
      }
      g.corr.independent_outlets = static_cast<std::int64_t>(g.independent.size());
    }
    g.counted.push_back(m);
    if (g.counted.size() == 1 || Later(m, g.latest)) {
      g.latest = m;
      g.corr.last_seen_micros = r.seen;
    }
    if (g.counted.size() == 1 || r.seen < g.corr.first_seen_micros) {
      g.corr.first_seen_micros = r.seen;
    }
  }
  void Recount(Group& g) {
    g.counted.clear();
    g.independent.clear();
    g.indexes.reset();
    g.corr = Corroboration();
    std::vector<std::uint32_t> ms = g.members;
    std::sort(ms.begin(), ms.end(), [&](std::uint32_t a, std::uint32_t b) { return Later(b, a); });
    g.counted.reserve(ms.size());
    for (std::uint32_t m : ms) AddToCorroboration(g, m);
  }
  // Counts `incoming` (members new to g, in any order) into g.
  void CountIn(Group& g, std::vector<std::uint32_t> incoming) {
    if (g.indexes == nullptr) {
      if (incoming.size() == 1 && Later(incoming[0], g.latest)) {
        AddToCorroboration(g, incoming[0]);  // the usual case: a later report
        return;
      }
      if (g.counted.size() + incoming.size() < kScanLimit) {
        Recount(g);  // g.members holds `incoming` already
        return;
      }
      BuildIndexes(g);
    }
    std::sort(incoming.begin(), incoming.end(),
              [&](std::uint32_t a, std::uint32_t b) { return Later(b, a); });
    for (std::uint32_t m : incoming) AddToCorroboration(g, m);
  }
  static std::uint64_t BandKey(std::uint64_t fingerprint, int band) {
    return (static_cast<std::uint64_t>(band) << 16) | ((fingerprint >> (16 * band)) & 0xffff);
  }
  Corroboration CorroborationAt(std::uint32_t root) const {
    auto it = groups.find(root);
    if (it != groups.end()) {
      Corroboration c = it->second.corr;
      c.mentions = static_cast<std::int64_t>(it->second.members.size());
      return c;
    }
    Corroboration c;
    c.mentions = c.articles = c.outlets = c.independent_outlets = 1;
    c.first_seen_micros = c.last_seen_micros = recs[root].seen;
    return c;
  }
};

EventGrouper::EventGrouper(GroupingOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
}
EventGrouper::~EventGrouper() = default;

AddResult EventGrouper::Add(const Mention& mention) {
  Impl& s = *impl_;
  AddResult result;
  // The mention's index, claimed with one probe of the id set (which
  // hashes through `ids`); a known id leaves everything as it was.
  const auto self = static_cast<std::uint32_t>(s.recs.size());
  s.ids.push_back(mention.mention_id);
  if (auto [it, inserted] = s.index_of.insert(self); !inserted) {
    s.ids.pop_back();
    result.event_id = s.IdOf(s.FindCompress(*it));
    result.change = Change::kUnchanged;
    return result;
  }
  Rec rec = Normalize(s.interner, s.pool, s.places, mention, s.options);
  // Candidates from the blocks, deduplicated.
  s.scratch.clear();
  const Probe probe =
      ProbeOf(rec, s.pool.data(), s.places.data(), s.options.time_tolerance_micros);
  const std::uint64_t fields_hash = FieldsHash(rec, s.pool.data());
  const auto fields = static_cast<std::uint32_t>(fields_hash ^ (fields_hash >> 32));
  s.stand_in_of.prefetch(fields);
  std::vector<std::uint32_t>& found = s.found;
  found.clear();
  s.Lookup(rec, found);
  // The lists are walked side by side, a chunk of each at a time, with the
  // next chunks prefetched: their cache misses overlap instead of queueing.
  for (std::uint32_t head : found) {
    if (head & Impl::kInline) {
      __builtin_prefetch(&s.recs[head & ~Impl::kInline]);
    } else {
      __builtin_prefetch(&s.slots[head]);
    }
  }
  std::size_t live = found.size();
  std::uint64_t read = 0;  // postings, added to s.postings_read once
  while (live > 0) {
    std::size_t kept = 0;
    for (std::size_t k = 0; k < live; ++k) {
      if (found[k] & Impl::kInline) {
        const Entry e = s.EntryOfMention(found[k] & ~Impl::kInline);
        ++read;
        if (MayBeCompatible(probe, e)) s.scratch.push_back(e.mention);
        continue;
      }
      const Impl::Slot* chunk = &s.slots[found[k]];
      if (chunk->a != Impl::kNone) {
        __builtin_prefetch(&s.slots[chunk->a]);
        found[kept++] = chunk->a;
      }
      const std::uint32_t count = Impl::CountOf(*chunk);
      read += count;
      for (std::uint32_t i = 0; i < count; ++i) {
        Entry e;
        std::memcpy(&e, &chunk[1 + Impl::kEntrySlots * i], sizeof e);
        if (!MayBeCompatible(probe, e)) continue;
        s.scratch.push_back(e.mention);
      }
    }
    live = kept;
  }
  s.postings_read += read;
  // Each candidate once (a mention sits in several blocks). Few pass the
  // summaries, so sorting them costs less than a per-mention mark would
  // (4 bytes a mention, and a cache miss per candidate to set it).
  std::sort(s.scratch.begin(), s.scratch.end());
  s.scratch.erase(std::unique(s.scratch.begin(), s.scratch.end()), s.scratch.end());
  for (std::uint32_t c : s.scratch) {
    __builtin_prefetch(&s.parents[c]);
    __builtin_prefetch(&s.recs[c]);
  }

  std::vector<std::uint32_t>& roots = s.roots;
  roots.clear();
  for (std::uint32_t c : s.scratch) {
    const std::uint32_t r = s.FindCompress(c);
    if (std::find(roots.begin(), roots.end(), r) != roots.end()) continue;
    if (RecCompatible(rec, s.recs[c], s.pool.data(), s.places.data(), s.options)) {
      roots.push_back(r);
      continue;
    }
    if (rec.article == 0 || s.recs[c].article != rec.article) continue;
    if (auto alt = s.alt.find(c);
        alt != s.alt.end() &&
        RecCompatible(rec, s.recs[alt->second], s.pool.data(), s.places.data(), s.options)) {
      roots.push_back(r);
    }
  }
  // Whether an earlier mention with the same fields stands in for this one.
  std::uint32_t stand_in = Impl::kNone;
  if (rec.n_actors + rec.n_recipients > 0) {
    auto it = s.stand_in_of.find(fields);
    if (it != s.stand_in_of.end() && SameFields(rec, s.recs[it->second], s.pool.data())) {
      stand_in = it->second;
    }
  }

  s.parents.push_back(self);
  if (stand_in != Impl::kNone) {
    if (s.recs[stand_in].article != rec.article) {
      s.alt.try_emplace(stand_in, self);  // the first such copy
    }
  } else if (rec.n_actors + rec.n_recipients > 0) {
    s.stand_in_of.try_emplace(fields, self);
  }
  if (stand_in == Impl::kNone) s.Index(rec, EntryOf(rec, s.pool.data(), s.places.data(), self));
  s.recs.push_back(std::move(rec));

  if (roots.empty()) {
    const std::uint64_t key = s.KeyOf(self);
    s.root_of_key[key] = self;
    result.event_id = EventIdOfKey(key);
    result.change = Change::kCreated;
    return result;
  }
  // Merge everything into the largest group.
  std::uint32_t big = roots[0];
  for (std::uint32_t r : roots) {
    if (s.SizeOf(r) > s.SizeOf(big)) big = r;
  }
  std::vector<std::pair<std::uint64_t, std::string>> old;
  for (std::uint32_t r : roots) {
    const std::uint64_t k = s.KeyOf(r);
    old.emplace_back(k, EventIdOfKey(k));
  }
  if (!s.groups.contains(big)) {
    Impl::Group& g = s.groups[big];
    g.min_member = big;
    g.members.push_back(big);
    s.Recount(g);
  }
  // No insertion into `groups` below: the reference stays valid.
  Impl::Group& into = s.groups.at(big);
  std::vector<std::uint32_t> incoming;
  for (std::uint32_t r : roots) {
    if (r == big) continue;
    auto from = s.groups.find(r);
    if (from == s.groups.end()) {
      incoming.push_back(r);
      into.members.push_back(r);
      if (s.ids[r] < s.ids[into.min_member]) into.min_member = r;
    } else {
      into.members.insert(into.members.end(), from->second.members.begin(),
                          from->second.members.end());
      incoming.insert(incoming.end(), from->second.members.begin(),
                      from->second.members.end());
      if (s.ids[from->second.min_member] < s.ids[into.min_member]) {
        into.min_member = from->second.min_member;
      }
      s.groups.erase(from);
    }
    s.parents[r] = big;
  }
  into.members.push_back(self);
  s.parents[self] = big;
  if (s.ids[self] < s.ids[into.min_member]) into.min_member = self;
  incoming.push_back(self);
  s.CountIn(into, std::move(incoming));
  const std::uint64_t key = s.KeyOf(big);
  result.event_id = EventIdOfKey(key);
  for (const auto& [k, id] : old) {
    if (k != key) {
      s.root_of_key.erase(k);
      result.retired_ids.push_back(id);
    }
  }
  std::sort(result.retired_ids.begin(), result.retired_ids.end());
  s.root_of_key[key] = big;
  result.change = roots.size() > 1 ? Change::kMerged : Change::kUpdated;
  return result;
}

std::optional<std::string> EventGrouper::EventOf(absl::string_view mention_id) const {
  auto it = impl_->index_of.find(mention_id);
  if (it == impl_->index_of.end()) return std::nullopt;
  return impl_->IdOf(impl_->Find(*it));
}

std::vector<std::string> EventGrouper::MentionsOf(absl::string_view event_id) const {
  std::vector<std::string> out;
  const Impl& s = *impl_;
  const std::uint32_t root = s.Root(event_id);
  if (root == Impl::kNone) return out;
  auto it = s.groups.find(root);
  if (it == s.groups.end()) {
    out.emplace_back(s.ids[root]);
    return out;
  }
  for (std::uint32_t m : it->second.members) out.emplace_back(s.ids[m]);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<Corroboration> EventGrouper::CorroborationOf(absl::string_view event_id) const {
  const std::uint32_t root = impl_->Root(event_id);
  if (root == Impl::kNone) return std::nullopt;
  return impl_->CorroborationAt(root);
}

std::vector<std::string> EventGrouper::EventIds() const {
  std::vector<std::string> out;
  out.reserve(impl_->root_of_key.size());
  for (const auto& [key, root] : impl_->root_of_key) out.push_back(impl_->IdOf(root));
  std::sort(out.begin(), out.end());
  return out;
}

namespace {
// A flat hash container's slots and control bytes.
template <typename Table>
std::size_t TableBytes(const Table& t) {
  return t.capacity() * (sizeof(typename Table::slot_type) + 1);
}
template <typename T>
std::size_t VectorBytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}
// Heap bytes of a string beyond the std::string itself (none when short).
std::size_t StringHeap(const std::string& s) {
  return s.capacity() > 15 ? s.capacity() + 1 : 0;
}
}  // namespace

std::size_t PlaceTable::MemoryBytes() const { return VectorBytes(places_) + TableBytes(ids_); }

std::size_t Interner::MemoryBytes() const {
  std::size_t bytes = TableBytes(ids_);
  for (const auto& [s, id] : ids_) bytes += StringHeap(s);
  return bytes;
}

std::uint64_t EventGrouper::PostingsRead() const { return impl_->postings_read; }

std::size_t EventGrouper::MemoryBytes() const {
  const Impl& s = *impl_;
  std::size_t bytes = s.interner.MemoryBytes() + s.recs.bytes() + s.parents.bytes() +
                      TableBytes(s.alt) + VectorBytes(s.pool) + s.ids.bytes() +
                      s.places.MemoryBytes() +
                      TableBytes(s.stand_in_of) + TableBytes(s.index_of) +
                      TableBytes(s.groups) + TableBytes(s.root_of_key) +
                      TableBytes(s.series_of) + s.series.bytes() + s.slots.bytes();
  for (const auto& [root, g] : s.groups) {
    bytes += VectorBytes(g.members) + VectorBytes(g.counted) + VectorBytes(g.independent);
    if (g.indexes != nullptr) {
      const Impl::Indexes& x = *g.indexes;
      bytes += sizeof(x) + TableBytes(x.articles) + TableBytes(x.outlets) +
               TableBytes(x.independent) + TableBytes(x.bands);
      for (const auto& [band, members] : x.bands) bytes += VectorBytes(members);
    }
  }
  for (std::size_t i = 0; i < s.series.size(); ++i) {
    const auto& blocks = s.series[i].blocks;
    if (blocks.capacity() > 2) bytes += blocks.capacity() * sizeof(Impl::Block);
  }
  return bytes;
}

std::size_t EventGrouper::mention_count() const { return impl_->recs.size(); }
std::size_t EventGrouper::event_count() const { return impl_->root_of_key.size(); }

}  // namespace newsevents::query::identity
