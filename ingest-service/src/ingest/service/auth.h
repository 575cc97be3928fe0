// Optional security of the ingest service: a bearer token on its RPCs, TLS
// (or mutual TLS) on its port, and the client credentials of its channel to
// the query service. See docs/security.md.
#ifndef NEWSEVENTS_INGEST_SERVICE_AUTH_H_
#define NEWSEVENTS_INGEST_SERVICE_AUTH_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/grpcpp.h"
#include "newsevents/v1/ingest_service.grpc.pb.h"

namespace newsevents::ingest {

// The metadata key that carries "Bearer <token>".
inline constexpr char kAuthMetadataKey[] = "authorization";

// Equality whose running time depends only on the length of `presented`,
// not on where it differs from `expected`.
bool ConstantTimeEquals(absl::string_view presented, absl::string_view expected);

// OK when `token` is empty (no check) or when the call's 'authorization'
// metadata is "Bearer <token>"; UNAUTHENTICATED otherwise.
grpc::Status CheckBearerToken(const grpc::CallbackServerContext& context,
                              absl::string_view token);

// The whole content of `path`, for keys, certificates and token files.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

// The token from --auth_token, or else from the first line of
// --auth_token_file (surrounding whitespace removed). Empty = no check.
absl::StatusOr<std::string> LoadToken(const std::string& token,
                                      const std::string& token_file);

// PEM file paths. On a server: `cert` and `key` enable TLS, `ca` (the
// client CA) makes it mutual. On a client: `ca` verifies the server (empty:
// the system's roots), `cert` and `key` are the client certificate.
struct TlsFiles {
  std::string cert;
  std::string key;
  std::string ca;
};

// Insecure credentials when `files.cert` is empty, TLS otherwise; with
// `files.ca`, clients must present a certificate signed by it.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files);

// Insecure credentials when every path is empty, TLS otherwise.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const TlsFiles& files);

// Credentials of the --health_check probe of a server configured with
// `server_files`: TLS without verifying the server (the probe talks to its
// own process), presenting the server's certificate when the server requires
// client certificates. Insecure when the server is.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeProbeCredentials(
    const TlsFiles& server_files);

// Checks the bearer token of every call before handing it to `inner` (not
// owned). Every RPC of the ingest service writes or costs CPU, so all are
// protected. Register this instead of `inner`.
class AuthIngestService final : public v1::IngestService::CallbackService {
 public:
  AuthIngestService(v1::IngestService::CallbackService* inner, std::string token);

  grpc::ServerUnaryReactor* IngestArticle(
      grpc::CallbackServerContext* ctx, const v1::IngestArticleRequest* request,
      v1::IngestArticleResponse* response) override;
  grpc::ServerBidiReactor<v1::IngestArticlesRequest, v1::IngestArticlesResponse>*
  IngestArticles(grpc::CallbackServerContext* ctx) override;
  grpc::ServerUnaryReactor* ExtractEvents(
      grpc::CallbackServerContext* ctx, const v1::ExtractEventsRequest* request,
      v1::ExtractEventsResponse* response) override;

 private:
  v1::IngestService::CallbackService* const inner_;
  const std::string token_;
};

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_SERVICE_AUTH_H_
