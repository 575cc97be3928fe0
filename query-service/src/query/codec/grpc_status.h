// The one place where absl::Status becomes grpc::Status. Abseil's codes are
// gRPC's codes, so the mapping is 1:1 and the message is kept.
#ifndef NEWSEVENTS_QUERY_CODEC_GRPC_STATUS_H_
#define NEWSEVENTS_QUERY_CODEC_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace newsevents::query::codec {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace newsevents::query::codec

#endif  // NEWSEVENTS_QUERY_CODEC_GRPC_STATUS_H_
