#include "tests/testing/grpc_probes.h"

#include <chrono>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace newsevents::testing {
namespace {

using grpc::reflection::v1alpha::ServerReflection;
using grpc::reflection::v1alpha::ServerReflectionRequest;
using grpc::reflection::v1alpha::ServerReflectionResponse;

void SetDeadline(grpc::ClientContext& ctx) {
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

// Sends one reflection request and calls `each` on every response.
template <typename Each>
void Reflect(const std::shared_ptr<grpc::Channel>& channel,
             const ServerReflectionRequest& request, Each each) {
  auto stub = ServerReflection::NewStub(channel);
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  auto stream = stub->ServerReflectionInfo(&ctx);
  stream->Write(request);
  stream->WritesDone();
  ServerReflectionResponse response;
  while (stream->Read(&response)) each(response);
  stream->Finish();
}

}  // namespace

std::set<std::string> ReflectedServices(const std::shared_ptr<grpc::Channel>& channel) {
  ServerReflectionRequest request;
  request.set_list_services("");
  std::set<std::string> names;
  Reflect(channel, request, [&](const ServerReflectionResponse& r) {
    for (const auto& s : r.list_services_response().service()) names.insert(s.name());
  });
  return names;
}

bool ReflectionDescribes(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& symbol) {
  ServerReflectionRequest request;
  request.set_file_containing_symbol(symbol);
  bool found = false;
  Reflect(channel, request, [&](const ServerReflectionResponse& r) {
    found = found || r.file_descriptor_response().file_descriptor_proto_size() > 0;
  });
  return found;
}

bool HealthServing(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status s =
      stub->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &response);
  return s.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

}  // namespace newsevents::testing
