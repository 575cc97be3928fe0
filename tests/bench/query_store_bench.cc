// Benchmarks of the query store on synthetic but realistically shaped data:
// Zipf-distributed actors and places, a skewed mix of types and modalities,
// articles of 1..16 events over two years, figures on a third of the events,
// evidence sentences and summaries of typical length. Text is shaped like
// the extractor's output on real news (`newsevents-eval --shape` on the
// Giveme5W1H articles): 1.3 events per evidence sentence, sentences of about
// 150 bytes (about 120 bytes of distinct sentence per event), summaries of
// about 60 bytes, and words that compress like news (see TextModel).
//
//   query_store_bench --benchmark_filter=Fill      # insert rate, bytes/event
//   query_store_bench --benchmark_filter='/100000'  # queries at 100k events
//
// Stores are built once per size and shared by the query benchmarks.
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "query/store/clock.h"
#include "query/store/event_store.h"
#include "query/store/text_codec.h"

namespace newsevents::query::store {
namespace {

// Event ids of the ingest service's shape ("ev_" and 16 hex digits of a
// hash), for article number `article` and its event `i`.
std::string BenchEventId(std::int64_t article, int i) {
  std::uint64_t x = static_cast<std::uint64_t>(article) * 64 + static_cast<std::uint64_t>(i);
  x += 0x9e3779b97f4a7c15ull;  // splitmix64
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  x ^= x >> 31;
  return absl::StrFormat("ev_%016x", x);
}

constexpr int kActors = 5000;
constexpr int kCountries = 40;
constexpr int kAdmin1PerCountry = 10;
constexpr int kCitiesPerAdmin1 = 10;
constexpr int kPlaces = kCountries * kAdmin1PerCountry * kCitiesPerAdmin1;

// Resident set size in bytes.
std::int64_t Rss() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * 4096;
}

// Samples ranks 0..n-1 with P(k) ~ 1 / (k+1)^s.
class Zipf {
 public:
  Zipf(int n, double s) : cdf_(static_cast<std::size_t>(n)) {
    double sum = 0;
    for (int k = 0; k < n; ++k) {
      sum += 1.0 / std::pow(k + 1, s);
      cdf_[static_cast<std::size_t>(k)] = sum;
    }
    for (double& c : cdf_) c /= sum;
  }
  int operator()(std::mt19937_64& rng) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<int>(std::lower_bound(cdf_.begin(), cdf_.end(), u) -
                            cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

const char* const kWords[] = {
    "forces",  "officials", "said",     "attack",    "village",  "region",
    "troops",  "reported",  "killed",   "wounded",   "civilians", "near",
    "border",  "ministry",  "statement", "according", "military", "struck",
    "overnight", "drones",  "positions", "claimed",  "local",    "authorities",
    "police",  "protesters", "capital", "government", "talks",   "agreement"};

std::string Sentence(std::mt19937_64& rng, int words) {
  std::string s;
  for (int i = 0; i < words; ++i) {
    if (i > 0) s += ' ';
    s += kWords[rng() % (sizeof(kWords) / sizeof(kWords[0]))];
  }
  s += '.';
  return s;
}

// Text that compresses like news sentences do under the store's codec
// (trained on the first 1,000 sentences, the rest compress 1.76 times here
// against 1.83 times for the Giveme5W1H articles' sentences; see
// BM_TextCodec): words drawn Zipf-wise from a vocabulary of 20,000
// pseudo-words spelt with English letter frequencies, shorter for the
// frequent ones, with some numbers, commas and capitals. Sentences of the
// 30 words above (still used for titles) compress 3.7 times.
class TextModel {
 public:
  TextModel() : zipf_(kVocabulary, 1.05) {
    static const char kLetters[] = "etaoinshrdlcumwfgypbvkjxqz";
    static const double kWeights[] = {12.7, 9.1, 8.2, 7.5, 7.0, 6.7, 6.3, 6.1, 6.0,
                                      4.3,  4.0, 2.8, 2.8, 2.4, 2.4, 2.2, 2.0, 2.0,
                                      1.9,  1.5, 1.0, 0.8, 0.15, 0.15, 0.1, 0.07};
    std::discrete_distribution<int> letter(std::begin(kWeights), std::end(kWeights));
    std::mt19937_64 rng(1789);
    for (int r = 0; r < kVocabulary; ++r) {
      const double mean = 1 + 0.65 * std::log2(r + 2.0);
      const int length = std::clamp(
          static_cast<int>(std::lround(std::normal_distribution<double>(mean, 1.5)(rng))), 1,
          14);
      std::string w;
      for (int i = 0; i < length; ++i) w += kLetters[letter(rng)];
      words_.push_back(std::move(w));
    }
  }
  std::string Sentence(std::mt19937_64& rng, int words) const {
    std::string s;
    for (int i = 0; i < words; ++i) {
      if (i > 0) s += ' ';
      const std::size_t at = s.size();
      if (rng() % 25 == 0) {
        s += std::to_string(rng() % 2000);
      } else {
        s += words_[static_cast<std::size_t>(zipf_(rng))];
      }
      if (i == 0) s[at] = static_cast<char>(s[at] - 'a' + 'A');
      if (rng() % 14 == 0) s += ',';
    }
    s += '.';
    return s;
  }

 private:
  static constexpr int kVocabulary = 20000;
  Zipf zipf_;
  std::vector<std::string> words_;
};

struct Article {
  ArticleInfo info;
  std::vector<Event> events;
};

class Generator {
 public:
  // Articles arrive in publication order over two years, as from a live
  // feed or a chronological back-fill, with `expected_articles` in all; with
  // random_order, on random days instead (an archive loaded in no order).
  Generator(std::int64_t expected_articles, bool random_order)
      : rng_(20241227),
        actors_(kActors, 1.1),
        places_(kPlaces, 1.0),
        expected_articles_(std::max<std::int64_t>(1, expected_articles)),
        random_order_(random_order) {}

  Entity Actor(int rank) {
    Entity e;
    e.id = absl::StrCat("actor:", rank);
    e.name = absl::StrCat("Actor ", rank, " ", kWords[rank % 30]);
    e.kind = static_cast<EntityKind>(1 + rank % 5);
    e.country = Country(rank % kCountries);
    e.sector = rank % 3 == 0 ? "military" : "government";
    e.text = e.name;
    if (rank % 7 == 0) e.aliases = {absl::StrCat("A", rank)};
    return e;
  }
  static std::string Country(int c) {
    return {static_cast<char>('A' + c % 26), static_cast<char>('A' + c / 26), 'X'};
  }
  static Place CityPlace(int rank) {
    const int country = rank % kCountries;
    const int admin1 = (rank / kCountries) % kAdmin1PerCountry;
    Place p;
    p.id = absl::StrCat("gn:", 100000 + rank);
    p.name = absl::StrCat("City ", rank);
    p.kind = PlaceKind::kCity;
    p.country = Country(country);
    p.admin1_id = absl::StrCat("iso:", p.country, "-", admin1);
    p.admin1 = absl::StrCat("Region ", country, "-", admin1);
    p.latitude = -60 + rank % 120;
    p.longitude = -170 + rank % 340;
    p.precision_km = 5;
    p.text = p.name;
    return p;
  }

  Article Next() {
    Article a;
    const std::int64_t serial = serial_++;
    a.info.id = absl::StrCat("art_", serial);
    a.info.title = Sentence(rng_, 9);
    const int day =
        random_order_
            ? static_cast<int>(rng_() % kDays)
            : static_cast<int>(std::min<std::int64_t>(
                  kDays - 1, serial_ * kDays / expected_articles_ +
                                 static_cast<std::int64_t>(rng_() % 2)));
    const absl::CivilDay published = absl::CivilDay(2023, 1, 1) + day;
    a.info.published_at = absl::FromCivil(published, absl::UTCTimeZone());
    a.info.outlet = "outlet";
    a.info.language = "en";
    a.info.body_bytes = 3000;
    const int n = 1 + static_cast<int>(rng_() % 16);
    for (int i = 0; i < n; ++i) {
      a.events.push_back(NextEvent(a.info, published, i));
      a.events.back().id = BenchEventId(serial, i);
    }
    return a;
  }

 private:
  Event NextEvent(const ArticleInfo& article, absl::CivilDay published, int i) {
    Event e;
    static const EventType kTypes[] = {
        EventType::kAssault, EventType::kAssault, EventType::kAssault,
        EventType::kOutcome, EventType::kOutcome, EventType::kConsult,
        EventType::kAccuse,  EventType::kProtest, EventType::kCoerce,
        EventType::kMobilize, EventType::kAgree,  EventType::kRequest,
        EventType::kAid,     EventType::kThreaten, EventType::kSanction,
        EventType::kSupport, EventType::kReject,  EventType::kRetreat};
    e.type = kTypes[rng_() % (sizeof(kTypes) / sizeof(kTypes[0]))];
    static const char* const kModes[] = {"shelling", "armed-clash", "air-drone-strike",
                                         "casualties", "visit", "arrest", "demo", ""};
    e.mode = kModes[rng_() % 8];
    if (e.type != EventType::kOutcome) e.actors.push_back(Actor(actors_(rng_)));
    if (rng_() % 4 == 0) e.actors.push_back(Actor(actors_(rng_)));
    (e.type == EventType::kOutcome ? e.patients : e.recipients)
        .push_back(Actor(actors_(rng_)));
    if (rng_() % 10 < 8) e.place = CityPlace(places_(rng_));
    const int back = static_cast<int>(rng_() % 5);
    const absl::CivilDay when = published - back;
    const int shape = static_cast<int>(rng_() % 10);
    if (shape < 7) {
      e.when.start = absl::FromCivil(when, absl::UTCTimeZone());
      e.when.end = *e.when.start + absl::Hours(24);
      e.when.granularity = Granularity::kDay;
    } else if (shape < 9) {
      e.when.open_start = true;
      e.when.end = absl::FromCivil(published + 1, absl::UTCTimeZone());
      e.when.granularity = Granularity::kDay;
    } else {
      e.when.start = absl::FromCivil(absl::CivilMonth(when), absl::UTCTimeZone());
      e.when.granularity = Granularity::kMonth;
    }
    if (rng_() % 3 == 0) {
      Figure f;
      f.kind = e.type == EventType::kOutcome
                   ? (rng_() % 2 ? FigureKind::kKilled : FigureKind::kInjured)
                   : FigureKind::kPersonnel;
      f.low = static_cast<std::int64_t>(std::exp(std::normal_distribution<double>(2, 1.5)(rng_)));
      if (rng_() % 3) f.high = f.low + static_cast<std::int64_t>(rng_() % 10);
      f.qualifier = f.high ? Qualifier::kExact : Qualifier::kAtLeast;
      f.text = absl::StrCat(f.low, " people");
      e.figures.push_back(std::move(f));
    }
    const int m = static_cast<int>(rng_() % 100);
    e.modality = m < 50   ? Modality::kAsserted
                 : m < 85 ? Modality::kReported
                 : m < 90 ? Modality::kAlleged
                 : m < 95 ? Modality::kEstimated
                 : m < 98 ? Modality::kDenied
                          : Modality::kFuture;
    if (rng_() % 3 == 0) e.according_to = Actor(actors_(rng_));
    // About one event in four shares the previous event's sentence.
    if (i > 0 && rng_() % 100 < 23) {
      e.evidence.sentence = last_sentence_;
    } else {
      e.evidence.sentence = text_.Sentence(rng_, 16 + static_cast<int>(rng_() % 18));
      last_sentence_ = e.evidence.sentence;
    }
    e.evidence.sentence_span = {100, 260};
    e.evidence.trigger = {120, 128};
    e.evidence.arguments = {{"actor", {100, 110}}, {"place", {140, 150}}};
    e.summary = text_.Sentence(rng_, 9);
    e.confidence = 0.7f;
    return e;
  }

  static constexpr int kDays = 730;
  std::mt19937_64 rng_;
  Zipf actors_;
  Zipf places_;
  std::int64_t expected_articles_;
  bool random_order_;
  std::int64_t serial_ = 0;
  std::string last_sentence_;
  TextModel text_;
};

struct Built {
  std::unique_ptr<EventStore> store;
  std::int64_t events = 0;
  double bytes_per_event = 0;
  MemoryUsage usage;
  double seconds = 0;
  // Bytes of evidence sentences (each distinct one of an article once) and
  // summaries as given: the text part of bytes_per_event.
  std::int64_t text_bytes = 0;
};

// Generates articles one at a time (so that the input's memory is recycled)
// and times the appends only. bytes_per_event = RSS growth / events.
Built Build(std::int64_t events, bool random_order = false, bool group = true) {
  Built b;
  Generator gen(events / 8, random_order);  // 8.5 events per article
  // Hands the pages of stores freed by earlier benchmarks back to the
  // kernel, so that their free memory is not counted as this store's
  // savings (without it a 10M store measured after another came to 7 B).
  malloc_trim(0);
  const std::int64_t rss_before = Rss();
  EventStoreOptions options;
  options.group_mentions = group;
  // NEWSEVENTS_BENCH_PLAIN_TEXT=1 stores texts uncompressed, as before the
  // store compressed them.
  if (std::getenv("NEWSEVENTS_BENCH_PLAIN_TEXT") != nullptr) options.text_sample_bytes = 0;
  // NEWSEVENTS_BENCH_AGGREGATE_THREADS=1 aggregates on the calling thread only.
  if (const char* threads = std::getenv("NEWSEVENTS_BENCH_AGGREGATE_THREADS")) {
    options.aggregate_threads = static_cast<std::size_t>(std::max(0, std::atoi(threads)));
  }
  b.store = std::make_unique<EventStore>(options);
  absl::Duration appending;
  std::int64_t n = 0;
  while (n < events) {
    Article a = gen.Next();
    n += static_cast<std::int64_t>(a.events.size());
    for (std::size_t k = 0; k < a.events.size(); ++k) {
      const Event& e = a.events[k];
      b.text_bytes += static_cast<std::int64_t>(e.summary.size());
      bool repeated = false;
      for (std::size_t j = 0; j < k && !repeated; ++j) {
        repeated = a.events[j].evidence.sentence == e.evidence.sentence;
      }
      if (!repeated) b.text_bytes += static_cast<std::int64_t>(e.evidence.sentence.size());
    }
    const absl::Time start = absl::Now();
    auto r = b.store->AppendArticle(std::move(a.info), std::move(a.events), {});
    appending += absl::Now() - start;
    if (!r.ok()) std::abort();
  }
  b.seconds = absl::ToDoubleSeconds(appending);
  b.events = n;
  b.bytes_per_event = static_cast<double>(Rss() - rss_before) / static_cast<double>(n);
  b.usage = b.store->GetMemoryUsage();
  return b;
}

// The store the query cases read: mentions grouped into events (the
// default), or not with NEWSEVENTS_BENCH_NO_GROUPING=1.
EventStore& SharedStore(std::int64_t events, bool random_order = false) {
  static auto* stores = new std::map<std::pair<std::int64_t, bool>, Built>();
  const auto key = std::make_pair(events, random_order);
  auto it = stores->find(key);
  if (it == stores->end()) it = stores->emplace(key, Build(events, random_order, std::getenv("NEWSEVENTS_BENCH_NO_GROUPING") == nullptr)).first;
  return *it->second.store;
}

// Appends with cross-article grouping (the default), or without.
void Fill(benchmark::State& state, bool group) {
  Built b;
  for (auto _ : state) {
    b = Build(state.range(0), false, group);
    state.SetIterationTime(b.seconds);
  }
  state.SetItemsProcessed(b.events * state.iterations());
  state.counters["bytes_per_event"] = b.bytes_per_event;
  const double n = static_cast<double>(b.events);
  state.counters["columns_per_event"] = static_cast<double>(b.usage.event_columns) / n;
  state.counters["postings_per_event"] = static_cast<double>(b.usage.postings) / n;
  state.counters["other_per_event"] = static_cast<double>(b.usage.other) / n;
  state.counters["events"] = static_cast<double>(b.events);
  state.counters["identity_per_event"] = static_cast<double>(b.usage.identity) / n;
  state.counters["grouper_per_event"] = static_cast<double>(b.usage.grouper) / n;
  // Block postings the grouper read per mention (each event is a mention).
  state.counters["postings_read_per_mention"] =
      static_cast<double>(b.store->GrouperPostingsRead()) / n;
  state.counters["text_per_event"] = static_cast<double>(b.text_bytes) / n;
  state.counters["text_stored_per_event"] = static_cast<double>(b.usage.event_text) / n;
  state.counters["mentions_per_event_group"] =
      n / static_cast<double>(std::max<std::int64_t>(1, b.store->GetStats().grouped_events));
}
void BM_Fill(benchmark::State& state) { Fill(state, true); }

// The store's text codec on the generator's sentences, or on a file of
// sentences, one per line (NEWSEVENTS_BENCH_TEXT=FILE): trained as the store
// trains it (on the first 256 KiB), then every later text encoded and
// decoded. ratio = bytes as given / bytes as stored.
void BM_TextCodec(benchmark::State& state) {
  std::vector<std::string> texts;
  if (const char* file = std::getenv("NEWSEVENTS_BENCH_TEXT")) {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) texts.push_back(line);
    }
  } else {
    std::mt19937_64 rng(42);
    TextModel model;
    for (int i = 0; i < 12000; ++i) {
      texts.push_back(model.Sentence(rng, 16 + static_cast<int>(rng() % 18)));
    }
  }
  internal::TextCodec codec;
  std::size_t first = 0;
  while (first < texts.size() && !codec.Sample(texts[first])) ++first;
  if (first == texts.size() || !codec.Train()) {
    state.SkipWithError("not enough text to train the codec");
    return;
  }
  ++first;
  struct Stored {
    std::string bytes;
    bool compressed = false;
  };
  std::vector<Stored> encoded(texts.size() - first);
  std::int64_t raw = 0, stored = 0;
  absl::Duration encoding, decoding;
  for (auto _ : state) {
    raw = stored = 0;
    absl::Time t0 = absl::Now();
    for (std::size_t i = first; i < texts.size(); ++i) {
      Stored& e = encoded[i - first];
      const absl::string_view bytes = codec.Encode(texts[i], &e.compressed);
      e.bytes.assign(bytes.data(), bytes.size());
      raw += static_cast<std::int64_t>(texts[i].size());
      // The bytes and the store's varint of (size << 1 | compressed).
      stored += static_cast<std::int64_t>(e.bytes.size() + (e.bytes.size() < 64 ? 1 : 2));
    }
    absl::Time t1 = absl::Now();
    std::string out;
    for (const Stored& e : encoded) {
      codec.Decode(e.bytes, e.compressed, &out);
      benchmark::DoNotOptimize(out);
    }
    encoding += t1 - t0;
    decoding += absl::Now() - t1;
    state.SetIterationTime(absl::ToDoubleSeconds(absl::Now() - t0));
  }
  const double n = static_cast<double>(encoded.size()) * static_cast<double>(state.iterations());
  state.counters["texts"] = static_cast<double>(encoded.size());
  state.counters["bytes_per_text"] = static_cast<double>(raw) / static_cast<double>(encoded.size());
  state.counters["ratio"] = static_cast<double>(raw) / static_cast<double>(stored);
  state.counters["encode_us"] = absl::ToDoubleMicroseconds(encoding) / n;
  state.counters["decode_us"] = absl::ToDoubleMicroseconds(decoding) / n;
}
BENCHMARK(BM_TextCodec)->UseManualTime()->Unit(benchmark::kMillisecond);
void BM_Fill_NoGrouping(benchmark::State& state) { Fill(state, false); }
void Sizes(benchmark::internal::Benchmark* b);
BENCHMARK(BM_Fill)->Apply(Sizes)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fill_NoGrouping)
    ->Apply(Sizes)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void RunList(benchmark::State& state, const ListEventsQuery& q,
             bool random_order = false) {
  EventStore& store = SharedStore(state.range(0), random_order);
  std::int64_t total = 0;
  for (auto _ : state) {
    auto page = store.ListEvents(q);
    if (!page.ok()) state.SkipWithError("list failed");
    total = page->total_size;
    benchmark::DoNotOptimize(page);
  }
  state.counters["matches"] = static_cast<double>(total);
}

