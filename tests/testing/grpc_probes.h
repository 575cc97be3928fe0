// What grpcurl and container health checks ask a server, for the tests
// that start the real binaries: the services its reflection lists, whether
// reflection describes a symbol, and whether health says SERVING.
//
// Each call opens one short RPC with a 10-second deadline on `channel`.
#ifndef NEWSEVENTS_TESTS_TESTING_GRPC_PROBES_H_
#define NEWSEVENTS_TESTS_TESTING_GRPC_PROBES_H_

#include <memory>
#include <set>
#include <string>

#include "grpcpp/grpcpp.h"

namespace newsevents::testing {

// The service names reflection lists (empty when the call fails).
std::set<std::string> ReflectedServices(const std::shared_ptr<grpc::Channel>& channel);

// Whether reflection returns a file descriptor that defines `symbol`.
bool ReflectionDescribes(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& symbol);

// Whether grpc.health.v1 answers SERVING for the whole server.
bool HealthServing(const std::shared_ptr<grpc::Channel>& channel);

}  // namespace newsevents::testing

#endif  // NEWSEVENTS_TESTS_TESTING_GRPC_PROBES_H_
