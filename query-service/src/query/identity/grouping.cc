#include "query/identity/grouping.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"

namespace newsevents::query::identity {
namespace {

constexpr std::int64_t kDayMicros = 24LL * 3600 * 1000000;
constexpr std::int64_t kOpenStart = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kOpenEnd = std::numeric_limits<std::int64_t>::max();
// Mentions whose interval spans more days than this are not put in day
// buckets; they are found through the per-participant list instead.
constexpr std::int64_t kMaxBucketedDays = 400;
constexpr std::int64_t kMaxFineDays = 3;

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
  std::uint32_t Id(absl::string_view s) {
    if (s.empty()) return 0;
    auto [it, inserted] = ids_.try_emplace(std::string(s), 0);
    if (inserted) it->second = static_cast<std::uint32_t>(ids_.size());
    return it->second;
  }

 private:
  absl::flat_hash_map<std::string, std::uint32_t> ids_;
};

// A mention in the compact form the grouper keeps and compares.
struct Rec {
  // Hot: what the candidate check reads.
  std::uint32_t parent = 0;  // union-find
  std::int32_t type = 0;
  std::uint8_t modality = 0;
  std::uint8_t level = 0;
  bool has_coordinates = false;
  bool timed = false;
  std::uint32_t mode = 0;
  // Fixed 64-bit hash of the article id (0 = none), compared for equality
  // only: a false match needs a 64-bit collision between two article ids.
  std::uint64_t article = 0;
  std::uint32_t place = 0;
  std::uint32_t admin1 = 0;
  std::uint32_t country = 0;
  float latitude = 0, longitude = 0;
  std::int64_t start = kOpenStart, end = kOpenEnd;
  // Participants: actors then recipients, each run sorted and unique; inline
  // when there are at most kInline of them, else in the shared pool at `off`.
  std::uint32_t off = 0;
  std::uint16_t n_actors = 0, n_recipients = 0;
  static constexpr int kInline = 3;
  std::uint32_t inline_ids[kInline] = {0, 0, 0};
  // Cold: corroboration only.
  std::uint32_t outlet = 0;
  std::uint64_t fingerprint = 0;
  std::int64_t seen = 0;
};

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

Rec Normalize(Interner& in, std::vector<std::uint32_t>& pool, const Mention& m,
              const GroupingOptions& o) {
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
    r.place = in.Id(p.id);
    r.admin1 = in.Id(p.admin1_id);
    r.country = in.Id(p.country);
    r.level = static_cast<std::uint8_t>(p.level);
    r.has_coordinates = p.has_coordinates;
    r.latitude = static_cast<float>(p.latitude);
    r.longitude = static_cast<float>(p.longitude);
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

bool PlacesCompatible(const Rec& a, const Rec& b, double max_km) {
  if (a.place == 0 && a.country == 0) return true;
  if (b.place == 0 && b.country == 0) return true;
  if (a.place != 0 && a.place == b.place) return true;
  if (a.country != 0 && b.country != 0 && a.country != b.country) return false;
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
                   const GroupingOptions& o) {
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
  if (a.article != 0 && a.article == b.article) {
    return aa == ba && ar == br && a.place == b.place &&
           a.timed == b.timed && a.start == b.start && a.end == b.end;
  }
  return PlacesCompatible(a, b, o.max_distance_km);
}

std::uint64_t BlockKey(std::int32_t type, std::uint32_t participant, std::int64_t day) {
  std::uint64_t h = Mix((static_cast<std::uint64_t>(static_cast<std::uint32_t>(type)) << 32) |
                        participant);
  return Mix(h ^ static_cast<std::uint64_t>(day) * 0x9e3779b97f4a7c15ULL);
}
// Keys of the per-participant lists (all mentions; untimed or wide ones).
constexpr std::int64_t kAllDay = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kWideDay = std::numeric_limits<std::int64_t>::min() + 1;
// 32-day buckets: far from any day number a real interval reaches.
constexpr std::int64_t kCoarseBase = std::int64_t{1} << 60;

}  // namespace

std::uint64_t TextFingerprint(absl::string_view text) {
  int votes[64] = {0};
  std::string prev, word;
  bool any = false;
  auto feature = [&](std::uint64_t h) {
    for (int b = 0; b < 64; ++b) votes[b] += (h >> b) & 1 ? 1 : -1;
  };
  auto flush = [&] {
    if (word.empty()) return;
    any = true;
    feature(StableHash(word, 1));
    if (!prev.empty()) feature(StableHash(prev + " " + word, 2));
    prev = std::move(word);
    word.clear();
  };
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(u) || u >= 0x80) {
      word.push_back(absl::ascii_tolower(u));
    } else {
      flush();
    }
  }
  flush();
  if (!any) return 0;
  std::uint64_t fp = 0;
  for (int b = 0; b < 64; ++b) {
    if (votes[b] > 0) fp |= 1ULL << b;
  }
  return fp == 0 ? 1 : fp;
}

