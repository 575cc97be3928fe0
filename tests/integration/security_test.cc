// Bearer tokens, TLS and mutual TLS, end to end: the real binaries with the
// flags of docs/security.md. Certificates are made at test time by the
// `openssl` command into a temporary folder; without it the TLS tests skip.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "newsevents/v1/ingest_service.grpc.pb.h"
#include "newsevents/v1/query_service.grpc.pb.h"
#include "tests/testing/grpc_probes.h"
#include "tests/testing/server_process.h"

namespace newsevents {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::ServerProcess;

constexpr char kToken[] = "test-token-5c7e1d";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token = "",
                                             int seconds = 30) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  if (!token.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  return ctx;
}

v1::IngestArticleRequest KurskRequest() {
  v1::IngestArticleRequest request;
  request.mutable_article()->set_raw(
      ReadFile(std::string(NEWSEVENTS_TESTDATA_DIR) + "/kursk-article.txt"));
  request.mutable_article()->set_content_type("text/plain");
  return request;
}

std::shared_ptr<grpc::Channel> Plaintext(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

// Calls `method` ("/package.Service/Method") with an empty request and
// returns the status; the message kinds do not matter to the token check.
grpc::Status CallEmpty(const std::shared_ptr<grpc::Channel>& channel,
                       const std::string& method, const std::string& token = "") {
  grpc::GenericStub stub(channel);
  auto ctx = Context(token, 10);
  grpc::ByteBuffer request;
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  grpc::ByteBuffer response;
  grpc::Status result;
  absl::Notification done;
  stub.UnaryCall(ctx.get(), method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   result = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  return result;
}

const google::protobuf::ServiceDescriptor* Service(const std::string& name) {
  return google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
}

// Every method of `service` (none if it is null).
std::vector<const google::protobuf::MethodDescriptor*> Methods(
    const google::protobuf::ServiceDescriptor* service) {
  std::vector<const google::protobuf::MethodDescriptor*> out;
  EXPECT_NE(service, nullptr);
  if (service == nullptr) return out;
  for (int i = 0; i < service->method_count(); ++i) out.push_back(service->method(i));
  return out;
}

std::string Path(const google::protobuf::MethodDescriptor* m) {
  return absl::StrCat("/", m->service()->full_name(), "/", m->name());
}

bool Serving(const std::shared_ptr<grpc::Channel>& channel) {
  return testing::HealthServing(channel);
}

std::set<std::string> ListServices(const std::shared_ptr<grpc::Channel>& channel) {
  return testing::ReflectedServices(channel);
}

// Exit code of `binary --health_check` against `port` with `flags`.
int Probe(const std::string& binary, int port, const std::string& flags) {
  const std::string cmd = absl::StrCat(binary, " --health_check --host=127.0.0.1 --port=",
                                       port, " ", flags, " > /dev/null 2>&1");
  return std::system(cmd.c_str());
}

// ---------------------------------------------------------------- tokens

class TokenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The query service reads its token from the environment, the ingest
    // service from a file: both ways work.
    setenv("NEWSEVENTS_AUTH_TOKEN", kToken, 1);
    auto query = ServerProcess::Start(NEWSEVENTS_QUERY_BIN, {"--data_dir="});
    unsetenv("NEWSEVENTS_AUTH_TOKEN");
    ASSERT_TRUE(query.ok()) << query.status();
    query_ = new ServerProcess(std::move(*query));
    const std::string token_file = testing::MakeTempDir() + "/token";
    std::ofstream(token_file) << kToken << "\n";
    auto ingest = ServerProcess::Start(
        NEWSEVENTS_INGEST_BIN, {absl::StrCat("--query_address=", query_->address()),
                                absl::StrCat("--auth_token_file=", token_file)});
    std::filesystem::remove_all(std::filesystem::path(token_file).parent_path());
    ASSERT_TRUE(ingest.ok()) << ingest.status();
    ingest_ = new ServerProcess(std::move(*ingest));
  }
  static void TearDownTestSuite() {
    delete ingest_;
    delete query_;
    ingest_ = query_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(query_, nullptr);
    ASSERT_NE(ingest_, nullptr);
    ingest_stub_ = v1::IngestService::NewStub(Plaintext(ingest_->address()));
    query_stub_ = v1::QueryService::NewStub(Plaintext(query_->address()));
  }

  static ServerProcess* query_;
  static ServerProcess* ingest_;
  std::unique_ptr<v1::IngestService::Stub> ingest_stub_;
  std::unique_ptr<v1::QueryService::Stub> query_stub_;
};

