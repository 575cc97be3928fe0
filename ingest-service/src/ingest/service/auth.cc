#include "ingest/service/auth.h"

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

namespace newsevents::ingest {
namespace {

constexpr absl::string_view kBearer = "Bearer ";

// Finishes a bidi stream at once with `status`, reading nothing.
class RejectedBidi final
    : public grpc::ServerBidiReactor<v1::IngestArticlesRequest,
                                     v1::IngestArticlesResponse> {
 public:
  explicit RejectedBidi(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

grpc::ServerUnaryReactor* Reject(grpc::CallbackServerContext* ctx,
                                 const grpc::Status& status) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
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
    const TlsFiles& files) {
  if (files.cert.empty() && files.key.empty()) {
    if (!files.ca.empty()) {
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
  if (!files.ca.empty()) {
    absl::StatusOr<std::string> ca = ReadSecretFile(files.ca);
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
    options.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const TlsFiles& files) {
  if (files.cert.empty() && files.key.empty() && files.ca.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  if (files.cert.empty() != files.key.empty()) {
    return absl::InvalidArgumentError(
        "a client certificate needs both the certificate and the key");
  }
  grpc::SslCredentialsOptions options;
  if (!files.ca.empty()) {
    absl::StatusOr<std::string> ca = ReadSecretFile(files.ca);
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
  }
  if (!files.cert.empty()) {
    absl::StatusOr<std::string> cert = ReadSecretFile(files.cert);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadSecretFile(files.key);
    if (!key.ok()) return key.status();
    options.pem_cert_chain = *cert;
    options.pem_private_key = *key;
  }
  return grpc::SslCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeProbeCredentials(
    const TlsFiles& server_files) {
  if (server_files.cert.empty()) return grpc::InsecureChannelCredentials();
  std::vector<grpc::experimental::IdentityKeyCertPair> identity;
  if (!server_files.ca.empty()) {
    absl::StatusOr<std::string> cert = ReadSecretFile(server_files.cert);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadSecretFile(server_files.key);
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

AuthIngestService::AuthIngestService(v1::IngestService::CallbackService* inner,
                                     std::string token)
    : inner_(inner), token_(std::move(token)) {}

grpc::ServerUnaryReactor* AuthIngestService::IngestArticle(
    grpc::CallbackServerContext* ctx, const v1::IngestArticleRequest* request,
    v1::IngestArticleResponse* response) {
  if (grpc::Status s = CheckBearerToken(*ctx, token_); !s.ok()) return Reject(ctx, s);
  return inner_->IngestArticle(ctx, request, response);
}

grpc::ServerBidiReactor<v1::IngestArticlesRequest, v1::IngestArticlesResponse>*
AuthIngestService::IngestArticles(grpc::CallbackServerContext* ctx) {
  if (grpc::Status s = CheckBearerToken(*ctx, token_); !s.ok()) {
    return new RejectedBidi(s);
  }
  return inner_->IngestArticles(ctx);
}

grpc::ServerUnaryReactor* AuthIngestService::ExtractEvents(
    grpc::CallbackServerContext* ctx, const v1::ExtractEventsRequest* request,
    v1::ExtractEventsResponse* response) {
  if (grpc::Status s = CheckBearerToken(*ctx, token_); !s.ok()) return Reject(ctx, s);
  return inner_->ExtractEvents(ctx, request, response);
}

}  // namespace newsevents::ingest
