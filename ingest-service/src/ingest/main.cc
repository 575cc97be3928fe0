// newsevents-ingest: reads articles, extracts events and stores them in the
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

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "ingest/extract/extractor.h"
#include "ingest/service/auth.h"
#include "ingest/service/event_log.h"
#include "ingest/service/ingest_service_impl.h"
#include "ingest/service/worker_pool.h"
#include "query/replication/jetstream.h"

ABSL_FLAG(std::string, host, "0.0.0.0", "Address to listen on");
ABSL_FLAG(int, port, 50051, "Port to listen on (0 = any free port)");
ABSL_FLAG(std::string, port_file, "",
          "If set, write the port to this file once serving");
ABSL_FLAG(std::string, query_address, "localhost:50052",
          "host:port of the query service");
ABSL_FLAG(std::string, event_log, "embedded",
          "Where extracted articles go: 'embedded' (the query service at "
          "--query_address) or a comma-separated list of NATS URLs of a JetStream "
          "cluster, whose stream the query replicas apply");
ABSL_FLAG(std::string, nats_stream, "NEWSEVENTS", "JetStream stream of the event log");
ABSL_FLAG(int, nats_replicas, 3,
          "Copies of the stream when this service creates it (1 for a single NATS server)");
ABSL_FLAG(int, shards, 1,
          "Shards the articles are spread over (by article id) in the stream");
ABSL_FLAG(std::string, resources_dir, NEWSEVENTS_DEFAULT_RESOURCES_DIR,
          "Directory of the extractor's data files");
ABSL_FLAG(int, workers, 0, "Extraction threads (0 = one per core)");
ABSL_FLAG(int, queue_size, 256,
          "Articles waiting for a worker before calls get RESOURCE_EXHAUSTED");
ABSL_FLAG(int, max_article_bytes, 1 << 20,
          "Largest article text accepted (INVALID_ARGUMENT above)");
ABSL_FLAG(int, max_message_bytes, 16 << 20,
          "Largest gRPC message received or sent (RESOURCE_EXHAUSTED above)");
ABSL_FLAG(int, deadline_seconds, 30,
          "Deadline for an article when the client sets none");
ABSL_FLAG(int, max_concurrent_streams, 256,
          "Calls in flight per client connection; more wait in the client (HTTP/2 "
          "flow control) instead of growing the server");
ABSL_FLAG(int, drain_seconds, 10,
          "On SIGTERM/SIGINT, how long in-flight calls may take to finish");
ABSL_FLAG(bool, health_check, false,
          "Probe mode: exit 0 when the server at --host/--port is SERVING");
ABSL_FLAG(std::string, auth_token, "",
          "If set, every IngestService call needs the metadata "
          "'authorization: Bearer <token>' (health and reflection stay open)");
ABSL_FLAG(std::string, auth_token_file, "",
          "Read --auth_token from the first line of this file instead");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain of the server; with --tls_key enables TLS");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA: clients must present a certificate it signed (mutual TLS)");
ABSL_FLAG(std::string, query_auth_token, "",
          "Bearer token sent to the query service (default: --auth_token)");
ABSL_FLAG(std::string, query_auth_token_file, "",
          "Read --query_auth_token from the first line of this file instead");
ABSL_FLAG(std::string, query_tls_ca, "",
          "PEM CA that signed the query service's certificate; any "
          "--query_tls_* flag makes the channel TLS (empty CA: system roots)");
ABSL_FLAG(std::string, query_tls_cert, "",
          "PEM client certificate presented to the query service (mutual TLS)");
ABSL_FLAG(std::string, query_tls_key, "", "PEM private key of --query_tls_cert");