ServerProcess* TokenTest::query_ = nullptr;
ServerProcess* TokenTest::ingest_ = nullptr;

TEST_F(TokenTest, NoTokenIsUnauthenticatedNamingTheMetadataKey) {
  v1::IngestArticleResponse response;
  grpc::Status s = ingest_stub_->IngestArticle(Context().get(), KurskRequest(), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(),
              HasSubstr("missing bearer token in 'authorization' metadata"));

  v1::AppendArticleResponse appended;
  s = query_stub_->AppendArticle(Context().get(), v1::AppendArticleRequest(), &appended);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("'authorization'"));

  // A header of another scheme is no bearer token.
  auto ctx = Context();
  ctx->AddMetadata("authorization", absl::StrCat("Basic ", kToken));
  s = ingest_stub_->IngestArticle(ctx.get(), KurskRequest(), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("missing bearer token"));
}

TEST_F(TokenTest, WrongTokenIsUnauthenticated) {
  for (const std::string& wrong :
       {std::string("nope"), absl::StrCat(kToken, "x"),
        std::string(kToken).substr(0, sizeof(kToken) - 2)}) {
    v1::IngestArticleResponse response;
    grpc::Status s =
        ingest_stub_->IngestArticle(Context(wrong).get(), KurskRequest(), &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << wrong;
    EXPECT_EQ(s.error_message(), "wrong bearer token");
    v1::AppendArticleResponse appended;
    s = query_stub_->AppendArticle(Context(wrong).get(), v1::AppendArticleRequest(),
                                   &appended);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << wrong;
    EXPECT_EQ(s.error_message(), "wrong bearer token");
  }
}

TEST_F(TokenTest, EveryIngestRpcNeedsTheToken) {
  for (const auto* m : Methods(Service("newsevents.v1.IngestService"))) {
    grpc::Status s = CallEmpty(Plaintext(ingest_->address()), Path(m));
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << Path(m) << ": " << s.error_message()
        << " (a new RPC must be added to AuthIngestService in ingest/service/auth.h)";
  }
  // The stream too, through its own stub.
  auto ctx = Context();
  auto stream = ingest_stub_->IngestArticles(ctx.get());
  stream->WritesDone();
  v1::IngestArticlesResponse response;
  while (stream->Read(&response)) {
  }
  grpc::Status s = stream->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
}

TEST_F(TokenTest, RightTokenIngestsEndToEndAndReadsStayOpen) {
  v1::IngestArticleResponse ingested;
  grpc::Status s =
      ingest_stub_->IngestArticle(Context(kToken).get(), KurskRequest(), &ingested);
  ASSERT_TRUE(s.ok()) << s.error_message();  // the ingest service sent the token on
  ASSERT_GE(ingested.events_size(), 2);

  // Reads need no token by default.
  v1::ListEventsRequest list;
  list.mutable_filter()->add_article_ids(ingested.article_id());
  v1::ListEventsResponse listed;
  s = query_stub_->ListEvents(Context().get(), list, &listed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_GE(listed.events_size(), 1);
  for (const auto* m : Methods(Service("newsevents.v1.QueryService"))) {
    if (m->server_streaming()) continue;  // an empty watch would not end
    s = CallEmpty(Plaintext(query_->address()), Path(m));
    if (m->name() == "AppendArticle") {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Path(m);
    } else {
      EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Path(m);
      EXPECT_NE(s.error_code(), grpc::StatusCode::UNIMPLEMENTED)
          << Path(m) << ": a new RPC must be added to AuthQueryService in "
          << "query/service/auth.h";
    }
  }
}

TEST_F(TokenTest, HealthAndReflectionStayOpen) {
  for (const ServerProcess* server : {ingest_, query_}) {
    EXPECT_TRUE(Serving(Plaintext(server->address()))) << server->address();
    EXPECT_THAT(ListServices(Plaintext(server->address())),
                Contains("grpc.health.v1.Health"));
  }
  EXPECT_EQ(Probe(NEWSEVENTS_INGEST_BIN, ingest_->port(), ""), 0);
  EXPECT_EQ(Probe(NEWSEVENTS_QUERY_BIN, query_->port(), ""), 0);
}

TEST_F(TokenTest, IngestWithoutTheQueryTokenIsRefusedByTheQueryService) {
  auto ingest = ServerProcess::Start(
      NEWSEVENTS_INGEST_BIN, {absl::StrCat("--query_address=", query_->address())});
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  auto stub = v1::IngestService::NewStub(Plaintext(ingest->address()));
  v1::IngestArticleResponse response;
  grpc::Status s = stub->IngestArticle(Context().get(), KurskRequest(), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("query service"));
}

TEST(ProtectReadsTest, ReadsNeedTheTokenToo) {
  auto query = ServerProcess::Start(
      NEWSEVENTS_QUERY_BIN,
      {"--data_dir=", absl::StrCat("--auth_token=", kToken), "--protect_reads"});
  ASSERT_TRUE(query.ok()) << query.status();
  auto channel = Plaintext(query->address());
  // Every QueryService RPC, streams included, refuses a call without it.
  for (const auto* m : Methods(Service("newsevents.v1.QueryService"))) {
    grpc::Status s = CallEmpty(channel, Path(m));
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << Path(m) << ": " << s.error_message()
        << " (a new RPC must be added to AuthQueryService in query/service/auth.h)";
    EXPECT_THAT(s.error_message(), HasSubstr("'authorization'"));
  }
  auto stub = v1::QueryService::NewStub(channel);
  v1::GetStatsResponse stats;
  grpc::Status s = stub->GetStats(Context("wrong").get(), v1::GetStatsRequest(), &stats);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  s = stub->GetStats(Context(kToken).get(), v1::GetStatsRequest(), &stats);
  EXPECT_TRUE(s.ok()) << s.error_message();
  v1::ListEventsResponse listed;
  s = stub->ListEvents(Context(kToken).get(), v1::ListEventsRequest(), &listed);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(Serving(channel));
}

// Runs a shell command; its wait status and what it wrote (stdout and
// stderr together).
struct Ran {
  int status = -1;
  std::string output;
};
Ran RunCommand(const std::string& cmd) {
  Ran ran;
  FILE* out = popen(absl::StrCat(cmd, " 2>&1").c_str(), "r");
  if (out == nullptr) return ran;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, out) != nullptr) ran.output += buffer;
  ran.status = pclose(out);
  return ran;
}

