// newsevents-query: reads articles, extracts events and stores them in the
// query service. Thin: flags, wiring, health, reflection, graceful drain.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "query/service/article_writer.h"
#include "query/service/arena_allocator.h"
#include "query/service/auth.h"
#include "query/service/log_follower.h"
#include "query/replication/jetstream.h"
#include "query/service/query_service_impl.h"
#include "query/service/router.h"
#include "query/store/event_store.h"

ABSL_FLAG(std::string, host, "0.0.0.0", "Address to listen on");
ABSL_FLAG(int, port, 50052, "Port to listen on (0 = any free port)");
ABSL_FLAG(std::string, port_file, "",
          "If set, write the port to this file once serving");
ABSL_FLAG(std::string, data_dir, "data",
          "Folder of the write-ahead log and snapshots; empty = memory only "
          "(everything is lost when the process stops)");
ABSL_FLAG(int, snapshot_after_mb, 256,
          "Write a snapshot when the log holds more than this many MiB");
ABSL_FLAG(int, max_message_bytes, 16 << 20,
          "Largest gRPC message received or sent (RESOURCE_EXHAUSTED above)");
ABSL_FLAG(int, max_concurrent_streams, 256,
          "Calls in flight per client connection; more wait in the client (HTTP/2 "
          "flow control) instead of growing the server");
ABSL_FLAG(int, max_queued_reads, 1024,
          "Reads waiting for a read thread before new ones get RESOURCE_EXHAUSTED");
ABSL_FLAG(int, inline_read_budget, 4096,
          "Candidates a ListEvents page (up to 100 events) may check on the gRPC thread "
          "before it moves to a read thread (0 = every listing on a read thread)");
ABSL_FLAG(int, max_watchers, 1024,
          "Open WatchEvents streams before new ones get RESOURCE_EXHAUSTED");
ABSL_FLAG(int, event_cache_events, 65536,
          "encoded events kept for ListEvents answers (about 0.3-2 KB each; 0 = none)");
ABSL_FLAG(bool, group_mentions, true,
          "group the reports (mentions) of one happening into events; false: every "
          "event record is an event of its own (faster appends and recovery on very "
          "dense feeds, no cross-article identity)");
ABSL_FLAG(bool, compress_text, true,
          "store evidence sentences and summaries compressed with a zstd dictionary "
          "trained on the first 256 KiB of them (about 45% less text memory); false: "
          "as given (appends about 1 us per event faster)");
ABSL_FLAG(int, aggregate_threads, 0,
          "threads one AggregateEvents may scan a store of over half a million events "
          "with, each taking a range of at least 262,144 events (0 = one per CPU)");
ABSL_FLAG(std::string, event_log, "embedded",
          "Where articles come from: 'embedded' (AppendArticle calls, logged in "
          "--data_dir) or a comma-separated list of NATS URLs: this service is then a "
          "replica that applies the JetStream stream (AppendArticle is refused)");
ABSL_FLAG(std::string, nats_stream, "NEWSEVENTS", "JetStream stream of the event log");
ABSL_FLAG(int, nats_replicas, 3,
          "Copies of the stream when this service creates it (1 for a single NATS server)");
ABSL_FLAG(std::string, replica_name, "",
          "Name of this replica in NATS (default: the host name)");
ABSL_FLAG(int, shard, -1,
          "With --event_log: apply only this shard of --shards (-1 = every article)");
ABSL_FLAG(int, shards, 1, "Number of shards the ingest services publish to");
ABSL_FLAG(std::string, route_to, "",
          "Router mode: a comma-separated list of one query address per shard, in shard "
          "order (host:port of a replica or of a balancer in front of the shard's "
          "replicas); this service then holds no events and merges the shards' answers");
ABSL_FLAG(int, drain_seconds, 10,
          "On SIGTERM/SIGINT, how long in-flight calls may take to finish");
ABSL_FLAG(bool, health_check, false,
          "Probe mode: exit 0 when the server at --host/--port is SERVING");