void BM_ListEvents_Actor(benchmark::State& state) {
  ListEventsQuery q;
  q.filter.actor_ids = {"actor:20"};
  RunList(state, q);
}
// The same entity in any role.
void BM_ListEvents_AnyRole(benchmark::State& state) {
  ListEventsQuery q;
  q.filter.entity_ids = {"actor:20"};
  RunList(state, q);
}
// The same query on a store whose articles arrived in random order, where
// the zone maps cannot skip anything.
void BM_ListEvents_Actor_RandomArrival(benchmark::State& state) {
  ListEventsQuery q;
  q.filter.actor_ids = {"actor:20"};
  RunList(state, q, /*random_order=*/true);
}
// Page 5 of the same query, following page tokens.
void BM_ListEvents_Actor_Page5(benchmark::State& state) {
  EventStore& store = SharedStore(state.range(0));
  ListEventsQuery q;
  q.filter.actor_ids = {"actor:20"};
  for (auto _ : state) {
    q.page_token.clear();
    for (int i = 0; i < 5; ++i) {
      auto page = store.ListEvents(q);
      if (!page.ok()) state.SkipWithError("list failed");
      q.page_token = page->next_page_token;
      benchmark::DoNotOptimize(page);
    }
  }
}
// A mix of selective queries, for percentiles: one actor (drawn with the
// actors' own Zipf popularity, so popular actors are asked about most),
// half of them with one event type as well; page 50, newest first.
// Reports p50 and p99 latency over all calls, in microseconds, and the share
// of the queries the query service would answer on its gRPC thread
// (inline_share: read within its default budget of examined candidates).
// `any_role`: the entity in any role (EventFilter::entity_ids) rather than
// as actor.
void SelectiveMix(benchmark::State& state, bool any_role) {
  EventStore& store = SharedStore(state.range(0));
  std::mt19937_64 rng(7);
  const Zipf actors(kActors, 1.1);
  static const EventType kTypes[] = {EventType::kAssault, EventType::kOutcome,
                                     EventType::kConsult, EventType::kProtest};
  std::vector<double> micros;
  constexpr std::size_t kServiceInlineBudget = 4096;  // QueryServiceOptions' default
  std::int64_t inline_reads = 0;
  for (auto _ : state) {
    ListEventsQuery q;
    std::string entity = absl::StrCat("actor:", actors(rng));
    if (any_role) {
      q.filter.entity_ids.push_back(std::move(entity));
    } else {
      q.filter.actor_ids.push_back(std::move(entity));
    }
    if (rng() % 2 == 0) q.filter.types = {kTypes[rng() % 4]};
    const absl::Time start = absl::Now();
    auto page = store.ListEvents(q);
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
    if (!page.ok()) state.SkipWithError("list failed");
    benchmark::DoNotOptimize(page);
    // Whether the query service would answer it on the gRPC thread (its
    // default inline_read_budget), untimed.
    state.PauseTiming();
    auto cut = store.ListEventRevisions(q, kServiceInlineBudget);
    if (cut.ok() && !cut->over_budget) ++inline_reads;
    state.ResumeTiming();
  }
  state.counters["inline_share"] =
      micros.empty() ? 0.0 : static_cast<double>(inline_reads) / static_cast<double>(micros.size());
  std::sort(micros.begin(), micros.end());
  auto at = [&](double p) {
    return micros.empty() ? 0.0
                          : micros[static_cast<std::size_t>(p * static_cast<double>(micros.size() - 1))];
  };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
}
void BM_ListEvents_SelectiveMix(benchmark::State& state) { SelectiveMix(state, false); }
// The same mix with each entity in any role.
void BM_ListEvents_SelectiveMixAnyRole(benchmark::State& state) { SelectiveMix(state, true); }
void BM_ListEvents_ActorAndType(benchmark::State& state) {
  ListEventsQuery q;
  q.filter.actor_ids = {"actor:3"};
  q.filter.types = {EventType::kAssault};
  RunList(state, q);
}
void BM_ListEvents_Admin1AndMonth(benchmark::State& state) {
  ListEventsQuery q;
  q.filter.place_ids = {Generator::CityPlace(0).admin1_id};
  q.filter.start_time = absl::FromCivil(absl::CivilDay(2024, 3, 1), absl::UTCTimeZone());
  q.filter.end_time = absl::FromCivil(absl::CivilDay(2024, 4, 1), absl::UTCTimeZone());
  RunList(state, q);
}
void BM_ListEvents_NoFilter(benchmark::State& state) {
  RunList(state, ListEventsQuery{});
}
void BM_ListEvents_Type(benchmark::State& state) {
  ListEventsQuery q;
  q.filter.types = {EventType::kProtest};
  RunList(state, q);
}
void BM_ListEvents_NameAlias(benchmark::State& state) {
  ListEventsQuery q;
  q.filter.entity_names = {"a14"};  // alias of actor:14
  RunList(state, q);
}

