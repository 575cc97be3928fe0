// newsevents-load: drives a running query service (and optionally an ingest
// service) over gRPC with many concurrent calls and reports requests/s,
// p50/p99 latency, the status codes seen and the servers' peak memory.
//
// Every run also measures an empty callback-API QueryService in this process
// (GetEvent and ListEvents answer a fixed small message at once) with the
// same client settings, and reports each RPC's rate as a ratio of that
// baseline: the machine and the load change from run to run, the ratio much
// less. After a short warm-up the read phases run in rounds, each service
// phase right after its baseline phase, and the ratio is the median over
// rounds (with the lowest and highest). The read phases send requests and take responses as raw bytes (a
// generic stub, for the baseline and the service alike): the client shares
// the machine with the servers, and parsing each response would charge the
// client's work to whichever server answers with more bytes.
//
//   newsevents-load --query=localhost:50052 [--ingest=localhost:50051]
//       [--seconds=5] [--rounds=3] [--concurrency=32] [--seed=2000]
//       [--query_pid=PID] [--ingest_pid=PID]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "newsevents/v1/ingest_service.grpc.pb.h"
#include "newsevents/v1/query_service.grpc.pb.h"

ABSL_FLAG(std::string, query, "", "query service address (host:port); required");
ABSL_FLAG(std::string, ingest, "", "ingest service address; empty = skip the ingest phase");
ABSL_FLAG(double, seconds, 5, "seconds per phase");
ABSL_FLAG(int, concurrency, 32, "calls in flight per phase");
ABSL_FLAG(int, rounds, 3,
          "read rounds: each runs every read phase once, baseline and service in turn");
ABSL_FLAG(int, seed, 2000, "synthetic articles appended to the query service first (0 = none)");
ABSL_FLAG(int, query_pid, 0, "query service process id, to report its peak memory");
ABSL_FLAG(int, ingest_pid, 0, "ingest service process id, to report its peak memory");

namespace v1 = newsevents::v1;
using Clock = std::chrono::steady_clock;

namespace {

// ---- the baseline: an empty callback service ------------------------------

class EmptyQueryService final : public v1::QueryService::CallbackService {
 public:
  grpc::ServerUnaryReactor* GetEvent(grpc::CallbackServerContext* ctx,
                                     const v1::GetEventRequest* req, v1::Event* resp) override {
    resp->set_id(req->id());
    auto* r = ctx->DefaultReactor();
    r->Finish(grpc::Status::OK);
    return r;
  }
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* ctx,
                                       const v1::ListEventsRequest*,
                                       v1::ListEventsResponse* resp) override {
    resp->set_total_size(0);
    auto* r = ctx->DefaultReactor();
    r->Finish(grpc::Status::OK);
    return r;
  }
};

// ---- a phase: `concurrency` slots, each re-issuing its call ----------------

struct Result {
  std::string name;
  double seconds = 0;
  std::int64_t ok = 0;
  std::map<std::string, std::int64_t> errors;  // status code name -> count
  std::vector<double> latencies_ms;            // of OK calls
  std::int64_t response_bytes = 0;             // raw calls only
  double rate() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
  double Percentile(double p) const {
    if (latencies_ms.empty()) return 0;
    std::vector<double> v = latencies_ms;
    const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
  }
};

const char* CodeName(grpc::StatusCode c) {
  switch (c) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "OTHER";
  }
}

// Issues one call: `start(ctx, done)` must start an async call that runs
// `done(status)` when it ends.
using StartFn = std::function<void(grpc::ClientContext*, std::function<void(grpc::Status)>)>;

// Response bytes received by raw calls (see raw_call in main).
std::atomic<std::int64_t> g_response_bytes{0};

