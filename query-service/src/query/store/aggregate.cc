// AggregateEvents: group the matching events by one or two dimensions and
// count events, distinct articles and figures per bucket.
#include <algorithm>
#include <array>
#include <limits>
#include <utility>

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

bool IsTime(GroupBy g) {
  return g == GroupBy::kDay || g == GroupBy::kWeek || g == GroupBy::kMonth;
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// The first day of the bucket holding `micros`, as days since the epoch.
std::int64_t BucketDay(std::int64_t micros, GroupBy g) {
  const std::int64_t day = FloorDiv(micros, std::int64_t{86400} * 1000000);
  switch (g) {
    case GroupBy::kWeek:  // 1970-01-01 was a Thursday: Monday = 0
      return day - (((day + 3) % 7) + 7) % 7;
    case GroupBy::kMonth: {
      const absl::CivilDay d = absl::CivilDay(1970, 1, 1) + day;
      return absl::CivilDay(absl::CivilMonth(d)) - absl::CivilDay(1970, 1, 1);
    }
    default:
      return day;
  }
}

std::string DayKey(std::int64_t day) {
  const absl::CivilDay d = absl::CivilDay(1970, 1, 1) + day;
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

struct FigureAcc {
  std::int32_t count = 0;
  std::int64_t sum_low = 0;
  std::int64_t sum_high = 0;
  std::int64_t min_low = 0;
  std::int64_t max_high = 0;
};

struct Acc {
  std::array<Value, 2> values = {kNoValue, kNoValue};
  std::int64_t events = 0;
  std::int64_t articles = 0;
  std::uint32_t last_article = kNone;
  std::array<FigureAcc, kMaxFigureKind + 1> figures;
};

struct PairHash {
  std::size_t operator()(const std::pair<Value, Value>& p) const {
    return absl::HashOf(p.first, p.second);
  }
};

absl::Status CheckQuery(const AggregateQuery& query) {
  if (query.group_by.empty() || query.group_by.size() > 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "group_by: must name one or two dimensions, got ", query.group_by.size()));
  }
  for (std::size_t i = 0; i < query.group_by.size(); ++i) {
    const int g = static_cast<int>(query.group_by[i]);
    if (g == 0 || g > kMaxGroupBy) {
      return absl::InvalidArgumentError(
          absl::StrCat("group_by[", i, "]: unknown dimension ", g));
    }
  }
  if (query.group_by.size() == 2 && query.group_by[0] == query.group_by[1]) {
    return absl::InvalidArgumentError(absl::StrCat(
        "group_by[1]: dimension ", static_cast<int>(query.group_by[1]),
        " is repeated"));
  }
  if (query.top_n < 0 || query.top_n > kMaxTopN) {
    return absl::InvalidArgumentError(absl::StrCat(
        "top_n: must be in 0..", kMaxTopN, ", got ", query.top_n));
  }
  return absl::OkStatus();
}

void AddUnique(std::vector<Value>& values, Value v) {
  if (std::find(values.begin(), values.end(), v) == values.end()) {
    values.push_back(v);
  }
}

}  // namespace

