#include "tests/testing/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

extern char** environ;

namespace newsevents::testing {

std::string MakeTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "newsevents-test-XXXXXX").string();
  char* dir = mkdtemp(tmpl.data());
  return dir == nullptr ? std::string() : std::string(dir);
}

absl::StatusOr<ServerProcess> ServerProcess::Start(const std::string& binary,
                                                   std::vector<std::string> args,
                                                   absl::Duration timeout) {
  ServerProcess p;
  p.dir_ = MakeTempDir();
  if (p.dir_.empty()) return absl::InternalError("mkdtemp failed");
  const std::string port_file = p.dir_ + "/port";
  const std::string log_file = p.dir_ + "/stderr.log";
  bool has_port = false;
  for (const std::string& a : args) has_port = has_port || absl::StartsWith(a, "--port=");
  args.insert(args.begin(), {binary, "--host=127.0.0.1",
                             absl::StrCat("--port_file=", port_file)});
  if (!has_port) args.insert(args.begin() + 1, "--port=0");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  const int rc = posix_spawn(&p.pid_, binary.c_str(), &actions, nullptr,
                             argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("cannot start ", binary, ": errno ", rc));
  }
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    std::ifstream in(port_file);
    int port = 0;
    if (in >> port && port > 0) {
      p.port_ = port;
      return p;
    }
    int status = 0;
    if (waitpid(p.pid_, &status, WNOHANG) == p.pid_) {
      p.pid_ = -1;
      return absl::InternalError(
          absl::StrCat(binary, " exited early with status ", status, ":\n", p.Log()));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(
      absl::StrCat(binary, " did not start within ", absl::FormatDuration(timeout),
                   ":\n", p.Log()));
}

ServerProcess::ServerProcess(ServerProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      port_(other.port_),
      dir_(std::move(other.dir_)) {}

ServerProcess& ServerProcess::operator=(ServerProcess&& other) noexcept {
  if (this != &other) {
    Stop(SIGKILL);
    pid_ = std::exchange(other.pid_, -1);
    port_ = other.port_;
    dir_ = std::move(other.dir_);
  }
  return *this;
}

ServerProcess::~ServerProcess() { Stop(SIGTERM); }

std::string ServerProcess::address() const { return absl::StrCat("127.0.0.1:", port_); }

int ServerProcess::Stop(int signal, absl::Duration timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  const absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (absl::Now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  pid_ = -1;
  return status;
}

std::string ServerProcess::Log() const {
  std::ifstream in(dir_ + "/stderr.log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace newsevents::testing
