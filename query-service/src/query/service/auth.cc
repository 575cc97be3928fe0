#include "query/service/auth.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace newsevents::query {
namespace {

constexpr absl::string_view kBearer = "Bearer ";

// Finishes a server stream at once with `status`, writing nothing.
class RejectedWatch final : public grpc::ServerWriteReactor<v1::WatchEventsResponse> {
 public:
  explicit RejectedWatch(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

grpc::ServerUnaryReactor* Reject(grpc::CallbackServerContext* context,
                                 const grpc::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

}  // namespace

bool ConstantTimeEquals(absl::string_view presented, absl::string_view expected) {
  if (expected.empty()) return presented.empty();
  volatile unsigned char diff = presented.size() != expected.size() ? 1 : 0;
  for (std::size_t i = 0; i < presented.size(); ++i) {
    diff = diff | static_cast<unsigned char>(presented[i] ^ expected[i % expected.size()]);
  }
  return diff == 0;
}

grpc::Status CheckBearerToken(const grpc::CallbackServerContext& context,
                              absl::string_view token) {
  if (token.empty()) return grpc::Status::OK;
  const auto& metadata = context.client_metadata();
  auto [begin, end] = metadata.equal_range(kAuthMetadataKey);
  for (auto it = begin; it != end; ++it) {
    absl::string_view value(it->second.data(), it->second.size());
    if (value.size() <= kBearer.size() ||
        !absl::EqualsIgnoreCase(value.substr(0, kBearer.size()), kBearer)) {
      continue;
    }
    if (ConstantTimeEquals(value.substr(kBearer.size()), token)) {
      return grpc::Status::OK;
    }
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "wrong bearer token");
  }
  return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                      absl::StrCat("missing bearer token in '", kAuthMetadataKey,
                                   "' metadata (expected 'Bearer <token>')"));
}

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read '", path, "'"));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

absl::StatusOr<std::string> LoadToken(const std::string& token,
                                      const std::string& token_file) {
  if (!token.empty()) return token;
  if (token_file.empty()) return std::string();
  absl::StatusOr<std::string> content = ReadSecretFile(token_file);
  if (!content.ok()) return content.status();
  absl::string_view line = *content;
  line = line.substr(0, line.find('\n'));
  line = absl::StripAsciiWhitespace(line);
  if (line.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("token file '", token_file, "' is empty"));
  }
  return std::string(line);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsFiles& files) {
  if (files.cert.empty() && files.key.empty()) {
    if (!files.client_ca.empty()) {
      return absl::InvalidArgumentError(
          "a client CA needs a server certificate and key too");
    }
    return grpc::InsecureServerCredentials();
  }
  if (files.cert.empty() || files.key.empty()) {
    return absl::InvalidArgumentError("TLS needs both a certificate and a key");
  }
  absl::StatusOr<std::string> cert = ReadSecretFile(files.cert);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadSecretFile(files.key);
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (!files.client_ca.empty()) {
    absl::StatusOr<std::string> ca = ReadSecretFile(files.client_ca);
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
    options.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeProbeCredentials(
    const ServerTlsFiles& files) {
  if (files.cert.empty()) return grpc::InsecureChannelCredentials();
  std::vector<grpc::experimental::IdentityKeyCertPair> identity;
  if (!files.client_ca.empty()) {
    absl::StatusOr<std::string> cert = ReadSecretFile(files.cert);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadSecretFile(files.key);
    if (!key.ok()) return key.status();
    identity.push_back({*key, *cert});
  }
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_verify_server_certs(false);
  options.set_check_call_host(false);
  options.set_certificate_verifier(
      std::make_shared<grpc::experimental::NoOpCertificateVerifier>());
  if (!identity.empty()) {
    options.set_certificate_provider(
        std::make_shared<grpc::experimental::StaticDataCertificateProvider>(identity));
    options.watch_identity_key_cert_pairs();
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::experimental::TlsCredentials(options);
  if (credentials == nullptr) {
    return absl::InternalError("cannot create TLS credentials for the probe");
  }
  return credentials;
}

AuthQueryService::AuthQueryService(QueryCallbackService* inner,
                                   AuthOptions options)
    : inner_(inner), options_(std::move(options)) {}

grpc::Status AuthQueryService::CheckWrite(
    const grpc::CallbackServerContext& context) const {
  return CheckBearerToken(context, options_.token);
}

grpc::Status AuthQueryService::CheckRead(
    const grpc::CallbackServerContext& context) const {
  if (!options_.protect_reads) return grpc::Status::OK;
  return CheckBearerToken(context, options_.token);
}

grpc::ServerUnaryReactor* AuthQueryService::AppendArticle(
    grpc::CallbackServerContext* context, const v1::AppendArticleRequest* request,
    v1::AppendArticleResponse* response) {
  if (grpc::Status s = CheckWrite(*context); !s.ok()) return Reject(context, s);
  return inner_->AppendArticle(context, request, response);
}

grpc::ServerUnaryReactor* AuthQueryService::GetEvent(
    grpc::CallbackServerContext* context, const v1::GetEventRequest* request,
    v1::Event* response) {
  if (grpc::Status s = CheckRead(*context); !s.ok()) return Reject(context, s);
  return inner_->GetEvent(context, request, response);
}

grpc::ServerUnaryReactor* AuthQueryService::GetArticle(
    grpc::CallbackServerContext* context, const v1::GetArticleRequest* request,
    v1::ArticleInfo* response) {
  if (grpc::Status s = CheckRead(*context); !s.ok()) return Reject(context, s);
  return inner_->GetArticle(context, request, response);
}

grpc::ServerUnaryReactor* AuthQueryService::ListEvents(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  if (grpc::Status s = CheckRead(*context); !s.ok()) return Reject(context, s);
  return inner_->ListEvents(context, request, response);
}

grpc::ServerUnaryReactor* AuthQueryService::ListMentions(
    grpc::CallbackServerContext* context, const v1::ListMentionsRequest* request,
    v1::ListMentionsResponse* response) {
  if (grpc::Status s = CheckRead(*context); !s.ok()) return Reject(context, s);
  return inner_->ListMentions(context, request, response);
}

grpc::ServerUnaryReactor* AuthQueryService::AggregateEvents(
    grpc::CallbackServerContext* context, const v1::AggregateEventsRequest* request,
    v1::AggregateEventsResponse* response) {
  if (grpc::Status s = CheckRead(*context); !s.ok()) return Reject(context, s);
  return inner_->AggregateEvents(context, request, response);
}

grpc::ServerUnaryReactor* AuthQueryService::ListFigures(
    grpc::CallbackServerContext* context, const v1::ListFiguresRequest* request,
    v1::ListFiguresResponse* response) {
  if (grpc::Status s = CheckRead(*context); !s.ok()) return Reject(context, s);
  return inner_->ListFigures(context, request, response);
}

grpc::ServerUnaryReactor* AuthQueryService::ListQuotes(
    grpc::CallbackServerContext* context, const v1::ListQuotesRequest* request,
    v1::ListQuotesResponse* response) {
  if (grpc::Status s = CheckRead(*context); !s.ok()) return Reject(context, s);
  return inner_->ListQuotes(context, request, response);
}

grpc::ServerUnaryReactor* AuthQueryService::SearchEntities(
    grpc::CallbackServerContext* context, const v1::SearchEntitiesRequest* request,
    v1::SearchEntitiesResponse* response) {
  if (grpc::Status s = CheckRead(*context); !s.ok()) return Reject(context, s);
  return inner_->SearchEntities(context, request, response);
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* AuthQueryService::WatchEvents(
    grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) {
  if (grpc::Status s = CheckRead(*context); !s.ok()) return new RejectedWatch(s);
  return inner_->WatchEvents(context, request);
}

grpc::ServerUnaryReactor* AuthQueryService::GetStats(
    grpc::CallbackServerContext* context, const v1::GetStatsRequest* request,
    v1::GetStatsResponse* response) {
  if (grpc::Status s = CheckRead(*context); !s.ok()) return Reject(context, s);
  return inner_->GetStats(context, request, response);
}

}  // namespace newsevents::query
