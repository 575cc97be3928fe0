// AggregateEvents: group the matching events by one or two dimensions and
// count events, distinct articles and figures per bucket.
//
// One pass over the matches, which are streamed in chunks rather than
// collected first (an unfiltered aggregate would otherwise write and reread
// an index per stored event). Each dimension turns an event into a small
// 32-bit key (a type, a place index, a bucket's first day, an entity index)
// and the key into a dense code, numbered in first-seen order, through a
// direct-mapped cache that nearly always hits; a pair of codes then finds
// its bucket in a dense table. The per-event work is a few array reads, with
// no hashing and no allocation once the buckets exist.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "query/store/event_store.h"

namespace newsevents::query::store {

using internal::kNone;

namespace {

// A dimension value: a type or modality number, a pool id, an entity or
// place index, or a day number (days since 1970-01-01 plus kDayBias).
using Value = std::uint64_t;
constexpr Value kNoValue = std::numeric_limits<Value>::max();
constexpr std::int64_t kDayBias = std::int64_t{1} << 40;
// A bucket's first day as a 32-bit key. Days of int64 microseconds stay
// within +-2^27, so the biased day never reaches kNone (no time).
constexpr std::int64_t kDayKeyBias = std::int64_t{1} << 31;
constexpr std::int64_t kMicrosPerDay = std::int64_t{86400} * 1000000;

bool IsTime(GroupBy g) {
  return g == GroupBy::kDay || g == GroupBy::kWeek || g == GroupBy::kMonth;
}

// Whether the dimension gives an event at most one value (entities give
// one per participant).
bool SingleValued(GroupBy g) {
  return g != GroupBy::kActor && g != GroupBy::kRecipient;
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// The first day of the month holding `day` (days since 1970-01-01) in the
// proleptic Gregorian calendar. Integer arithmetic because this runs per
// event, where a round trip through absl::CivilDay costs more than all the
// rest of the event's work.
//
// Counting from 0000-03-01 puts the leap day at the end of a year, so the
// months of a year (March to February) have fixed lengths, and every 400
// years ("era") have 146097 days.
std::int64_t MonthStart(std::int64_t day) {
  const std::int64_t z = day + 719468;  // days since 0000-03-01
  const std::int64_t era = FloorDiv(z, 146097);
  const std::int64_t day_of_era = z - era * 146097;  // [0, 146096]
  // Each 4th year is long, but not each 100th, but each 400th: subtract
  // the leap days before `day_of_era` to get whole 365-day years.
  const std::int64_t year_of_era = (day_of_era - day_of_era / 1460 +
                                    day_of_era / 36524 - day_of_era / 146096) /
                                   365;  // [0, 399]
  const std::int64_t day_of_year =       // [0, 365], 0 = March 1
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  // March..January alternate 31 and 30 days (with two 31s in a row twice):
  // month m starts on day (153 * m + 2) / 5 of the year.
  const std::int64_t month = (5 * day_of_year + 2) / 153;  // 0 = March
  return day - day_of_year + (153 * month + 2) / 5;
}

// The first day of the bucket holding `micros`, as days since the epoch.
std::int64_t BucketDay(std::int64_t micros, GroupBy g) {
  const std::int64_t day = FloorDiv(micros, kMicrosPerDay);
  switch (g) {
    case GroupBy::kWeek:  // 1970-01-01 was a Thursday: Monday = 0
      return day - (((day + 3) % 7) + 7) % 7;
    case GroupBy::kMonth:
      return MonthStart(day);
    default:
      return day;
  }
}

// BucketDay() for the per-event loop, where its two signed divisions and
// their corrections are most of an event's cost. Shifting the time by a
// multiple of the period makes the dividend non-negative, so that the floor
// is one unsigned division by a constant (a multiply); a week bucket is
// floor((day + 3) / 7) weeks = floor((micros + 3 days) / 7 days), one
// division from the micros. Month starts are cached by day: a store's
// events span far fewer days than the cache has slots.
class TimeBuckets {
 public:
  explicit TimeBuckets(GroupBy g) : g_(g) {
    // An empty slot holds a day that belongs to another slot: never a hit.
    for (std::uint32_t i = 0; i < kSlots; ++i) {
      months_[i].day = static_cast<std::int32_t>(i ^ 1);
    }
  }

  std::int64_t Of(std::int64_t micros) {
    if (micros < -kLimit || micros >= kLimit) return BucketDay(micros, g_);
    switch (g_) {
      case GroupBy::kWeek:
        return 7 * Floor<7 * kMicrosPerDay>(micros + 3 * kMicrosPerDay) - 3;
      case GroupBy::kMonth: {
        // Days within +-kLimit fit in 32 bits.
        const auto day =
            static_cast<std::int32_t>(Floor<kMicrosPerDay>(micros));
        Month& m = months_[static_cast<std::uint32_t>(day) & (kSlots - 1)];
        if (m.day != day) {
          m.day = day;
          m.start = static_cast<std::int32_t>(MonthStart(day));
        }
        return m.start;
      }
      default:
        return Floor<kMicrosPerDay>(micros);
    }
  }

 private:
  // Times within +-kLimit (73,000 years) take the fast path, which then
  // stays clear of overflow.
  static constexpr std::int64_t kLimit = std::int64_t{1} << 61;
  static constexpr std::uint32_t kSlots = 1024;

  // floor(x / kPeriod) for |x| < kLimit + 3 days.
  template <std::int64_t kPeriod>
  static std::int64_t Floor(std::int64_t x) {
    constexpr std::int64_t kShift = kLimit / kPeriod + 1;  // periods
    return static_cast<std::int64_t>(
               static_cast<std::uint64_t>(x + kShift * kPeriod) /
               static_cast<std::uint64_t>(kPeriod)) -
           kShift;
  }

  struct Month {
    std::int32_t day;
    std::int32_t start;
  };

  GroupBy g_;
  std::array<Month, kSlots> months_;
};

std::string DayKey(std::int64_t day) {
  const absl::CivilDay d = absl::CivilDay(1970, 1, 1) + day;
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// Sums of one kind of figure in one bucket; min and max start at the
// extremes so that every figure, the first included, updates them alike.
struct FigureAcc {
  std::int32_t count = 0;
  std::int64_t sum_low = 0;
  std::int64_t sum_high = 0;
  std::int64_t min_low = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_high = std::numeric_limits<std::int64_t>::min();
};

void AddFigure(FigureAcc& fa, const internal::FigureNumbers& fr) {
  const std::int64_t high = fr.has_high ? fr.high : fr.low;
  fa.min_low = std::min(fa.min_low, fr.low);
  fa.max_high = std::max(fa.max_high, high);
  ++fa.count;
  fa.sum_low += fr.low;
  fa.sum_high += high;
}

// A bucket's counters, touched by every event (its figures, touched by a
// few, live apart to keep these dense).
struct Counts {
  std::int64_t events = 0;
  std::int64_t articles = 0;
  std::uint32_t last_article = kNone;
};

constexpr std::size_t kFigureKinds = kMaxFigureKind + 1;

// The buckets of one range of events, numbered in first-seen order (see
// AggregateEvents for what each holds).
struct Partial {
  std::vector<std::array<Value, 2>> bucket_values;
  std::vector<Counts> counts;
  std::vector<std::uint32_t> figure_at;  // bucket * kFigureKinds + kind
  std::vector<FigureAcc> figure_accs;
  absl::flat_hash_map<Value, std::uint32_t> admin1_place;
  std::int64_t total = 0;

  // Adds the buckets of `later`, the range after this one's (ranges are
  // whole articles, so no article is in both). Buckets new to this one
  // follow in `later`'s order: the order a single pass would give.
  void Merge(const Partial& later) {
    absl::flat_hash_map<std::array<Value, 2>, std::uint32_t> slot_of;
    for (std::size_t i = 0; i < bucket_values.size(); ++i) {
      slot_of.emplace(bucket_values[i], static_cast<std::uint32_t>(i));
    }
    for (std::size_t j = 0; j < later.counts.size(); ++j) {
      auto [it, inserted] =
          slot_of.try_emplace(later.bucket_values[j], static_cast<std::uint32_t>(counts.size()));
      const std::size_t i = it->second;
      if (inserted) {
        bucket_values.push_back(later.bucket_values[j]);
        counts.emplace_back();
        figure_at.resize(figure_at.size() + kFigureKinds, kNone);
      }
      counts[i].events += later.counts[j].events;
      counts[i].articles += later.counts[j].articles;
      for (std::size_t k = 0; k < kFigureKinds; ++k) {
        const std::uint32_t from = later.figure_at[j * kFigureKinds + k];
        if (from == kNone) continue;
        std::uint32_t& at = figure_at[i * kFigureKinds + k];
        const FigureAcc& b = later.figure_accs[from];
        if (at == kNone) {
          at = static_cast<std::uint32_t>(figure_accs.size());
          figure_accs.push_back(b);
          continue;
        }
        FigureAcc& a = figure_accs[at];
        a.count += b.count;
        a.sum_low += b.sum_low;
        a.sum_high += b.sum_high;
        a.min_low = std::min(a.min_low, b.min_low);
        a.max_high = std::max(a.max_high, b.max_high);
      }
    }
    for (const auto& [value, place] : later.admin1_place) admin1_place.try_emplace(value, place);
    total += later.total;
  }
};

// Codes of 32-bit keys: a direct-mapped cache in front of a hash map. The
// keys one aggregate meets repeat heavily, so a lookup is nearly always one
// compare.
class KeyCodes {
 public:
  KeyCodes() {
    // An empty slot holds a key that belongs to another slot: never a hit.
    for (std::uint32_t i = 0; i < kSlots; ++i) slots_[i] = Pack(i ^ 1, 0);
  }

  // The cache alone: cheap enough to inline in a per-event loop.
  bool Cached(std::uint32_t key, std::uint32_t* code) const {
    const std::uint64_t slot = slots_[key & (kSlots - 1)];
    if (static_cast<std::uint32_t>(slot >> 32) != key) return false;
    *code = static_cast<std::uint32_t>(slot);
    return true;
  }
  // False when `key` has no code yet.
  bool Find(std::uint32_t key, std::uint32_t* code) {
    if (Cached(key, code)) return true;
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    slots_[key & (kSlots - 1)] = Pack(key, it->second);
    *code = it->second;
    return true;
  }
  void Insert(std::uint32_t key, std::uint32_t code) {
    map_.emplace(key, code);
    slots_[key & (kSlots - 1)] = Pack(key, code);
  }

 private:
  static constexpr std::uint32_t kSlots = 1024;
  static std::uint64_t Pack(std::uint32_t key, std::uint32_t code) {
    return (std::uint64_t{key} << 32) | code;
  }
  std::array<std::uint64_t, kSlots> slots_;
  absl::flat_hash_map<std::uint32_t, std::uint32_t> map_;
};

// One grouping dimension: key -> code -> value. Several keys may share a
// value (the places of one country), and so a code.
struct Dim {
  explicit Dim(GroupBy g) : g(g), time(g) {}

  GroupBy g;
  KeyCodes keys;
  TimeBuckets time;  // for time dimensions
  absl::flat_hash_map<Value, std::uint32_t> codes;
  std::vector<Value> values;  // by code

  std::uint32_t CodeOf(Value v) {
    auto [it, inserted] =
        codes.try_emplace(v, static_cast<std::uint32_t>(values.size()));
    if (inserted) values.push_back(v);
    return it->second;
  }
};

// Bucket numbers by pair of codes, kNone for a pair not seen yet: a dense
// table (a row per first code) while that stays small, else a hash map.
class PairSlots {
 public:
  // The table alone, kNone when it does not have the pair: cheap enough to
  // inline in a per-event loop.
  std::uint32_t Cached(std::uint32_t c0, std::uint32_t c1) const {
    if ((c1 >> shift_) != 0 || c0 >= rows_) return kNone;
    return cells_[Cell(c0, c1)];
  }
  std::uint32_t& At(std::uint32_t c0, std::uint32_t c1) {
    if (!hashed_) {
      if ((c1 >> shift_) == 0 && c0 < rows_) return cells_[Cell(c0, c1)];
      if (Grow(c0, c1)) return cells_[Cell(c0, c1)];
    }
    return map_.try_emplace((std::uint64_t{c0} << 32) | c1, kNone)
        .first->second;
  }

 private:
  static constexpr std::size_t kMaxCells = std::size_t{1} << 22;  // 16 MB

  std::size_t Cell(std::size_t c0, std::size_t c1) const {
    return (c0 << shift_) | c1;
  }

  // Makes room for (c0, c1) in the table and returns true, or moves to the
  // hash map when the table would pass kMaxCells and returns false.
  bool Grow(std::uint32_t c0, std::uint32_t c1) {
    int shift = shift_;
    while (shift < 32 && (c1 >> shift) != 0) ++shift;
    const std::size_t need = std::max<std::size_t>(rows_, std::size_t{c0} + 1);
    if (shift >= 32 || (need << shift) > kMaxCells) {
      for (std::size_t r = 0; r < rows_; ++r) {
        for (std::size_t c = 0; c < (std::size_t{1} << shift_); ++c) {
          const std::uint32_t slot = cells_[Cell(r, c)];
          if (slot != kNone) map_.emplace((std::uint64_t{r} << 32) | c, slot);
        }
      }
      cells_ = {};
      rows_ = 0;  // Cached() finds nothing from now on
      hashed_ = true;
      return false;
    }
    // Rows come one code at a time: grow by half to keep appends amortised.
    const std::size_t rows =
        need == rows_
            ? rows_
            : std::min(std::max(need, rows_ + rows_ / 2), kMaxCells >> shift);
    if (shift == shift_) {
      cells_.resize(rows << shift, kNone);
    } else {
      std::vector<std::uint32_t> cells(rows << shift, kNone);
      for (std::size_t r = 0; r < rows_; ++r) {
        for (std::size_t c = 0; c < (std::size_t{1} << shift_); ++c) {
          cells[(r << shift) | c] = cells_[Cell(r, c)];
        }
      }
      cells_.swap(cells);
    }
    rows_ = rows;
    shift_ = shift;
    return true;
  }

  std::vector<std::uint32_t> cells_;
  std::size_t rows_ = 0;
  int shift_ = 0;  // 1 << shift_ cells a row
  bool hashed_ = false;
  absl::flat_hash_map<std::uint64_t, std::uint32_t> map_;
};

absl::Status CheckQuery(const AggregateQuery& query) {
  if (query.group_by.empty() || query.group_by.size() > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("group_by: must name one or two dimensions, got ",
                     query.group_by.size()));
  }
  for (std::size_t i = 0; i < query.group_by.size(); ++i) {
    const int g = static_cast<int>(query.group_by[i]);
    if (g == 0 || g > kMaxGroupBy) {
      return absl::InvalidArgumentError(
          absl::StrCat("group_by[", i, "]: unknown dimension ", g));
    }
  }
  if (query.group_by.size() == 2 && query.group_by[0] == query.group_by[1]) {
    return absl::InvalidArgumentError(
        absl::StrCat("group_by[1]: dimension ",
                     static_cast<int>(query.group_by[1]), " is repeated"));
  }
  if (query.top_n < 0 || query.top_n > kMaxTopN) {
    return absl::InvalidArgumentError(
        absl::StrCat("top_n: must be in 0..", kMaxTopN, ", got ", query.top_n));
  }
  return absl::OkStatus();
}

void AddUnique(std::vector<std::uint32_t>& codes, std::uint32_t c) {
  if (std::find(codes.begin(), codes.end(), c) == codes.end()) {
    codes.push_back(c);
  }
}

}  // namespace

absl::StatusOr<AggregateResult> EventStore::AggregateEvents(
    const AggregateQuery& query) const {
  if (absl::Status s = CheckQuery(query); !s.ok()) return s;
  const std::size_t dims = query.group_by.size();

  absl::ReaderMutexLock lock(&mu_);
  const CompiledFilter f = Compile(query.filter);
  const internal::EventTable& t = events_;
  const std::uint32_t n = static_cast<std::uint32_t>(t.size());

  // The matches come in ascending chunks, small enough for the per-chunk
  // arrays below to stay in cache. A filter on type, modality and time only
  // (the default filter is one) is checked here on the columns when
  // MatchingIndexes would scan them too: the same test, without a call and
  // a branch per event.
  constexpr std::uint32_t kScanChunk = 1 << 10;  // indexes examined
  constexpr std::size_t kChunk = 1 << 15;        // matches
  const bool simple = !f.never && !f.modes && !f.any_entities && !f.actors &&
                      !f.recipients && !f.named && !f.countries &&
                      !f.place_keys && !f.articles && !f.sources;
  bool scan = false;
  if (simple) {
    // As MatchingIndexes decides: scan unless some field's postings cover
    // less than a quarter of the table.
    auto candidates = [](std::uint32_t mask, const auto& by) {
      std::size_t size = 0;
      for (std::size_t i = 0; i < by.size(); ++i) {
        if (mask & (1u << i)) size += by[i].size();
      }
      return size;
    };
    std::size_t best = candidates(f.modality_mask, by_modality_);
    if (f.type_mask != 0)
      best = std::min(best, candidates(f.type_mask, by_type_));
    scan = best >= n / 4;
  }
  // The matches of [from, to) into `out`. Runs on several threads at once
  // for a large store (below), each on its own range and Partial, all under
  // this call's shared hold of mu_ (which the analysis cannot see across
  // threads).
  auto scan_range = [&](std::uint32_t from, std::uint32_t to,
                        Partial& out) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    std::vector<std::uint32_t> chunk;
    std::uint32_t next = from;  // the first index not examined yet
    auto next_chunk = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      if (!scan) {
        std::uint32_t scanned_to = to;
        chunk = MatchingIndexes(f, next, to, kChunk, &scanned_to);
        next = scanned_to;
        return;
      }
      // Matches() for a filter without sets.
      const std::uint32_t end = to - next > kScanChunk ? next + kScanChunk : to;
      const std::uint32_t type_mask = f.type_mask != 0 ? f.type_mask : ~0u;
      auto kind_ok = [&](std::uint32_t idx) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return ((type_mask >> static_cast<int>(t.type(idx))) &
                (f.modality_mask >> static_cast<int>(t.modality(idx))) & 1) != 0;
      };
      chunk.resize(end - next);
      std::size_t m = 0;
      if (f.has_time) {
        for (std::uint32_t idx = next; idx < end; ++idx) {
          chunk[m] = idx;
          m += kind_ok(idx) && t.has_time(idx) && t.lo(idx) < f.hi &&
               f.lo < t.hi(idx);
        }
      } else {
        for (std::uint32_t idx = next; idx < end; ++idx) {
          chunk[m] = idx;
          m += kind_ok(idx);
        }
      }
      chunk.resize(m);
      next = end;
    };
    // Counting events, not mentions: each event through its first stored
    // matching mention (IsLead). The matches come in ascending index order
    // and an event's members are ascending, so its first match met here is
    // that mention: one bit per event says whether it was met already.
    std::vector<std::uint64_t> met;
    if (!query.count_mentions && group_mentions_) met.assign(identity_.group_count() / 64 + 1, 0);
    auto next_chunk_of_events = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      next_chunk();
      if (query.count_mentions || !group_mentions_) return;
      std::erase_if(chunk, [&](std::uint32_t idx) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        if (identity_.IsAlone(idx)) return false;
        const std::uint32_t g = identity_.GroupOf(idx);
        const std::uint64_t bit = std::uint64_t{1} << (g % 64);
        if ((met[g / 64] & bit) != 0) return true;
        met[g / 64] |= bit;
        // Members before the range are another scan's: if one of them
        // matches, it leads instead (none in [from, idx) does, or its bit
        // would be set).
        const internal::GroupRec& group = identity_.group(g);
        return group.first < from && LeadByScan(f, identity_.Members(group), idx) < from;
      });
    };

    // Keys of the chunk's events for a single-valued dimension, a loop per
    // dimension so that each loop is tight. kNone stands for "no value" (it
    // is also the key of an event without a place or a source).
    auto fill_keys =
        [&](Dim& d,
            std::vector<std::uint32_t>& keys) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
          keys.resize(chunk.size());
          auto each = [&](auto key_of) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
            for (std::size_t i = 0; i < chunk.size(); ++i)
              keys[i] = key_of(chunk[i]);
          };
          switch (d.g) {
            case GroupBy::kType:
              each([&](std::uint32_t idx) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
                return static_cast<std::uint32_t>(t.type(idx));
              });
              break;
            case GroupBy::kModality:
              each([&](std::uint32_t idx) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
                return static_cast<std::uint32_t>(t.modality(idx));
              });
              break;
            case GroupBy::kMode:
              each([&](std::uint32_t idx)
                       ABSL_SHARED_LOCKS_REQUIRED(mu_) { return t.mode(idx); });
              break;
            case GroupBy::kSource:
              each([&](std::uint32_t idx)
                       ABSL_SHARED_LOCKS_REQUIRED(mu_) { return t.source(idx); });
              break;
            case GroupBy::kCountry:
            case GroupBy::kAdmin1:
            case GroupBy::kPlace:
              each([&](std::uint32_t idx)
                       ABSL_SHARED_LOCKS_REQUIRED(mu_) { return t.place(idx); });
              break;
            case GroupBy::kDay:
            case GroupBy::kWeek:
            case GroupBy::kMonth:
              each([&](std::uint32_t idx) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
                if (!t.has_time(idx)) return kNone;
                return static_cast<std::uint32_t>(d.time.Of(t.time_key(idx)) +
                                                  kDayKeyBias);
              });
              break;
            default:
              std::fill(keys.begin(), keys.end(), kNone);
              break;
          }
        };
    // The value a key stands for (entity keys are entity indexes).
    auto value_of = [&](GroupBy g, std::uint32_t key)
                        ABSL_SHARED_LOCKS_REQUIRED(mu_) -> Value {
      switch (g) {
        case GroupBy::kType:
        case GroupBy::kModality:
          return key;
        case GroupBy::kMode:
          return key != 0 ? key : kNoValue;
        case GroupBy::kCountry:
          if (key == kNone || places_[key].country.empty()) return kNoValue;
          return places_[key].country_code;
        case GroupBy::kAdmin1: {
          if (key == kNone || places_[key].admin1_id.empty()) return kNoValue;
          const internal::PlaceRec& p = places_[key];
          // The admin1 id's pool id: keys[0] when the place is the region.
          return p.admin1_id == p.id ? p.keys[0] : p.keys[1];
        }
        case GroupBy::kDay:
        case GroupBy::kWeek:
        case GroupBy::kMonth:
          if (key == kNone) return kNoValue;
          return static_cast<Value>(static_cast<std::int64_t>(key) - kDayKeyBias +
                                    kDayBias);
        default:  // source, place, actor, recipient: an index
          return key != kNone ? key : kNoValue;
      }
    };
    // Admin1 labels: the region name of the first place seen with that id.
    auto& admin1_place = out.admin1_place;
    auto code_of = [&](Dim& d, std::uint32_t key)
                       ABSL_SHARED_LOCKS_REQUIRED(mu_) {
                         std::uint32_t code;
                         if (d.keys.Find(key, &code)) return code;
                         // A key's first sight is the first match with its value,
                         // if the value is new: where the label's place must come
                         // from.
                         const Value v = value_of(d.g, key);
                         if (d.g == GroupBy::kAdmin1 && v != kNoValue)
                           admin1_place.try_emplace(v, key);
                         code = d.CodeOf(v);
                         d.keys.Insert(key, code);
                         return code;
                       };

    std::array<Dim, 2> dim = {
        Dim(query.group_by[0]),
        Dim(dims == 2 ? query.group_by[1] : GroupBy::kUnspecified)};
    if (dims == 1) dim[1].CodeOf(kNoValue);  // code 0 for every event

    // Buckets are numbered in order of first appearance, as in a plain loop
    // over the matches, so that the sort below sees them in the same order.
    auto& bucket_values = out.bucket_values;
    auto& counts = out.counts;
    // Figure sums by bucket and kind, made on the first figure of the kind
    // in the bucket: buckets see few kinds, and a full array each would push
    // them out of cache.
    auto& figure_at = out.figure_at;  // bucket * kFigureKinds + kind
    auto& figure_accs = out.figure_accs;
    PairSlots slots;
    auto bucket = [&](std::uint32_t c0,
                      std::uint32_t c1) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      std::uint32_t& slot = slots.At(c0, c1);
      if (slot == kNone) {
        slot = static_cast<std::uint32_t>(counts.size());
        bucket_values.push_back({dim[0].values[c0], dim[1].values[c1]});
        counts.emplace_back();
        figure_at.resize(figure_at.size() + kFigureKinds, kNone);
      }
      return slot;
    };
    auto count = [&](std::uint32_t idx, std::uint32_t slot)
                     ABSL_SHARED_LOCKS_REQUIRED(mu_) {
                       Counts& c = counts[slot];
                       ++c.events;
                       // Articles are index ranges: a bucket meets each one in
                       // one run.
                       const std::uint32_t article = t.article(idx);
                       c.articles += c.last_article != article;
                       c.last_article = article;
                     };
    // Adds the figures of mention idx whose kinds are not in `skip`; returns
    // the kinds it added.
    auto add_mention_figures = [&](std::uint32_t idx, std::uint32_t slot,
                                   std::uint32_t skip) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      std::uint32_t added = 0;
      const std::uint32_t figures_end = t.figures_end(idx);
      for (std::uint32_t j = t.figures_begin(idx); j < figures_end; ++j) {
        const internal::FigureNumbers& fr = t.figure(j);
        const std::uint32_t bit = 1u << static_cast<int>(fr.kind);
        if (skip & bit) continue;
        added |= bit;
        std::uint32_t& at =
            figure_at[slot * kFigureKinds + static_cast<std::size_t>(fr.kind)];
        if (at == kNone) {
          at = static_cast<std::uint32_t>(figure_accs.size());
          figure_accs.emplace_back();
        }
        AddFigure(figure_accs[at], fr);
      }
      return added;
    };
    // Counting events, an event's figures are, kind by kind, those of its
    // first matching mention that has figures of the kind: forty reports of
    // one attack do not add up forty times, and a report that adds the
    // injured to another's killed still counts.
    const bool per_event = !query.count_mentions && group_mentions_;
    auto grouped = [&](std::uint32_t idx) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return per_event && !identity_.IsAlone(idx);
    };
    auto may_have_figures = [&](std::uint32_t idx) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return t.figures_begin(idx) != t.figures_end(idx) ||
             (grouped(idx) && identity_.group(identity_.GroupOf(idx)).figure_kinds != 0);
    };
    auto add_figures = [&](std::uint32_t idx,
                           std::uint32_t slot) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      if (!grouped(idx)) {
        add_mention_figures(idx, slot, 0);
        return;
      }
      // idx is the event's first matching mention: later members only,
      // until every kind of figure the event's reports give is taken.
      std::uint32_t seen = add_mention_figures(idx, slot, 0);
      const internal::GroupRec& group = identity_.group(identity_.GroupOf(idx));
      const internal::IndexList& members = identity_.Members(group);
      for (auto it = std::upper_bound(members.begin(), members.end(), idx);
           it != members.end() && (seen & group.figure_kinds) != group.figure_kinds; ++it) {
        const std::uint32_t m = *it;
        if (t.figures_begin(m) == t.figures_end(m) || !Matches(f, m)) continue;
        seen |= add_mention_figures(m, slot, seen);
      }
    };

    std::int64_t& total = out.total;
    if (SingleValued(dim[0].g) && SingleValued(dim[1].g)) {
      // One bucket per event. A pass over the chunk per step keeps each loop
      // small and its branches predictable.
      std::array<std::vector<std::uint32_t>, 2> codes;  // keys, then codes
      std::vector<std::uint32_t> with_figures;          // chunk positions
      while (next < to) {
        next_chunk_of_events();
        const std::size_t m = chunk.size();
        total += static_cast<std::int64_t>(m);
        for (std::size_t d = 0; d < dims; ++d) {
          std::vector<std::uint32_t>& c = codes[d];
          fill_keys(dim[d], c);
          for (std::size_t i = 0; i < m; ++i) {
            if (!dim[d].keys.Cached(c[i], &c[i])) c[i] = code_of(dim[d], c[i]);
          }
        }
        if (dims == 1) codes[1].assign(m, 0);
        std::vector<std::uint32_t>& slot = codes[0];
        for (std::size_t i = 0; i < m; ++i) {
          const std::uint32_t c0 = codes[0][i];
          const std::uint32_t c1 = codes[1][i];
          slot[i] = slots.Cached(c0, c1);
          if (slot[i] == kNone) slot[i] = bucket(c0, c1);
        }
        with_figures.resize(m);
        std::size_t k = 0;
        for (std::size_t i = 0; i < m; ++i) {
          const std::uint32_t idx = chunk[i];
          count(idx, slot[i]);
          with_figures[k] = static_cast<std::uint32_t>(i);
          k += may_have_figures(idx);
        }
        for (std::size_t j = 0; j < k; ++j) {
          add_figures(chunk[with_figures[j]], slot[with_figures[j]]);
        }
      }
    } else {
      // An event counts once in each bucket of its distinct (value, value)
      // pairs, in participant order; no participant is the "no value" bucket.
      std::array<std::vector<std::uint32_t>, 2> keys;
      auto codes_of =
          [&](std::size_t i, std::size_t d,
              std::vector<std::uint32_t>& out) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
            out.clear();
            if (SingleValued(dim[d].g)) {
              out.push_back(code_of(dim[d], keys[d][i]));
              return;
            }
            const std::uint32_t idx = chunk[i];
            const std::uint32_t begin = t.mentions_begin(idx);
            const std::uint32_t actors_end = begin + t.n_actors(idx);
            const bool actors = dim[d].g == GroupBy::kActor;
            const std::uint32_t to = actors ? actors_end : t.mentions_end(idx);
            for (std::uint32_t j = actors ? begin : actors_end; j < to; ++j) {
              AddUnique(out, code_of(dim[d], t.mention_entity(j)));
            }
            if (out.empty()) out.push_back(code_of(dim[d], kNone));
          };
      std::array<std::vector<std::uint32_t>, 2> codes;
      while (next < to) {
        next_chunk_of_events();
        total += static_cast<std::int64_t>(chunk.size());
        for (std::size_t d = 0; d < 2; ++d) {
          // The second dimension of a one-dimension query has kNone keys:
          // code 0, the "no value".
          if (SingleValued(dim[d].g)) fill_keys(dim[d], keys[d]);
        }
        for (std::size_t i = 0; i < chunk.size(); ++i) {
          const std::uint32_t idx = chunk[i];
          codes_of(i, 0, codes[0]);
          codes_of(i, 1, codes[1]);
          const bool has_figures = may_have_figures(idx);
          for (std::uint32_t c0 : codes[0]) {
            for (std::uint32_t c1 : codes[1]) {
              const std::uint32_t slot = bucket(c0, c1);
              count(idx, slot);
              if (has_figures) add_figures(idx, slot);
            }
          }
        }
      }
    }
  };

  // Ranges start at article boundaries (an article's events are one index
  // range), so each article is counted in one range only.
  std::vector<std::uint32_t> cuts = {0};
  const std::size_t ranges =
      std::clamp<std::size_t>(n / aggregate_min_range_, 1, aggregate_threads_);
  for (std::size_t r = 1; r < ranges; ++r) {
    const auto target = static_cast<std::uint32_t>(n / ranges * r);
    auto it = std::lower_bound(articles_.begin(), articles_.end(), target,
                               [](const internal::ArticleRec& a, std::uint32_t i) {
                                 return a.first_event < i;
                               });
    if (it != articles_.end() && it->first_event > cuts.back()) cuts.push_back(it->first_event);
  }
  cuts.push_back(n);
  std::vector<Partial> parts(cuts.size() - 1);
  std::vector<std::thread> threads;
  for (std::size_t r = 1; r < parts.size(); ++r) {
    try {
      threads.emplace_back([&, r] { scan_range(cuts[r], cuts[r + 1], parts[r]); });
    } catch (const std::system_error&) {  // no thread to be had: scan it here
      scan_range(cuts[r], cuts[r + 1], parts[r]);
    }
  }
  scan_range(cuts[0], cuts[1], parts[0]);
  for (std::thread& th : threads) th.join();
  for (std::size_t r = 1; r < parts.size(); ++r) parts[0].Merge(parts[r]);
  const auto& admin1_place = parts[0].admin1_place;
  const auto& bucket_values = parts[0].bucket_values;
  const auto& counts = parts[0].counts;
  const auto& figure_at = parts[0].figure_at;
  const auto& figure_accs = parts[0].figure_accs;
  const std::int64_t total = parts[0].total;


  auto key_and_label = [&](GroupBy g, Value v) ABSL_SHARED_LOCKS_REQUIRED(
                           mu_) -> std::pair<std::string, std::string> {
    if (v == kNoValue) return {"", ""};
    switch (g) {
      case GroupBy::kType: {
        std::string s(EventTypeName(static_cast<EventType>(v)));
        return {s, s};
      }
      case GroupBy::kModality: {
        std::string s(ModalityName(static_cast<Modality>(v)));
        return {s, s};
      }
      case GroupBy::kMode:
      case GroupBy::kCountry: {
        std::string s(pool_.Get(static_cast<std::uint32_t>(v)));
        return {s, s};
      }
      case GroupBy::kActor:
      case GroupBy::kRecipient:
      case GroupBy::kSource: {
        const internal::EntityRec& e = entities_[v];
        return {e.id, e.name};
      }
      case GroupBy::kAdmin1: {
        std::string id(pool_.Get(static_cast<std::uint32_t>(v)));
        auto it = admin1_place.find(v);
        std::string label =
            it == admin1_place.end() ? id : places_[it->second].admin1;
        return {std::move(id), std::move(label)};
      }
      case GroupBy::kPlace: {
        const internal::PlaceRec& p = places_[v];
        return {p.id, p.name};
      }
      default: {
        std::string s = DayKey(static_cast<std::int64_t>(v) - kDayBias);
        return {s, s};
      }
    }
  };

  AggregateResult result;
  result.total_events = total;
  result.buckets.reserve(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    Bucket& b = result.buckets.emplace_back();
    for (std::size_t d = 0; d < dims; ++d) {
      auto [key, label] = key_and_label(query.group_by[d], bucket_values[i][d]);
      b.keys.push_back(std::move(key));
      b.labels.push_back(std::move(label));
    }
    b.event_count = counts[i].events;
    b.article_count = counts[i].articles;
    for (std::size_t k = 0; k < kFigureKinds; ++k) {
      const std::uint32_t at = figure_at[i * kFigureKinds + k];
      if (at == kNone) continue;
      const FigureAcc& fa = figure_accs[at];
      b.figures.push_back(FigureStats{static_cast<FigureKind>(k), fa.count,
                                      fa.sum_low, fa.sum_high, fa.min_low,
                                      fa.max_high});
    }
  }
  auto by_count = [](const Bucket& a, const Bucket& b) {
    if (a.event_count != b.event_count) return a.event_count > b.event_count;
    return a.keys < b.keys;
  };
  std::sort(result.buckets.begin(), result.buckets.end(), by_count);
  if (query.top_n > 0 &&
      result.buckets.size() > static_cast<std::size_t>(query.top_n)) {
    result.buckets.resize(static_cast<std::size_t>(query.top_n));
  }
  if (dims == 1 && IsTime(query.group_by[0])) {
    std::sort(result.buckets.begin(), result.buckets.end(),
              [](const Bucket& a, const Bucket& b) { return a.keys < b.keys; });
  }
  return result;
}

}  // namespace newsevents::query::store