ABSL_FLAG(std::string, auth_token, "",
          "If set, AppendArticle (and with --protect_reads every QueryService "
          "call) needs the metadata 'authorization: Bearer <token>'; health "
          "and reflection stay open");
ABSL_FLAG(std::string, auth_token_file, "",
          "Read --auth_token from the first line of this file instead");
ABSL_FLAG(bool, protect_reads, false,
          "Require the bearer token on the read RPCs too (needs a token)");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain of the server; with --tls_key enables TLS");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA: clients must present a certificate it signed (mutual TLS)");

namespace {

// Every flag can also come from NEWSEVENTS_<FLAG NAME> in the environment;
// the command line wins.
void ApplyEnvironment() {
  for (const char* name :
       {"host", "port", "port_file", "data_dir", "snapshot_after_mb",
        "max_message_bytes", "drain_seconds", "auth_token", "auth_token_file",
        "max_concurrent_streams", "max_queued_reads", "inline_read_budget", "max_watchers",
        "protect_reads", "tls_cert", "tls_key", "tls_client_ca", "event_log",
        "nats_stream", "nats_replicas", "replica_name", "shard", "shards", "route_to"}) {
    const std::string var =
        absl::StrCat("NEWSEVENTS_", absl::AsciiStrToUpper(name));
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    std::string error;
    if (flag == nullptr || !flag->ParseFrom(value, &error)) {
      std::fprintf(stderr, "newsevents-query: bad %s='%s': %s\n", var.c_str(),
                   value, error.c_str());
      std::exit(2);
    }
  }
}

[[noreturn]] void ExitBadFlags(const absl::Status& status) {
  std::fprintf(stderr, "newsevents-query: %s\n",
               std::string(status.message()).c_str());
  std::exit(2);
}

newsevents::query::ServerTlsFiles TlsFiles() {
  return {absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
          absl::GetFlag(FLAGS_tls_client_ca)};
}

int HealthCheck() {
  std::string host = absl::GetFlag(FLAGS_host);
  if (host == "0.0.0.0" || host == "::" || host.empty()) host = "127.0.0.1";
  auto credentials = newsevents::query::MakeProbeCredentials(TlsFiles());
  if (!credentials.ok()) ExitBadFlags(credentials.status());
  auto channel = grpc::CreateChannel(
      absl::StrCat(host, ":", absl::GetFlag(FLAGS_port)), *credentials);
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&ctx, request, &response);
  if (!status.ok()) {
    std::fprintf(stderr, "unhealthy: %s\n", status.error_message().c_str());
    return 1;
  }
  if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    std::fprintf(stderr, "unhealthy: status %d\n", response.status());
    return 1;
  }
  std::printf("SERVING\n");
  return 0;
}


// The listening port and limits every mode's server shares; returns the
// address asked for (the bound port lands in *port once built).
std::string Listen(grpc::ServerBuilder& builder,
                   const std::shared_ptr<grpc::ServerCredentials>& credentials, int* port) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  const std::string address =
      absl::StrCat(absl::GetFlag(FLAGS_host), ":", absl::GetFlag(FLAGS_port));
  builder.AddListeningPort(address, credentials, port);
  // A second server on a busy port must fail, not share it silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             std::max(1, absl::GetFlag(FLAGS_max_concurrent_streams)));
  builder.SetMaxReceiveMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  builder.SetMaxSendMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  return address;
}

