#include "tests/testing/nats_process.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace newsevents::testing {

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

NatsNode::NatsNode(std::string name, std::string dir, int port, int cluster_port,
                   std::vector<int> route_ports)
    : name_(std::move(name)), dir_(std::move(dir)), port_(port),
      cluster_port_(cluster_port), route_ports_(std::move(route_ports)) {}

NatsNode::~NatsNode() { Kill(); }

void NatsNode::Start() {
  if (pid_ > 0) return;
  std::vector<std::string> args = {kNatsServer, "-js", "-sd", dir_ + "/js", "-a", "127.0.0.1",
                                   "-p", absl::StrCat(port_), "-n", name_,
                                   "-l", dir_ + "/" + name_ + ".log"};
  if (cluster_port_ > 0) {
    std::vector<std::string> routes;
    for (int p : route_ports_) routes.push_back(absl::StrCat("nats://127.0.0.1:", p));
    args.insert(args.end(), {"--cluster_name", "test", "--cluster",
                             absl::StrCat("nats://127.0.0.1:", cluster_port_), "--routes",
                             absl::StrJoin(routes, ",")});
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    execv(kNatsServer, argv.data());
    _exit(127);
  }
}

void NatsNode::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string NatsNode::url() const { return absl::StrCat("nats://127.0.0.1:", port_); }

}  // namespace newsevents::testing
