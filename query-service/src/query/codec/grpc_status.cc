#include "query/codec/grpc_status.h"

#include <string>

namespace newsevents::query::codec {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace newsevents::query::codec