int HammingDistance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

std::string EventIdFor(absl::string_view smallest_mention_id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t h = StableHash(smallest_mention_id);
  std::string out = "evt_";
  out.resize(4 + 16);
  for (int i = 19; i >= 4; --i) {
    out[i] = kHex[h & 15];
    h >>= 4;
  }
  return out;
}

bool Compatible(const Mention& a, const Mention& b, const GroupingOptions& options) {
  Interner in;
  std::vector<std::uint32_t> pool;
  const Rec ra = Normalize(in, pool, a, options);
  const Rec rb = Normalize(in, pool, b, options);
  return RecCompatible(ra, rb, pool.data(), options);
}

struct EventGrouper::Impl {
  GroupingOptions options;
  Interner interner;
  std::vector<Rec> recs;
  std::vector<std::uint32_t> pool;  // participants of every mention
  std::vector<std::string> ids;  // mention ids, by index
  absl::flat_hash_map<std::string, std::uint32_t> index_of;
  // Valid at roots only.
  struct Group {
    std::uint32_t min_member = 0;
    std::vector<std::uint32_t> members;
    std::string event_id;
  };
  absl::flat_hash_map<std::uint32_t, Group> groups;     // by root
  absl::flat_hash_map<std::string, std::uint32_t> root_of_event;
  // Block postings: per key, a newest-first linked list of chunks of up to
  // six mentions, all chunks in one vector.
  struct Chunk {
    std::uint32_t mentions[6];
    std::uint32_t count;
    std::uint32_t next;  // kNone ends the list
  };
  static constexpr std::uint32_t kNone = 0xffffffffu;
  absl::flat_hash_map<std::uint64_t, std::uint32_t> heads;
  std::vector<Chunk> chunks;
  std::vector<std::uint32_t> scratch;  // candidates of the mention being added
  std::vector<std::uint32_t> roots;    // the groups it links to

  std::uint32_t Find(std::uint32_t x) const {
    while (recs[x].parent != x) x = recs[x].parent;
    return x;
  }
  std::uint32_t FindCompress(std::uint32_t x) {
    while (recs[x].parent != x) {
      recs[x].parent = recs[recs[x].parent].parent;
      x = recs[x].parent;
    }
    return x;
  }

  // Calls f(key) for each block the mention is indexed under (index=true) or
  // must be looked up in (index=false). Blocks are per (type, participant)
  // and a time tier: one-day buckets for intervals of at most
  // kMaxFineDays days, 32-day buckets for intervals of at most
  // kMaxBucketedDays, and one "wide" list for the rest (open, untimed or
  // longer). A lookup visits the day and 32-day buckets its widened interval
  // touches plus the wide list; an open or very long query visits the list
  // of all mentions of the (type, participant).
  template <typename F>
  void ForEachKey(const Rec& r, bool index, F&& f) const {
    const bool bounded = r.timed && r.start != kOpenStart && r.end != kOpenEnd;
    std::int64_t first = 0, last = -1;
    if (bounded) {
      const std::int64_t tol = index ? 0 : options.time_tolerance_micros;
      first = FloorDiv(SatAdd(r.start, -tol), kDayMicros);
      last = FloorDiv(SatAdd(r.end, tol) - 1, kDayMicros);
    }
    const std::int64_t days = last - first + 1;
    auto emit = [&](std::uint32_t p) {
      if (index) {
        f(BlockKey(r.type, p, kAllDay));
        if (bounded && days <= kMaxFineDays) {
          for (std::int64_t d = first; d <= last; ++d) f(BlockKey(r.type, p, d));
        } else if (bounded && days <= kMaxBucketedDays) {
          for (std::int64_t b = FloorDiv(first, 32); b <= FloorDiv(last, 32); ++b) {
            f(BlockKey(r.type, p, kCoarseBase + b));
          }
        } else {
          f(BlockKey(r.type, p, kWideDay));
        }
      } else if (bounded && days <= kMaxBucketedDays) {
        for (std::int64_t d = first; d <= last; ++d) f(BlockKey(r.type, p, d));
        for (std::int64_t b = FloorDiv(first, 32); b <= FloorDiv(last, 32); ++b) {
          f(BlockKey(r.type, p, kCoarseBase + b));
        }
        f(BlockKey(r.type, p, kWideDay));
      } else {
        f(BlockKey(r.type, p, kAllDay));
      }
    };
    const Ids actors = Actors(r, pool.data());
    for (std::uint32_t p : actors) emit(p);
    for (std::uint32_t p : Recipients(r, pool.data())) {
      if (!std::binary_search(actors.begin(), actors.end(), p)) emit(p);
    }
  }