Result RunPhase(const std::string& name, int concurrency, double seconds, const StartFn& start) {
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    int active = 0;
    Result result;
  } sh;
  sh.result.name = name;
  const std::int64_t bytes_before = g_response_bytes.load();
  const Clock::time_point t0 = Clock::now();
  const Clock::time_point stop =
      t0 + std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6));

  struct Slot {
    std::unique_ptr<grpc::ClientContext> ctx;
    Clock::time_point began;
  };
  std::vector<Slot> slots(static_cast<std::size_t>(concurrency));
  std::function<void(std::size_t)> issue = [&](std::size_t i) {
    Slot& s = slots[i];
    s.ctx = std::make_unique<grpc::ClientContext>();
    s.ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    s.began = Clock::now();
    start(s.ctx.get(), [&, i](grpc::Status st) {
      const Clock::time_point now = Clock::now();
      {
        std::lock_guard<std::mutex> l(sh.mu);
        if (st.ok()) {
          ++sh.result.ok;
          sh.result.latencies_ms.push_back(
              std::chrono::duration<double, std::milli>(now - slots[i].began).count());
        } else {
          ++sh.result.errors[CodeName(st.error_code())];
        }
      }
      if (now < stop) {
        issue(i);
        return;
      }
      std::lock_guard<std::mutex> l(sh.mu);
      if (--sh.active == 0) sh.cv.notify_all();
    });
  };
  {
    std::lock_guard<std::mutex> l(sh.mu);
    sh.active = concurrency;
  }
  for (std::size_t i = 0; i < slots.size(); ++i) issue(i);
  std::unique_lock<std::mutex> l(sh.mu);
  sh.cv.wait(l, [&] { return sh.active == 0; });
  sh.result.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  sh.result.response_bytes = g_response_bytes.load() - bytes_before;
  return std::move(sh.result);
}

// Adds a round's result to the phase's total.
void Merge(const Result& round, Result* total) {
  total->name = round.name;
  total->seconds += round.seconds;
  total->ok += round.ok;
  total->response_bytes += round.response_bytes;
  for (const auto& [code, n] : round.errors) total->errors[code] += n;
  total->latencies_ms.insert(total->latencies_ms.end(), round.latencies_ms.begin(),
                             round.latencies_ms.end());
}

// One line per phase: the rate over all rounds, latency percentiles over
// all calls and, for a service phase, its share of the baseline: the median
// over rounds of (service rate / the same round's baseline rate), with the
// lowest and highest round.
void Print(const Result& r, std::vector<double> ratios = {}) {
  std::string errors;
  for (const auto& [code, n] : r.errors) absl::StrAppend(&errors, " ", code, "=", n);
  std::printf("%-30s %8.0f req/s  p50 %6.3f ms  p99 %6.3f ms", r.name.c_str(), r.rate(),
              r.Percentile(0.50), r.Percentile(0.99));
  const std::int64_t calls = r.ok + [&] {
    std::int64_t n = 0;
    for (const auto& [code, count] : r.errors) n += count;
    return n;
  }();
  if (r.response_bytes > 0 && calls > 0) {
    std::printf("  %6.1f KB/answer", static_cast<double>(r.response_bytes) / 1024.0 /
                                         static_cast<double>(calls));
  }
  if (!ratios.empty()) {
    std::sort(ratios.begin(), ratios.end());
    std::printf("  %5.1f%% of baseline", 100.0 * ratios[ratios.size() / 2]);
    if (ratios.size() > 1) {
      std::printf(" (rounds %.0f-%.0f%%)", 100.0 * ratios.front(), 100.0 * ratios.back());
    }
  }
  std::printf("%s\n", errors.empty() ? "" : absl::StrCat("  errors:", errors).c_str());
  std::fflush(stdout);
}

// VmHWM (peak resident set) of a process, in MiB; 0 when unknown.
double PeakMiB(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return 0;
}

