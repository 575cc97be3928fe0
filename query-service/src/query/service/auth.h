// Optional security of the query service: a bearer token on AppendArticle
// (and, with `protect_reads`, on every read) and TLS or mutual TLS on its
// port. See docs/security.md.
#ifndef NEWSEVENTS_QUERY_SERVICE_AUTH_H_
#define NEWSEVENTS_QUERY_SERVICE_AUTH_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/grpcpp.h"
#include "newsevents/v1/query_service.grpc.pb.h"
#include "query/service/query_service_impl.h"

namespace newsevents::query {

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

// PEM file paths of a server: `cert` and `key` enable TLS, `client_ca`
// makes it mutual (clients must present a certificate it signed).
struct ServerTlsFiles {
  std::string cert;
  std::string key;
  std::string client_ca;
};

// Insecure credentials when `files.cert` is empty, TLS otherwise.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsFiles& files);

// Credentials of the --health_check probe of a server configured with
// `files`: TLS without verifying the server (the probe talks to its own
// process), presenting the server's certificate when the server requires
// client certificates. Insecure when the server is.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeProbeCredentials(
    const ServerTlsFiles& files);

struct AuthOptions {
  // Empty: no check at all.
  std::string token;
  // Also check the token on the read RPCs (every RPC but AppendArticle).
  bool protect_reads = false;
};

// Checks the bearer token before handing a call to `inner` (not owned):
// always on AppendArticle, on the reads with `protect_reads`. Register this
// instead of `inner`. Every RPC of the proto must be forwarded here (a new
// one would answer UNIMPLEMENTED; the integration test calls them all).
class AuthQueryService final : public QueryCallbackService {
 public:
  AuthQueryService(QueryCallbackService* inner, AuthOptions options);

  grpc::ServerUnaryReactor* AppendArticle(
      grpc::CallbackServerContext* context,
      const v1::AppendArticleRequest* request,
      v1::AppendArticleResponse* response) override;
  grpc::ServerUnaryReactor* GetEvent(grpc::CallbackServerContext* context,
                                     const v1::GetEventRequest* request,
                                     v1::Event* response) override;
  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const v1::GetArticleRequest* request,
                                       v1::ArticleInfo* response) override;
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListMentions(grpc::CallbackServerContext* context,
                                         const v1::ListMentionsRequest* request,
                                         v1::ListMentionsResponse* response) override;
  grpc::ServerUnaryReactor* AggregateEvents(
      grpc::CallbackServerContext* context,
      const v1::AggregateEventsRequest* request,
      v1::AggregateEventsResponse* response) override;
  grpc::ServerUnaryReactor* ListFigures(grpc::CallbackServerContext* context,
                                        const v1::ListFiguresRequest* request,
                                        v1::ListFiguresResponse* response) override;
  grpc::ServerUnaryReactor* ListQuotes(grpc::CallbackServerContext* context,
                                       const v1::ListQuotesRequest* request,
                                       v1::ListQuotesResponse* response) override;
  grpc::ServerUnaryReactor* SearchEntities(
      grpc::CallbackServerContext* context,
      const v1::SearchEntitiesRequest* request,
      v1::SearchEntitiesResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context,
      const v1::WatchEventsRequest* request) override;
  grpc::ServerUnaryReactor* GetStats(grpc::CallbackServerContext* context,
                                     const v1::GetStatsRequest* request,
                                     v1::GetStatsResponse* response) override;

 private:
  // OK, or why the call is refused.
  grpc::Status CheckWrite(const grpc::CallbackServerContext& context) const;
  grpc::Status CheckRead(const grpc::CallbackServerContext& context) const;

  QueryCallbackService* const inner_;
  const AuthOptions options_;
};

}  // namespace newsevents::query

#endif  // NEWSEVENTS_QUERY_SERVICE_AUTH_H_