TEST(ProtectReadsTest, NeedsAToken) {
  const Ran ran = RunCommand(
      absl::StrCat(NEWSEVENTS_QUERY_BIN, " --data_dir= --port=0 --protect_reads"));
  EXPECT_TRUE(WIFEXITED(ran.status) && WEXITSTATUS(ran.status) == 2) << ran.status;
  EXPECT_THAT(ran.output, HasSubstr("--protect_reads needs --auth_token"));
}

// ---------------------------------------------------------------- TLS

// A throwaway CA with a server certificate (for localhost and 127.0.0.1,
// usable as a client certificate too) and a client certificate.
struct Pki {
  std::string dir;
  std::string ca() const { return dir + "/ca.pem"; }
  std::string server_cert() const { return dir + "/server.pem"; }
  std::string server_key() const { return dir + "/server.key"; }
  std::string client_cert() const { return dir + "/client.pem"; }
  std::string client_key() const { return dir + "/client.key"; }
};

// Empty `dir` when openssl is missing or fails.
Pki MakePki() {
  Pki pki;
  if (std::system("command -v openssl > /dev/null 2>&1") != 0) return pki;
  const std::string dir = testing::MakeTempDir();
  const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  std::ofstream(dir + "/server.ext")
      << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
         "extendedKeyUsage=serverAuth,clientAuth\n";
  std::ofstream(dir + "/client.ext") << "extendedKeyUsage=clientAuth\n";
  std::string script = absl::StrCat(
      "(cd '", dir, "' && openssl req -x509 ", key,
      " -days 2 -subj '/CN=newsevents test CA'"
      " -addext basicConstraints=critical,CA:TRUE"
      " -addext keyUsage=critical,keyCertSign,cRLSign -keyout ca.key -out ca.pem");
  int serial = 1;
  for (const char* name : {"server", "client"}) {
    absl::StrAppend(&script, " && openssl req ", key, " -subj '/CN=newsevents ", name,
                    "' -keyout ", name, ".key -out ", name, ".csr",
                    " && openssl x509 -req -in ", name, ".csr -CA ca.pem -CAkey ca.key",
                    " -set_serial ", serial++, " -days 2 -extfile ", name, ".ext -out ",
                    name, ".pem");
  }
  absl::StrAppend(&script, ") > '", dir, "/openssl.log' 2>&1");
  if (std::system(script.c_str()) != 0) {
    ADD_FAILURE() << "openssl failed:\n" << ReadFile(dir + "/openssl.log");
    return pki;
  }
  pki.dir = dir;
  return pki;
}