void BM_Aggregate(benchmark::State& state, std::vector<GroupBy> group_by,
                  EventFilter filter) {
  EventStore& store = SharedStore(state.range(0));
  AggregateQuery q;
  q.filter = std::move(filter);
  q.group_by = std::move(group_by);
  std::size_t buckets = 0;
  for (auto _ : state) {
    auto r = store.AggregateEvents(q);
    if (!r.ok()) state.SkipWithError("aggregate failed");
    buckets = r->buckets.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["buckets"] = static_cast<double>(buckets);
}
void BM_Aggregate_WeekByType(benchmark::State& state) {
  BM_Aggregate(state, {GroupBy::kWeek, GroupBy::kType}, {});
}
void BM_Aggregate_WeekByType_Country(benchmark::State& state) {
  EventFilter f;
  f.countries = {Generator::Country(1)};
  BM_Aggregate(state, {GroupBy::kWeek, GroupBy::kType}, f);
}
void BM_Aggregate_ActorFigures(benchmark::State& state) {
  EventFilter f;
  f.types = {EventType::kOutcome};
  BM_Aggregate(state, {GroupBy::kRecipient}, f);
}

void BM_GetEvent(benchmark::State& state) {
  EventStore& store = SharedStore(state.range(0));
  int i = 0;
  for (auto _ : state) {
    auto e = store.GetEvent(BenchEventId((i++ * 7919) % 1000, 0));
    if (!e.ok()) {
      state.SkipWithError(std::string(e.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(e);
  }
}

void BM_SearchEntities(benchmark::State& state) {
  EventStore& store = SharedStore(state.range(0));
  EntityQuery q;
  q.prefix = "actor 1";
  for (auto _ : state) {
    auto r = store.SearchEntities(q);
    benchmark::DoNotOptimize(r);
  }
}

// NEWSEVENTS_BENCH_10M=1 adds a 10-million-event store (about 6 GB and a
// few minutes to fill).
void Sizes(benchmark::internal::Benchmark* b) {
  b->Arg(100000)->Arg(1000000);
  const char* big = std::getenv("NEWSEVENTS_BENCH_10M");
  if (big != nullptr && std::string(big) == "1") b->Arg(10000000);
}
#define QUERY_BENCH(fn) BENCHMARK(fn)->Apply(Sizes)->Unit(benchmark::kMicrosecond)
QUERY_BENCH(BM_ListEvents_Actor);
QUERY_BENCH(BM_ListEvents_AnyRole);
QUERY_BENCH(BM_ListEvents_Actor_RandomArrival);
QUERY_BENCH(BM_ListEvents_Actor_Page5);
QUERY_BENCH(BM_ListEvents_ActorAndType);
QUERY_BENCH(BM_ListEvents_SelectiveMix);
QUERY_BENCH(BM_ListEvents_SelectiveMixAnyRole);
QUERY_BENCH(BM_ListEvents_Admin1AndMonth);
QUERY_BENCH(BM_ListEvents_Type);
QUERY_BENCH(BM_ListEvents_NameAlias);
QUERY_BENCH(BM_ListEvents_NoFilter);
QUERY_BENCH(BM_Aggregate_WeekByType);
QUERY_BENCH(BM_Aggregate_WeekByType_Country);
QUERY_BENCH(BM_Aggregate_ActorFigures);
QUERY_BENCH(BM_GetEvent);
QUERY_BENCH(BM_SearchEntities);

}  // namespace
}  // namespace newsevents::query::store

BENCHMARK_MAIN();