std::shared_ptr<grpc::Channel> Channel(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

// A synthetic article of `events` events, varied by `n` so that ids differ.
v1::AppendArticleRequest SyntheticArticle(int n, int events) {
  static const char* kCountries[] = {"UKR", "RUS", "SYR", "SDN", "MMR", "ISR", "PSE", "MLI"};
  static const char* kPlaces[] = {"iso:UA-14", "iso:UA-09", "iso:RU-KRS", "iso:UA-63"};
  v1::AppendArticleRequest r;
  const std::string aid = absl::StrCat("load-", n);
  r.mutable_article()->set_id(aid);
  r.mutable_article()->set_title(absl::StrCat("Synthetic article ", n));
  r.mutable_article()->mutable_published_at()->set_seconds(1700000000 + n * 600);
  for (int e = 0; e < events; ++e) {
    v1::Event* ev = r.add_events();
    ev->set_id(absl::StrCat("ev_load_", n, "_", e));
    ev->set_article_id(aid);
    ev->set_type(static_cast<v1::EventType>(1 + (n + e) % 16));
    v1::Entity* a = ev->add_actors();
    const char* c = kCountries[(n * 7 + e) % 8];
    a->set_id(absl::StrCat("country:", c));
    a->set_name(c);
    a->set_kind(v1::ENTITY_KIND_COUNTRY);
    a->set_country(c);
    ev->mutable_place()->set_id(kPlaces[(n + e) % 4]);
    ev->mutable_place()->set_name(kPlaces[(n + e) % 4]);
    ev->mutable_place()->set_kind(v1::PLACE_KIND_ADMIN1);
    ev->mutable_when()->mutable_start()->set_seconds(1700000000 + n * 600 - 86400);
    ev->mutable_when()->mutable_end()->set_seconds(1700000000 + n * 600);
    ev->mutable_when()->set_granularity(v1::GRANULARITY_DAY);
    ev->set_summary(absl::StrCat("synthetic event ", n, "/", e));
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "drives the query service (and the ingest service) with concurrent gRPC calls and "
      "reports req/s, p50/p99 latency, status codes and peak memory, against an empty "
      "in-process callback service as the baseline.\n"
      "  newsevents-load --query=localhost:50052 [--ingest=localhost:50051] [--seconds=5]");
  absl::ParseCommandLine(argc, argv);
  const std::string query = absl::GetFlag(FLAGS_query);
  if (query.empty()) {
    std::fprintf(stderr, "newsevents-load: --query=HOST:PORT is required (see --help)\n");
    return 2;
  }
  const double seconds = absl::GetFlag(FLAGS_seconds);
  const int conc = absl::GetFlag(FLAGS_concurrency);
  if (seconds <= 0 || conc <= 0) {
    std::fprintf(stderr, "newsevents-load: --seconds and --concurrency must be positive\n");
    return 2;
  }
  std::printf("newsevents-load: %d calls in flight, %.1f s per phase, %u hardware threads\n",
              conc, seconds, std::thread::hardware_concurrency());

  // Baseline server on a free loopback port.
  EmptyQueryService empty;
  int empty_port = 0;
  grpc::ServerBuilder b;
  b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &empty_port);
  b.RegisterService(&empty);
  std::unique_ptr<grpc::Server> baseline_server = b.BuildAndStart();
  if (!baseline_server) {
    std::fprintf(stderr, "newsevents-load: cannot start the baseline server on loopback\n");
    return 1;
  }
  auto base_stub = v1::QueryService::NewStub(Channel(absl::StrCat("127.0.0.1:", empty_port)));
  auto stub = v1::QueryService::NewStub(Channel(query));

  // Seed the store so that reads have something to find.
  const int seed = absl::GetFlag(FLAGS_seed);
  if (seed > 0) {
    const Clock::time_point t0 = Clock::now();
    int failed = 0;
    for (int n = 0; n < seed; ++n) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      v1::AppendArticleResponse resp;
      const grpc::Status s = stub->AppendArticle(&ctx, SyntheticArticle(n, 10), &resp);
      if (!s.ok()) {
        if (++failed == 1) {
          std::fprintf(stderr, "newsevents-load: AppendArticle to %s failed: %s: %s\n",
                       query.c_str(), CodeName(s.error_code()), s.error_message().c_str());
        }
        if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
          std::fprintf(stderr, "newsevents-load: is the query service running at %s?\n",
                       query.c_str());
          return 1;
        }
      }
    }
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("seeded %d articles x 10 events in %.2f s (one call at a time: %.0f appends/s)%s\n",
                seed, secs, seed / secs,
                failed ? absl::StrCat(", ", failed, " failed").c_str() : "");
  }

  // Event ids to read back.
  std::vector<std::string> ids;
  {
    grpc::ClientContext ctx;
    v1::ListEventsRequest req;
    req.set_page_size(1000);
    req.set_mentions(true);  // every event record, not one per grouped event
    v1::ListEventsResponse resp;
    const grpc::Status s = stub->ListEvents(&ctx, req, &resp);
    if (!s.ok()) {
      std::fprintf(stderr, "newsevents-load: ListEvents on %s failed: %s\n", query.c_str(),
                   s.error_message().c_str());
      return 1;
    }
    for (const auto& e : resp.events()) ids.push_back(e.id());
    std::printf("store holds %lld event records\n", static_cast<long long>(resp.total_size()));
  }
  if (ids.empty()) ids.push_back("ev_missing");

  grpc::GenericStub base_generic(Channel(absl::StrCat("127.0.0.1:", empty_port)));
  grpc::GenericStub generic(Channel(query));
  // One unary call with the request serialised and the response kept as
  // bytes (see the file comment).
  auto raw_call = [](grpc::GenericStub* s, grpc::ClientContext* ctx, const char* method,
                     const google::protobuf::Message& msg,
                     std::function<void(grpc::Status)> done) {
    auto req = std::make_shared<grpc::ByteBuffer>();
    auto resp = std::make_shared<grpc::ByteBuffer>();
    bool own = false;
    const grpc::Status ser =
        grpc::GenericSerialize<grpc::ProtoBufferWriter, google::protobuf::Message>(msg, req.get(),
                                                                                  &own);
    if (!ser.ok()) {
      done(ser);
      return;
    }
    s->UnaryCall(ctx, method, grpc::StubOptions(), req.get(), resp.get(),
                 [req, resp, done = std::move(done)](grpc::Status st) {
                   g_response_bytes += static_cast<std::int64_t>(resp->Length());
                   done(st);
                 });
  };
  std::atomic<std::uint64_t> counter{0};
  auto get_event = [&](grpc::GenericStub* s) -> StartFn {
    return [&, s](grpc::ClientContext* ctx, std::function<void(grpc::Status)> done) {
      v1::GetEventRequest req;
      req.set_id(ids[counter.fetch_add(1) % ids.size()]);
      raw_call(s, ctx, "/newsevents.v1.QueryService/GetEvent", req, std::move(done));
    };
  };
  // Selective: one actor country and one type, a page of 50.
  auto list_events = [&](grpc::GenericStub* s, int page_size) -> StartFn {
    return [&, s, page_size](grpc::ClientContext* ctx, std::function<void(grpc::Status)> done) {
      v1::ListEventsRequest req;
      const std::uint64_t n = counter.fetch_add(1);
      static const char* kActors[] = {"country:UKR", "country:RUS", "country:SYR", "country:SDN"};
      req.mutable_filter()->add_actor_ids(kActors[n % 4]);
      req.mutable_filter()->add_types(static_cast<v1::EventType>(1 + n % 16));
      req.set_page_size(page_size);
      // Every matching record (about 40 a page of 50), as a page of distinct
      // events would be on a store of distinct happenings.
      req.set_mentions(true);
      raw_call(s, ctx, "/newsevents.v1.QueryService/ListEvents", req, std::move(done));
    };
  };

  // Warm-up, not counted: connections, server threads and caches are
  // started before the first measured phase, which would otherwise pay for
  // them (the baseline runs first in each round).
  const double warm = std::min(1.0, seconds);
  RunPhase("warm-up", conc, warm, get_event(&base_generic));
  RunPhase("warm-up", conc, warm, get_event(&generic));
  RunPhase("warm-up", conc, warm, list_events(&base_generic, 50));
  RunPhase("warm-up", conc, warm, list_events(&generic, 50));

  // Rounds: the machine's speed drifts within seconds, so each service
  // phase is compared with the baseline phase run just before it, and the
  // ratio reported is the median over rounds.
  const int rounds = std::max(1, absl::GetFlag(FLAGS_rounds));
  Result base_get, get, base_list, list, list5;
  std::vector<double> get_ratio, list_ratio, list5_ratio;
  for (int round = 0; round < rounds; ++round) {
    std::printf("round %d of %d ...\n", round + 1, rounds);
    std::fflush(stdout);
    const Result bg = RunPhase("baseline GetEvent", conc, seconds, get_event(&base_generic));
    const Result g = RunPhase("GetEvent", conc, seconds, get_event(&generic));
    const Result bl =
        RunPhase("baseline ListEvents", conc, seconds, list_events(&base_generic, 50));
    const Result l =
        RunPhase("ListEvents (actor and type)", conc, seconds, list_events(&generic, 50));
    // The same queries with pages of 5: what a page costs apart from moving
    // its bytes (about 0.2 KB an event here) through gRPC and the kernel.
    const Result l5 =
        RunPhase("ListEvents (same, pages of 5)", conc, seconds, list_events(&generic, 5));
    if (bg.rate() > 0) get_ratio.push_back(g.rate() / bg.rate());
    if (bl.rate() > 0) {
      list_ratio.push_back(l.rate() / bl.rate());
      list5_ratio.push_back(l5.rate() / bl.rate());
    }
    Merge(bg, &base_get);
    Merge(g, &get);
    Merge(bl, &base_list);
    Merge(l, &list);
    Merge(l5, &list5);
  }
  Print(base_get);
  Print(get, get_ratio);
  Print(base_list);
  Print(list, list_ratio);
  Print(list5, list5_ratio);

  const std::string ingest = absl::GetFlag(FLAGS_ingest);
  if (!ingest.empty()) {
    auto istub = v1::IngestService::NewStub(Channel(ingest));
    StartFn ingest_call = [&](grpc::ClientContext* ctx, std::function<void(grpc::Status)> done) {
      auto req = std::make_shared<v1::IngestArticleRequest>();
      auto resp = std::make_shared<v1::IngestArticleResponse>();
      const std::uint64_t n = counter.fetch_add(1);
      v1::Article* a = req->mutable_article();
      a->set_title(absl::StrCat("Load test report ", n));
      a->set_body(absl::StrCat(
          "On 16 February 2024, Russian forces shelled the village of Pisky in Donetsk region. ",
          n % 97 + 2, " civilians were killed and ", n % 13 + 1,
          " were injured, the regional governor said. \"The shelling lasted all night,\" a "
          "resident told reporters. Ukrainian officials said drones struck a depot in Kursk "
          "region on Saturday, report number ", n, "."));
      a->mutable_published_at()->set_seconds(1708128000);
      istub->async()->IngestArticle(ctx, req.get(), resp.get(),
                                    [req, resp, done = std::move(done)](grpc::Status st) {
                                      done(st);
                                    });
    };
    Print(RunPhase("IngestArticle (end to end)", conc, seconds, ingest_call));
  }

  baseline_server->Shutdown();
  if (const double q = PeakMiB(absl::GetFlag(FLAGS_query_pid)); q > 0) {
    std::printf("query service peak resident memory: %.1f MiB\n", q);
  }
  if (const double i = PeakMiB(absl::GetFlag(FLAGS_ingest_pid)); i > 0) {
    std::printf("ingest service peak resident memory: %.1f MiB\n", i);
  }
  return 0;
}