std::shared_ptr<grpc::Channel> Tls(const std::string& address, const Pki& pki,
                                   bool client_cert) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFile(pki.ca());
  if (client_cert) {
    options.pem_cert_chain = ReadFile(pki.client_cert());
    options.pem_private_key = ReadFile(pki.client_key());
  }
  return grpc::CreateChannel(address, grpc::SslCredentials(options));
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new Pki(MakePki()); }
  static void TearDownTestSuite() {
    if (!pki_->dir.empty()) std::filesystem::remove_all(pki_->dir);
    delete pki_;
    pki_ = nullptr;
  }
  void SetUp() override {
    if (pki_->dir.empty()) GTEST_SKIP() << "no openssl command to make certificates";
  }
  std::vector<std::string> ServerTls(bool mutual) const {
    std::vector<std::string> flags = {absl::StrCat("--tls_cert=", pki_->server_cert()),
                                      absl::StrCat("--tls_key=", pki_->server_key())};
    if (mutual) flags.push_back(absl::StrCat("--tls_client_ca=", pki_->ca()));
    return flags;
  }
  std::string ProbeFlags(bool mutual) const {
    std::string flags;
    for (const std::string& f : ServerTls(mutual)) absl::StrAppend(&flags, " ", f);
    return flags;
  }

  static Pki* pki_;
};

Pki* TlsTest::pki_ = nullptr;

TEST_F(TlsTest, ServerRefusesPlaintextAndAcceptsTlsClientsThatTrustTheCa) {
  std::vector<std::string> flags = ServerTls(/*mutual=*/false);
  flags.push_back("--data_dir=");
  auto query = ServerProcess::Start(NEWSEVENTS_QUERY_BIN, flags);
  ASSERT_TRUE(query.ok()) << query.status();

  auto plain = v1::QueryService::NewStub(Plaintext(query->address()));
  v1::GetStatsResponse stats;
  grpc::Status s = plain->GetStats(Context("", 5).get(), v1::GetStatsRequest(), &stats);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();

  auto tls = v1::QueryService::NewStub(Tls(query->address(), *pki_, false));
  s = tls->GetStats(Context().get(), v1::GetStatsRequest(), &stats);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(Serving(Tls(query->address(), *pki_, false)));
  EXPECT_EQ(Probe(NEWSEVENTS_QUERY_BIN, query->port(), ProbeFlags(false)), 0);
  EXPECT_NE(Probe(NEWSEVENTS_QUERY_BIN, query->port(), ""), 0);
}