namespace {

using newsevents::ingest::Extractor;

// Every flag can also come from NEWSEVENTS_<FLAG NAME> in the environment;
// the command line wins.
void ApplyEnvironment() {
  for (const char* name :
       {"host", "port", "port_file", "query_address", "event_log", "nats_stream",
        "nats_replicas", "shards", "resources_dir",
        "workers", "queue_size", "max_article_bytes", "max_message_bytes",
        "deadline_seconds", "drain_seconds", "auth_token", "auth_token_file",
        "max_concurrent_streams",
        "tls_cert", "tls_key", "tls_client_ca", "query_auth_token",
        "query_auth_token_file", "query_tls_ca", "query_tls_cert",
        "query_tls_key"}) {
    const std::string var =
        absl::StrCat("NEWSEVENTS_", absl::AsciiStrToUpper(name));
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    std::string error;
    if (flag == nullptr || !flag->ParseFrom(value, &error)) {
      std::fprintf(stderr, "newsevents-ingest: bad %s='%s': %s\n", var.c_str(),
                   value, error.c_str());
      std::exit(2);
    }
  }
}

[[noreturn]] void ExitBadFlags(const absl::Status& status) {
  std::fprintf(stderr, "newsevents-ingest: %s\n",
               std::string(status.message()).c_str());
  std::exit(2);
}

newsevents::ingest::TlsFiles ServerTlsFiles() {
  return {absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
          absl::GetFlag(FLAGS_tls_client_ca)};
}

int HealthCheck() {
  std::string host = absl::GetFlag(FLAGS_host);
  if (host == "0.0.0.0" || host == "::" || host.empty()) host = "127.0.0.1";
  auto credentials = newsevents::ingest::MakeProbeCredentials(ServerTlsFiles());
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


}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "newsevents ingest service: articles in, events out (gRPC, port 50051)");
  ApplyEnvironment();
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_health_check)) return HealthCheck();
  // Lock-order checking (on in this Abseil build) records every lock
  // acquisition in a graph; the tests keep it, the service does not pay it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // Security settings first: a mistake there should not wait for resources.
  absl::StatusOr<std::string> token = newsevents::ingest::LoadToken(
      absl::GetFlag(FLAGS_auth_token), absl::GetFlag(FLAGS_auth_token_file));
  if (!token.ok()) ExitBadFlags(token.status());
  absl::StatusOr<std::string> query_token = newsevents::ingest::LoadToken(
      absl::GetFlag(FLAGS_query_auth_token),
      absl::GetFlag(FLAGS_query_auth_token_file));
  if (!query_token.ok()) ExitBadFlags(query_token.status());
  if (query_token->empty()) *query_token = *token;
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> server_credentials =
      newsevents::ingest::MakeServerCredentials(ServerTlsFiles());
  if (!server_credentials.ok()) ExitBadFlags(server_credentials.status());
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> query_credentials =
      newsevents::ingest::MakeChannelCredentials(
          {absl::GetFlag(FLAGS_query_tls_cert), absl::GetFlag(FLAGS_query_tls_key),
           absl::GetFlag(FLAGS_query_tls_ca)});
  if (!query_credentials.ok()) ExitBadFlags(query_credentials.status());
  absl::StatusOr<std::vector<std::string>> nats_urls =
      newsevents::query::replication::ParseEventLogFlag(absl::GetFlag(FLAGS_event_log));
  if (!nats_urls.ok()) ExitBadFlags(nats_urls.status());
  const int shards = absl::GetFlag(FLAGS_shards);
  if (shards < 1) {
    ExitBadFlags(absl::InvalidArgumentError(
        absl::StrCat("--shards=", shards, ": must be at least 1")));
  }

  // Block SIGTERM/SIGINT in every thread; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const absl::Time load_start = absl::Now();
  absl::StatusOr<std::unique_ptr<Extractor>> extractor =
      Extractor::Create(absl::GetFlag(FLAGS_resources_dir));
  if (!extractor.ok()) {
    std::fprintf(stderr,
                 "newsevents-ingest: cannot load resources: %s\n"
                 "  (set --resources_dir or NEWSEVENTS_RESOURCES_DIR to the "
                 "folder with countries.tsv)\n",
                 std::string(extractor.status().message()).c_str());
    return 1;
  }
  std::fprintf(stderr, "newsevents-ingest: resources loaded in %s\n",
               absl::FormatDuration(absl::Now() - load_start).c_str());

  int workers = absl::GetFlag(FLAGS_workers);
  if (workers <= 0) workers = static_cast<int>(std::thread::hardware_concurrency());
  if (workers <= 0) workers = 2;
  newsevents::ingest::WorkerPool pool(workers,
                                      std::max(1, absl::GetFlag(FLAGS_queue_size)));

  grpc::ChannelArguments channel_args;
  channel_args.SetMaxReceiveMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  channel_args.SetMaxSendMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  auto query_channel = grpc::CreateCustomChannel(
      absl::GetFlag(FLAGS_query_address), *query_credentials, channel_args);
  newsevents::ingest::QueryLogOptions log_options;
  log_options.auth_token = *query_token;
  std::unique_ptr<newsevents::ingest::EventLog> log;
  if (nats_urls->empty()) {
    log = newsevents::ingest::NewQueryServiceLog(query_channel, log_options);
  } else {
    newsevents::query::replication::JetStreamOptions js_options;
    js_options.urls = *nats_urls;
    js_options.stream = absl::GetFlag(FLAGS_nats_stream);
    js_options.replicas = std::max(1, absl::GetFlag(FLAGS_nats_replicas));
    js_options.client_name = "newsevents-ingest";
    // Not serving before the log is reachable: say so, and keep trying.
    std::unique_ptr<newsevents::query::replication::JetStream> jetstream;
    for (int attempt = 1;; ++attempt) {
      absl::StatusOr<std::unique_ptr<newsevents::query::replication::JetStream>> js =
          newsevents::query::replication::JetStream::Connect(js_options);
      absl::Status ready = js.ok() ? (*js)->EnsureStream() : js.status();
      if (ready.ok()) {
        jetstream = std::move(*js);
        break;
      }
      std::fprintf(stderr, "newsevents-ingest: event log not ready (attempt %d): %s; retrying\n",
                   attempt, std::string(ready.message()).c_str());
      const timespec wait{1, 0};
      if (sigtimedwait(&signals, nullptr, &wait) > 0) {
        std::fprintf(stderr, "newsevents-ingest: stopped before the event log was ready\n");
        return 1;
      }
    }
    log = newsevents::ingest::NewJetStreamLog(std::move(jetstream), shards);
  }

  newsevents::ingest::IngestServiceOptions options;
  options.read.max_bytes = static_cast<std::size_t>(
      std::max(1, absl::GetFlag(FLAGS_max_article_bytes)));
  options.default_deadline = absl::Seconds(absl::GetFlag(FLAGS_deadline_seconds));
  newsevents::ingest::IngestServiceImpl service(extractor->get(), log.get(),
                                                &pool, options);
  newsevents::ingest::AuthIngestService authenticated(&service, *token);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  const std::string address =
      absl::StrCat(absl::GetFlag(FLAGS_host), ":", absl::GetFlag(FLAGS_port));
  builder.AddListeningPort(address, *server_credentials, &port);
  // A second server on a busy port must fail, not share it silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             std::max(1, absl::GetFlag(FLAGS_max_concurrent_streams)));
  builder.SetMaxReceiveMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  builder.SetMaxSendMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  if (token->empty()) {
    builder.RegisterService(&service);
  } else {
    builder.RegisterService(&authenticated);
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr,
                 "newsevents-ingest: cannot listen on %s (port in use? set "
                 "--port or NEWSEVENTS_PORT)\n",
                 address.c_str());
    return 1;
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  const auto query_credentials_kind = [] {
    if (!absl::GetFlag(FLAGS_query_tls_cert).empty()) return "mutual TLS";
    if (!absl::GetFlag(FLAGS_query_tls_ca).empty() ||
        !absl::GetFlag(FLAGS_query_tls_key).empty()) {
      return "TLS";
    }
    return "plaintext";
  };
  std::fprintf(stderr,
               "newsevents-ingest: serving on %s:%d with %d workers, %s "
               "%s (%s, %s; to the query service: %s, %s)\n",
               absl::GetFlag(FLAGS_host).c_str(), port, workers,
               nats_urls->empty() ? "query service at" : "event log (JetStream) at",
               nats_urls->empty() ? absl::GetFlag(FLAGS_query_address).c_str()
                                  : absl::GetFlag(FLAGS_event_log).c_str(),
               absl::GetFlag(FLAGS_tls_cert).empty()
                   ? "plaintext"
                   : (absl::GetFlag(FLAGS_tls_client_ca).empty() ? "TLS" : "mutual TLS"),
               token->empty() ? "no token" : "bearer token required",
               query_credentials_kind(), query_token->empty() ? "no token" : "bearer token");
  if (const std::string file = absl::GetFlag(FLAGS_port_file); !file.empty()) {
    std::ofstream(file) << port << "\n";
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::fprintf(stderr, "newsevents-ingest: signal %d, draining for up to %ds\n",
               signal_number, absl::GetFlag(FLAGS_drain_seconds));
  server->GetHealthCheckService()->SetServingStatus(false);
  server->Shutdown(std::chrono::system_clock::now() +
                   std::chrono::seconds(absl::GetFlag(FLAGS_drain_seconds)));
  server->Wait();
  std::fprintf(stderr, "newsevents-ingest: stopped\n");
  return 0;
}
