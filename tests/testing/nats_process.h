// nats-server child processes with JetStream for the tests of the
// replicated event log: one server, or the nodes of a loopback cluster.
#ifndef NEWSEVENTS_TESTS_TESTING_NATS_PROCESS_H_
#define NEWSEVENTS_TESTS_TESTING_NATS_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace newsevents::testing {

// Where Debian's nats-server package puts the server.
inline constexpr char kNatsServer[] = "/usr/sbin/nats-server";

// A loopback port that was free a moment ago.
int FreePort();

class NatsNode {
 public:
  // `dir` holds the JetStream store and the server's log. With
  // cluster_port > 0 the node joins the cluster "test" through the routes.
  NatsNode(std::string name, std::string dir, int port, int cluster_port = 0,
           std::vector<int> route_ports = {});
  NatsNode(const NatsNode&) = delete;
  NatsNode& operator=(const NatsNode&) = delete;
  ~NatsNode();

  void Start();
  // SIGKILL: no goodbye to the cluster.
  void Kill();
  std::string url() const;

 private:
  const std::string name_;
  const std::string dir_;
  const int port_;
  const int cluster_port_;
  const std::vector<int> route_ports_;
  pid_t pid_ = -1;
};

}  // namespace newsevents::testing

#endif  // NEWSEVENTS_TESTS_TESTING_NATS_PROCESS_H_