// Router mode: no store, no log; the shards' answers merged.
int RunRouter(const std::vector<std::string>& shards,
              const std::shared_ptr<grpc::ServerCredentials>& credentials, sigset_t* signals) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  args.SetMaxSendMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  for (const std::string& address : shards) {
    channels.push_back(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
  }
  newsevents::query::QueryRouter router(std::move(channels));
  grpc::ServerBuilder builder;
  int port = 0;
  const std::string address = Listen(builder, credentials, &port);
  builder.RegisterService(&router);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "newsevents-query: cannot listen on %s (port in use? set --port)\n",
                 address.c_str());
    return 1;
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  std::fprintf(stderr, "newsevents-query: router on %s:%d over %zu shards: %s\n",
               absl::GetFlag(FLAGS_host).c_str(), port, shards.size(),
               absl::GetFlag(FLAGS_route_to).c_str());
  if (const std::string file = absl::GetFlag(FLAGS_port_file); !file.empty()) {
    std::ofstream(file) << port << "\n";
  }
  int signal_number = 0;
  sigwait(signals, &signal_number);
  server->GetHealthCheckService()->SetServingStatus(false);
  server->Shutdown(std::chrono::system_clock::now() +
                   std::chrono::seconds(absl::GetFlag(FLAGS_drain_seconds)));
  server->Wait();
  std::fprintf(stderr, "newsevents-query: stopped\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "newsevents query service: stores events and answers queries (gRPC, port 50052)");
  ApplyEnvironment();
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_health_check)) return HealthCheck();
  // Lock-order checking (on in this Abseil build) records every lock
  // acquisition in a graph; the tests keep it, the service does not pay it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  newsevents::query::AuthOptions auth;
  absl::StatusOr<std::string> token = newsevents::query::LoadToken(
      absl::GetFlag(FLAGS_auth_token), absl::GetFlag(FLAGS_auth_token_file));
  if (!token.ok()) ExitBadFlags(token.status());
  auth.token = *token;
  auth.protect_reads = absl::GetFlag(FLAGS_protect_reads);
  if (auth.protect_reads && auth.token.empty()) {
    ExitBadFlags(absl::InvalidArgumentError(
        "--protect_reads needs --auth_token or --auth_token_file"));
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> server_credentials =
      newsevents::query::MakeServerCredentials(TlsFiles());
  if (!server_credentials.ok()) ExitBadFlags(server_credentials.status());

  // Block SIGTERM/SIGINT in every thread; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<std::vector<std::string>> nats_urls =
      newsevents::query::replication::ParseEventLogFlag(absl::GetFlag(FLAGS_event_log));
  if (!nats_urls.ok()) ExitBadFlags(nats_urls.status());
  const int shards = absl::GetFlag(FLAGS_shards);
  const int shard = absl::GetFlag(FLAGS_shard);
  if (shards < 1) ExitBadFlags(absl::InvalidArgumentError(absl::StrCat("--shards=", shards, ": must be at least 1")));
  if (shard < -1 || shard >= shards) {
    ExitBadFlags(absl::InvalidArgumentError(
        absl::StrCat("--shard=", shard, ": must be -1 (all) or from 0 to --shards - 1 (", shards - 1, ")")));
  }

  if (const std::string route_to = absl::GetFlag(FLAGS_route_to); !route_to.empty()) {
    std::vector<std::string> shard_addresses =
        absl::StrSplit(route_to, ',', absl::SkipWhitespace());
    if (shard_addresses.empty()) {
      ExitBadFlags(absl::InvalidArgumentError(
          absl::StrCat("--route_to='", route_to, "' names no shard address")));
    }
    if (!nats_urls->empty()) {
      ExitBadFlags(absl::InvalidArgumentError(
          "--route_to and --event_log exclude each other: a router holds no events"));
    }
    return RunRouter(shard_addresses, *server_credentials, &signals);
  }

  newsevents::query::store::EventStoreOptions store_options;
  store_options.group_mentions = absl::GetFlag(FLAGS_group_mentions);
  if (!absl::GetFlag(FLAGS_compress_text)) store_options.text_sample_bytes = 0;
  if (const int threads = absl::GetFlag(FLAGS_aggregate_threads); threads < 0) {
    ExitBadFlags(absl::InvalidArgumentError(absl::StrCat(
        "--aggregate_threads=", threads, ": must be 0 (one per CPU) or more")));
  }
  store_options.aggregate_threads =
      static_cast<std::size_t>(absl::GetFlag(FLAGS_aggregate_threads));
  newsevents::query::store::EventStore store(store_options);
  newsevents::query::ArticleWriterOptions writer_options;
  writer_options.data_dir = absl::GetFlag(FLAGS_data_dir);
  writer_options.replica = !nats_urls->empty();
  writer_options.snapshot_after_bytes =
      static_cast<std::uint64_t>(std::max(1, absl::GetFlag(FLAGS_snapshot_after_mb))) << 20;
  if (writer_options.data_dir.empty()) {
    std::fprintf(stderr,
                 "newsevents-query: WARNING: no --data_dir: the store is memory-only "
                 "and everything is lost when the process stops\n");
  } else {
    std::fprintf(stderr, "newsevents-query: recovering from %s\n",
                 writer_options.data_dir.c_str());
  }
  newsevents::query::RecoveryReport recovery;
  absl::StatusOr<std::unique_ptr<newsevents::query::ArticleWriter>> writer =
      newsevents::query::ArticleWriter::Open(&store, writer_options, &recovery);
  if (!writer.ok()) {
    std::fprintf(stderr, "newsevents-query: cannot open the data folder: %s\n",
                 std::string(writer.status().message()).c_str());
    return 1;
  }
  if ((*writer)->durable()) {
    std::fprintf(stderr,
                 "newsevents-query: recovered %lld articles, %lld events in %s "
                 "(snapshot up to record %llu with %llu articles, %llu log records, "
                 "%llu torn bytes cut, %llu unfinished snapshots ignored, %lld records skipped)\n",
                 static_cast<long long>(recovery.articles),
                 static_cast<long long>(recovery.events),
                 absl::FormatDuration(recovery.elapsed).c_str(),
                 static_cast<unsigned long long>(recovery.log.snapshot_sequence),
                 static_cast<unsigned long long>(recovery.log.snapshot_records),
                 static_cast<unsigned long long>(recovery.log.log_records),
                 static_cast<unsigned long long>(recovery.log.truncated_bytes),
                 static_cast<unsigned long long>(recovery.log.ignored_snapshots),
                 static_cast<long long>(recovery.skipped_records));
  }
  std::unique_ptr<newsevents::query::LogFollower> follower;
  if (!nats_urls->empty()) {
    newsevents::query::LogFollowerOptions follow;
    follow.jetstream.urls = *nats_urls;
    follow.jetstream.stream = absl::GetFlag(FLAGS_nats_stream);
    follow.jetstream.replicas = std::max(1, absl::GetFlag(FLAGS_nats_replicas));
    std::string name = absl::GetFlag(FLAGS_replica_name);
    if (name.empty()) {
      char host[256] = {};
      gethostname(host, sizeof(host) - 1);
      name = host;
    }
    follow.jetstream.client_name = absl::StrCat("newsevents-query ", name);
    if (shard >= 0) {
      follow.subject_filter = newsevents::query::replication::ArticleSubject(follow.jetstream.stream, shard);
    }
    std::fprintf(stderr,
                 "newsevents-query: replica '%s' of stream %s (%s) at %s, from message %llu\n",
                 name.c_str(), follow.jetstream.stream.c_str(),
                 shard >= 0 ? absl::StrCat("shard ", shard, " of ", shards).c_str() : "every shard",
                 absl::GetFlag(FLAGS_event_log).c_str(),
                 static_cast<unsigned long long>((*writer)->log_position() + 1));
    follower = newsevents::query::LogFollower::Start(writer->get(), std::move(follow));
  }
  newsevents::query::QueryServiceOptions service_options;
  service_options.writer = writer->get();
  service_options.follower = follower.get();
  service_options.max_queued_reads =
      static_cast<std::size_t>(std::max(1, absl::GetFlag(FLAGS_max_queued_reads)));
  service_options.inline_read_budget =
      static_cast<std::size_t>(std::max(0, absl::GetFlag(FLAGS_inline_read_budget)));
  service_options.event_cache_slots =
      static_cast<std::size_t>(std::max(0, absl::GetFlag(FLAGS_event_cache_events)));
  service_options.max_watchers =
      static_cast<std::size_t>(std::max(1, absl::GetFlag(FLAGS_max_watchers)));
  newsevents::query::QueryServiceImpl service(&store, service_options);
  newsevents::query::AuthQueryService authenticated(&service, auth);

  grpc::ServerBuilder builder;
  int port = 0;
  const std::string address = Listen(builder, *server_credentials, &port);
  // Reads that answer many messages build them on one arena per call
  // (ListEvents assembles its answer from encoded events instead).
  newsevents::query::ArenaAllocator<newsevents::v1::ListQuotesRequest,
                                    newsevents::v1::ListQuotesResponse>
      list_quotes_allocator;
  newsevents::query::ArenaAllocator<newsevents::v1::ListFiguresRequest,
                                    newsevents::v1::ListFiguresResponse>
      list_figures_allocator;
  newsevents::query::ArenaAllocator<newsevents::v1::GetEventRequest, newsevents::v1::Event>
      get_event_allocator(2048);
  newsevents::query::QueryCallbackService* registered =
      auth.token.empty() ? static_cast<newsevents::query::QueryCallbackService*>(&service)
                         : &authenticated;
  registered->SetMessageAllocatorFor_ListQuotes(&list_quotes_allocator);
  registered->SetMessageAllocatorFor_ListFigures(&list_figures_allocator);
  registered->SetMessageAllocatorFor_GetEvent(&get_event_allocator);
  builder.RegisterService(registered);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr,
                 "newsevents-query: cannot listen on %s (port in use? set "
                 "--port or NEWSEVENTS_PORT)\n",
                 address.c_str());
    return 1;
  }
  // A replica reports SERVING once it applied what the log held when it
  // first reached it, so a balancer does not send reads to an empty store.
  absl::Notification stopping;
  std::thread ready([&] {
    if (follower != nullptr) {
      while (!follower->WaitForCatchUp(absl::Seconds(5))) {
        if (stopping.HasBeenNotified()) return;
        const newsevents::query::LogFollower::Progress p = follower->progress();
        std::fprintf(stderr,
                     "newsevents-query: catching up with the event log: applied %llu of %llu%s%s\n",
                     static_cast<unsigned long long>(p.applied),
                     static_cast<unsigned long long>(p.last_seen),
                     p.error.empty() ? "" : "; last error: ", p.error.c_str());
      }
      std::fprintf(stderr, "newsevents-query: caught up with the event log at message %llu\n",
                   static_cast<unsigned long long>(follower->progress().applied));
    }
    if (!stopping.HasBeenNotified()) server->GetHealthCheckService()->SetServingStatus(true);
  });
  std::fprintf(stderr, "newsevents-query: serving on %s:%d (%s, %s)\n",
               absl::GetFlag(FLAGS_host).c_str(), port,
               absl::GetFlag(FLAGS_tls_cert).empty()
                   ? "plaintext"
                   : (absl::GetFlag(FLAGS_tls_client_ca).empty() ? "TLS" : "mutual TLS"),
               auth.token.empty() ? "no token"
               : auth.protect_reads ? "bearer token on every call"
                                    : "bearer token on writes, reads open");
  if (const std::string file = absl::GetFlag(FLAGS_port_file); !file.empty()) {
    std::ofstream(file) << port << "\n";
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::fprintf(stderr, "newsevents-query: signal %d, draining for up to %ds\n",
               signal_number, absl::GetFlag(FLAGS_drain_seconds));
  stopping.Notify();
  ready.join();
  server->GetHealthCheckService()->SetServingStatus(false);
  service.Shutdown();  // ends open WatchEvents streams
  server->Shutdown(std::chrono::system_clock::now() +
                   std::chrono::seconds(absl::GetFlag(FLAGS_drain_seconds)));
  server->Wait();
  std::fprintf(stderr, "newsevents-query: stopped\n");
  return 0;
}
