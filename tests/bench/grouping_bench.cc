// Insert throughput of the cross-article grouper (query/identity) at 1M
// mentions: synthetic happenings with Zipf-distributed actors, recipients and
// places, spread over two years, about three mentions per happening, arriving
// in publication order with some jitter. Target: > 100k mentions/s on one core.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "query/identity/grouping.h"

namespace newsevents::query::identity {
namespace {

constexpr std::int64_t kDay = 24LL * 3600 * 1000000;
constexpr std::int64_t kT0 = 1704067200LL * 1000000;  // 2024-01-01

class Zipf {
 public:
  Zipf(int n, double s) : cdf_(n) {
    double sum = 0;
    for (int i = 0; i < n; ++i) cdf_[i] = sum += 1.0 / std::pow(i + 1, s);
    for (double& c : cdf_) c /= sum;
  }
  int operator()(std::mt19937_64& rng) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<int>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

std::vector<Mention> Generate(int n) {
  std::mt19937_64 rng(20240601);
  const Zipf actors(20000, 1.05), places(5000, 1.0);
  std::vector<Mention> out;
  out.reserve(n);
  int happening = 0;
  while (static_cast<int>(out.size()) < n) {
    ++happening;
    const int type = 1 + static_cast<int>(rng() % 17);
    const std::string actor = absl::StrCat("ent:", actors(rng));
    const std::string recipient = absl::StrCat("ent:", actors(rng));
    const int place = places(rng);
    const std::int64_t day = static_cast<std::int64_t>(rng() % 730);
    const int reports = 1 + static_cast<int>(rng() % 5);  // 3 on average
    for (int r = 0; r < reports && static_cast<int>(out.size()) < n; ++r) {
      Mention m;
      m.mention_id = absl::StrCat("m", happening, "_", r);
      m.article_id = absl::StrCat("art", happening, "_", r);
      m.outlet = absl::StrCat("outlet", rng() % 400, ".com");
      m.event_type = type;
      m.modality = ModalityClass::kFactual;
      m.actors = {actor};
      if (rng() % 4 != 0) m.recipients = {recipient};
      if (rng() % 5 != 0) {
        m.place.id = absl::StrCat("gn:", place);
        m.place.level = PlaceLevel::kLocal;
        m.place.admin1_id = absl::StrCat("adm:", place / 20);
        m.place.country = absl::StrCat("C", place / 200);
        m.place.has_coordinates = true;
        m.place.latitude = -60 + (place * 7919 % 12000) / 100.0;
        m.place.longitude = -170 + (place * 104729 % 34000) / 100.0;
      }
      if (rng() % 10 == 0) {  // month precision
        m.when.start_micros = kT0 + (day - day % 30) * kDay;
        m.when.end_micros = *m.when.start_micros + 30 * kDay;
        m.when.granularity = Granularity::kMonth;
      } else {
        m.when.start_micros = kT0 + day * kDay;
        m.when.granularity = Granularity::kDay;
      }
      m.fingerprint = rng();
      m.seen_micros = kT0 + (day + static_cast<std::int64_t>(rng() % 3)) * kDay;
      out.push_back(std::move(m));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Mention& a, const Mention& b) {
    return a.seen_micros < b.seen_micros;
  });
  return out;
}

void BM_Insert(benchmark::State& state) {
  const std::vector<Mention> mentions = Generate(static_cast<int>(state.range(0)));
  std::size_t events = 0, largest = 0;
  std::uint64_t postings_read = 0;
  for (auto _ : state) {
    EventGrouper g;
    for (const Mention& m : mentions) benchmark::DoNotOptimize(g.Add(m));
    state.PauseTiming();
    events = g.event_count();
    postings_read = g.PostingsRead();
    for (const std::string& id : g.EventIds()) largest = std::max(largest, g.MentionsOf(id).size());
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(mentions.size()));
  state.counters["mentions/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(mentions.size()),
      benchmark::Counter::kIsRate);
  state.counters["events"] = static_cast<double>(events);
  state.counters["largest_event"] = static_cast<double>(largest);
  state.counters["postings_read_per_mention"] =
      static_cast<double>(postings_read) / static_cast<double>(mentions.size());
}
BENCHMARK(BM_Insert)->Arg(100000)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace newsevents::query::identity

BENCHMARK_MAIN();