  std::string IdOf(const Group& g) const { return EventIdFor(ids[g.min_member]); }
};

EventGrouper::EventGrouper(GroupingOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
}
EventGrouper::~EventGrouper() = default;

AddResult EventGrouper::Add(const Mention& mention) {
  Impl& s = *impl_;
  AddResult result;
  if (auto it = s.index_of.find(mention.mention_id); it != s.index_of.end()) {
    result.event_id = s.groups.at(s.FindCompress(it->second)).event_id;
    result.change = Change::kUnchanged;
    return result;
  }
  Rec rec = Normalize(s.interner, s.pool, mention, s.options);
  // Candidates from the blocks, deduplicated.
  s.scratch.clear();
  s.ForEachKey(rec, /*index=*/false, [&](std::uint64_t key) {
    auto it = s.heads.find(key);
    if (it == s.heads.end()) return;
    for (std::uint32_t at = it->second; at != Impl::kNone; at = s.chunks[at].next) {
      const Impl::Chunk& c = s.chunks[at];
      s.scratch.insert(s.scratch.end(), c.mentions, c.mentions + c.count);
    }
  });
  std::sort(s.scratch.begin(), s.scratch.end());
  s.scratch.erase(std::unique(s.scratch.begin(), s.scratch.end()), s.scratch.end());
  std::vector<std::uint32_t>& roots = s.roots;
  roots.clear();
  for (std::uint32_t c : s.scratch) {
    const std::uint32_t r = s.FindCompress(c);
    if (std::find(roots.begin(), roots.end(), r) != roots.end()) continue;
    if (RecCompatible(rec, s.recs[c], s.pool.data(), s.options)) roots.push_back(r);
  }

  const auto self = static_cast<std::uint32_t>(s.recs.size());
  s.index_of.emplace(mention.mention_id, self);
  s.ids.push_back(mention.mention_id);
  rec.parent = self;
  s.ForEachKey(rec, /*index=*/true, [&](std::uint64_t key) {
    auto [it, inserted] = s.heads.try_emplace(key, Impl::kNone);
    if (it->second == Impl::kNone || s.chunks[it->second].count == 6) {
      Impl::Chunk c{};
      c.next = it->second;
      s.chunks.push_back(c);
      it->second = static_cast<std::uint32_t>(s.chunks.size() - 1);
    }
    Impl::Chunk& c = s.chunks[it->second];
    c.mentions[c.count++] = self;
  });
  s.recs.push_back(std::move(rec));

  if (roots.empty()) {
    Impl::Group g;
    g.min_member = self;
    g.members.push_back(self);
    g.event_id = s.IdOf(g);
    result.event_id = g.event_id;
    result.change = Change::kCreated;
    s.root_of_event[g.event_id] = self;
    s.groups.emplace(self, std::move(g));
    return result;
  }
  // Merge everything into the largest group.
  std::uint32_t big = roots[0];
  for (std::uint32_t r : roots) {
    if (s.groups.at(r).members.size() > s.groups.at(big).members.size()) big = r;
  }
  Impl::Group& into = s.groups.at(big);
  std::vector<std::string> old_ids;
  for (std::uint32_t r : roots) old_ids.push_back(s.groups.at(r).event_id);
  for (std::uint32_t r : roots) {
    if (r == big) continue;
    Impl::Group& from = s.groups.at(r);
    into.members.insert(into.members.end(), from.members.begin(), from.members.end());
    if (s.ids[from.min_member] < s.ids[into.min_member]) into.min_member = from.min_member;
    s.recs[r].parent = big;
    s.groups.erase(r);
  }
  into.members.push_back(self);
  s.recs[self].parent = big;
  if (s.ids[self] < s.ids[into.min_member]) into.min_member = self;
  into.event_id = s.IdOf(into);
  for (const std::string& id : old_ids) {
    if (id != into.event_id) {
      s.root_of_event.erase(id);
      result.retired_ids.push_back(id);
    }
  }
  std::sort(result.retired_ids.begin(), result.retired_ids.end());
  s.root_of_event[into.event_id] = big;
  result.event_id = into.event_id;
  result.change = roots.size() > 1 ? Change::kMerged : Change::kUpdated;
  return result;
}