TEST_F(TlsTest, MutualTlsQueryServiceRefusesAnIngestServiceWithoutClientCertificate) {
  std::vector<std::string> flags = ServerTls(/*mutual=*/true);
  flags.push_back("--data_dir=");
  flags.push_back(absl::StrCat("--auth_token=", kToken));
  auto query = ServerProcess::Start(NEWSEVENTS_QUERY_BIN, flags);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(Probe(NEWSEVENTS_QUERY_BIN, query->port(), ProbeFlags(true)), 0);

  // A TLS client that trusts the CA but shows no certificate is refused.
  auto anonymous = v1::QueryService::NewStub(Tls(query->address(), *pki_, false));
  v1::GetStatsResponse stats;
  grpc::Status s =
      anonymous->GetStats(Context("", 5).get(), v1::GetStatsRequest(), &stats);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();

  const std::string query_address = absl::StrCat("--query_address=", query->address());
  const std::string token = absl::StrCat("--auth_token=", kToken);
  {
    auto ingest = ServerProcess::Start(
        NEWSEVENTS_INGEST_BIN, {query_address, token, "--deadline_seconds=2",
                                absl::StrCat("--query_tls_ca=", pki_->ca())});
    ASSERT_TRUE(ingest.ok()) << ingest.status();
    auto stub = v1::IngestService::NewStub(Plaintext(ingest->address()));
    v1::IngestArticleResponse response;
    s = stub->IngestArticle(Context(kToken).get(), KurskRequest(), &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  }

  // With a client certificate, and itself serving mutual TLS.
  std::vector<std::string> ingest_flags = ServerTls(/*mutual=*/true);
  for (std::string f : {query_address, token, absl::StrCat("--query_tls_ca=", pki_->ca()),
                        absl::StrCat("--query_tls_cert=", pki_->client_cert()),
                        absl::StrCat("--query_tls_key=", pki_->client_key())}) {
    ingest_flags.push_back(f);
  }
  auto ingest = ServerProcess::Start(NEWSEVENTS_INGEST_BIN, ingest_flags);
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  EXPECT_EQ(Probe(NEWSEVENTS_INGEST_BIN, ingest->port(), ProbeFlags(true)), 0);
  auto stub = v1::IngestService::NewStub(Tls(ingest->address(), *pki_, true));
  v1::IngestArticleResponse response;
  s = stub->IngestArticle(Context(kToken).get(), KurskRequest(), &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_GE(response.events_size(), 2);

  // The command-line client, with the same files and token.
  const std::string cli = absl::StrCat(
      NEWSEVENTS_CLI_BIN, " --tls_ca=", pki_->ca(), " --tls_cert=", pki_->client_cert(),
      " --tls_key=", pki_->client_key(), " --token=", kToken, " --ingest=", ingest->address(),
      " --query=", query->address());
  const std::string ingest_cmd =
      absl::StrCat(cli, " ingest ", NEWSEVENTS_TESTDATA_DIR, "/kursk-article.txt");
  Ran ran = RunCommand(ingest_cmd);
  EXPECT_EQ(ran.status, 0) << ingest_cmd << "\n" << ran.output;
  const std::string health_cmd = absl::StrCat(cli, " health");
  ran = RunCommand(health_cmd);
  EXPECT_EQ(ran.status, 0) << health_cmd << "\n" << ran.output;
  const std::string no_cert = absl::StrCat(NEWSEVENTS_CLI_BIN, " --tls_ca=", pki_->ca(),
                                           " --query=", query->address(), " --timeout=5 stats");
  EXPECT_NE(RunCommand(no_cert).status, 0) << no_cert;
}

}  // namespace
}  // namespace newsevents