absl::StatusOr<AggregateResult> EventStore::AggregateEvents(
    const AggregateQuery& query) const {
  if (absl::Status s = CheckQuery(query); !s.ok()) return s;
  const std::size_t dims = query.group_by.size();

  absl::ReaderMutexLock lock(&mu_);
  const CompiledFilter f = Compile(query.filter);
  std::uint32_t scanned_to = 0;
  const std::vector<std::uint32_t> matches =
      MatchingIndexes(f, 0, static_cast<std::uint32_t>(events_.size()),
                      std::numeric_limits<std::size_t>::max(), &scanned_to);

  // The values of one event for one dimension (several for entities).
  const internal::EventTable& t = events_;
  // The values of one event for one dimension (several for entities).
  auto values_of = [&](std::uint32_t idx, GroupBy g,
                       std::vector<Value>& out) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    out.clear();
    const std::uint32_t place = t.place(idx);
    switch (g) {
      case GroupBy::kType:
        out.push_back(static_cast<Value>(t.type(idx)));
        break;
      case GroupBy::kModality:
        out.push_back(static_cast<Value>(t.modality(idx)));
        break;
      case GroupBy::kMode:
        if (t.mode(idx) != 0) out.push_back(t.mode(idx));
        break;
      case GroupBy::kActor: {
        const std::uint32_t begin = t.mentions_begin(idx);
        for (std::uint32_t j = begin; j < begin + t.n_actors(idx); ++j) {
          AddUnique(out, t.mention_entity(j));
        }
        break;
      }
      case GroupBy::kRecipient: {
        const std::uint32_t end = t.mentions_end(idx);
        for (std::uint32_t j = t.mentions_begin(idx) + t.n_actors(idx); j < end; ++j) {
          AddUnique(out, t.mention_entity(j));
        }
        break;
      }
      case GroupBy::kSource:
        if (t.source(idx) != kNone) out.push_back(t.source(idx));
        break;
      case GroupBy::kCountry:
        if (place != kNone && !places_[place].country.empty()) {
          out.push_back(places_[place].country_code);
        }
        break;
      case GroupBy::kAdmin1:
        if (place != kNone && !places_[place].admin1_id.empty()) {
          const internal::PlaceRec& p = places_[place];
          // The admin1 id's pool id: keys[0] when the place is the region.
          out.push_back(p.admin1_id == p.id ? p.keys[0] : p.keys[1]);
        }
        break;
      case GroupBy::kPlace:
        if (place != kNone) out.push_back(place);
        break;
      case GroupBy::kDay:
      case GroupBy::kWeek:
      case GroupBy::kMonth:
        if (t.has_time(idx)) {
          out.push_back(static_cast<Value>(BucketDay(t.time_key(idx), g) + kDayBias));
        }
        break;
      default:
        break;
    }
    if (out.empty()) out.push_back(kNoValue);
  };

  std::vector<Acc> accs;
  absl::flat_hash_map<std::pair<Value, Value>, std::uint32_t, PairHash> index;
  // Admin1 labels: the region name of the first place seen with that id.
  absl::flat_hash_map<Value, std::uint32_t> admin1_place;
  std::vector<Value> v0, v1;
  const std::vector<Value> none = {kNoValue};
  for (std::uint32_t idx : matches) {
    values_of(idx, query.group_by[0], v0);
    if (dims == 2) values_of(idx, query.group_by[1], v1);
    for (std::size_t d = 0; d < dims; ++d) {
      if (query.group_by[d] == GroupBy::kAdmin1) {
        const Value v = (d == 0 ? v0 : v1)[0];
        if (v != kNoValue) admin1_place.try_emplace(v, t.place(idx));
      }
    }
    const std::uint32_t article = t.article(idx);
    const std::uint32_t figures_begin = t.figures_begin(idx);
    const std::uint32_t figures_end = t.figures_end(idx);
    const std::vector<Value>& second = dims == 2 ? v1 : none;
    for (Value a : v0) {
      for (Value b : second) {
        auto [it, inserted] = index.try_emplace(
            std::make_pair(a, b), static_cast<std::uint32_t>(accs.size()));
        if (inserted) accs.emplace_back().values = {a, b};
        Acc& acc = accs[it->second];
        ++acc.events;
        if (acc.last_article != article) {  // articles are index ranges
          acc.last_article = article;
          ++acc.articles;
        }
        for (std::uint32_t j = figures_begin; j < figures_end; ++j) {
          const internal::FigureNumbers& fr = t.figure(j);
          FigureAcc& fa = acc.figures[static_cast<int>(fr.kind)];
          const std::int64_t high = fr.has_high ? fr.high : fr.low;
          if (fa.count == 0) {
            fa.min_low = fr.low;
            fa.max_high = high;
          } else {
            fa.min_low = std::min(fa.min_low, fr.low);
            fa.max_high = std::max(fa.max_high, high);
          }
          ++fa.count;
          fa.sum_low += fr.low;
          fa.sum_high += high;
        }
      }
    }
  }

  auto key_and_label = [&](GroupBy g, Value v) ABSL_SHARED_LOCKS_REQUIRED(mu_)
      -> std::pair<std::string, std::string> {
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
  result.total_events = static_cast<std::int64_t>(matches.size());
  result.buckets.reserve(accs.size());
  for (const Acc& acc : accs) {
    Bucket& b = result.buckets.emplace_back();
    for (std::size_t d = 0; d < dims; ++d) {
      auto [key, label] = key_and_label(query.group_by[d], acc.values[d]);
      b.keys.push_back(std::move(key));
      b.labels.push_back(std::move(label));
    }
    b.event_count = acc.events;
    b.article_count = acc.articles;
    for (int k = 0; k <= kMaxFigureKind; ++k) {
      const FigureAcc& fa = acc.figures[k];
      if (fa.count == 0) continue;
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