std::optional<std::string> EventGrouper::EventOf(absl::string_view mention_id) const {
  auto it = impl_->index_of.find(mention_id);
  if (it == impl_->index_of.end()) return std::nullopt;
  return impl_->groups.at(impl_->Find(it->second)).event_id;
}

std::vector<std::string> EventGrouper::MentionsOf(absl::string_view event_id) const {
  std::vector<std::string> out;
  auto it = impl_->root_of_event.find(event_id);
  if (it == impl_->root_of_event.end()) return out;
  for (std::uint32_t m : impl_->groups.at(it->second).members) out.push_back(impl_->ids[m]);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<Corroboration> EventGrouper::CorroborationOf(absl::string_view event_id) const {
  const Impl& s = *impl_;
  auto it = s.root_of_event.find(event_id);
  if (it == s.root_of_event.end()) return std::nullopt;
  std::vector<std::uint32_t> ms = s.groups.at(it->second).members;
  std::sort(ms.begin(), ms.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (s.recs[a].seen != s.recs[b].seen) return s.recs[a].seen < s.recs[b].seen;
    return s.ids[a] < s.ids[b];
  });
  Corroboration c;
  c.mentions = static_cast<std::int64_t>(ms.size());
  absl::flat_hash_set<std::uint64_t> articles;
  absl::flat_hash_set<std::uint32_t> outlets, independent;
  // Hamming distance <= 3 over four 16-bit bands: at least one band is equal
  // (pigeonhole), so earlier texts are found through the band index.
  absl::flat_hash_map<std::uint64_t, std::vector<std::uint32_t>> bands;
  const int max_hamming = std::min(s.options.syndication_max_hamming, 3);
  c.first_seen_micros = s.recs[ms.front()].seen;
  c.last_seen_micros = s.recs[ms.back()].seen;
  for (std::uint32_t m : ms) {
    const Rec& r = s.recs[m];
    articles.insert(r.article);
    outlets.insert(r.outlet);
    bool copy = false;
    if (r.fingerprint != 0) {
      for (int b = 0; b < 4 && !copy; ++b) {
        const std::uint64_t key = (static_cast<std::uint64_t>(b) << 16) |
                                  ((r.fingerprint >> (16 * b)) & 0xffff);
        auto bit = bands.find(key);
        if (bit == bands.end()) continue;
        for (std::uint32_t e : bit->second) {
          if (s.recs[e].outlet != r.outlet &&
              HammingDistance(s.recs[e].fingerprint, r.fingerprint) <= max_hamming) {
            copy = true;
            break;
          }
        }
      }
      for (int b = 0; b < 4; ++b) {
        bands[(static_cast<std::uint64_t>(b) << 16) | ((r.fingerprint >> (16 * b)) & 0xffff)]
            .push_back(m);
      }
    }
    if (!copy) independent.insert(r.outlet);
  }
  c.articles = static_cast<std::int64_t>(articles.size());
  c.outlets = static_cast<std::int64_t>(outlets.size());
  c.independent_outlets = static_cast<std::int64_t>(independent.size());
  return c;
}

std::vector<std::string> EventGrouper::EventIds() const {
  std::vector<std::string> out;
  out.reserve(impl_->root_of_event.size());
  for (const auto& [id, root] : impl_->root_of_event) out.push_back(id);
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t EventGrouper::mention_count() const { return impl_->recs.size(); }
std::size_t EventGrouper::event_count() const { return impl_->groups.size(); }

}  // namespace newsevents::query::identity
