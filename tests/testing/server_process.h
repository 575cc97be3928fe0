// Starts a real service binary as a child process for integration tests:
// port 0, the chosen port read back from --port_file, SIGTERM on
// destruction. Hermetic: every server gets its own temporary directory.
#ifndef NEWSEVENTS_TESTS_TESTING_SERVER_PROCESS_H_
#define NEWSEVENTS_TESTS_TESTING_SERVER_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace newsevents::testing {

class ServerProcess {
 public:
  // Starts `binary` with `args` plus --host=127.0.0.1 --port_file=<tmp>
  // and --port=0 unless `args` has a --port=, and waits until the port file appears (or the
  // process exits, or `timeout` passes). stderr goes to <tmp>/stderr.log.
  static absl::StatusOr<ServerProcess> Start(const std::string& binary,
                                             std::vector<std::string> args,
                                             absl::Duration timeout = absl::Seconds(30));
  ServerProcess(ServerProcess&& other) noexcept;
  ServerProcess& operator=(ServerProcess&& other) noexcept;
  ~ServerProcess();

  int port() const { return port_; }
  std::string address() const;
  pid_t pid() const { return pid_; }
  // The directory the server may use for files (e.g. --data_dir).
  const std::string& dir() const { return dir_; }

  // Sends `signal` and waits for the exit; returns the exit status as from
  // waitpid, or -1 if the process was already gone.
  int Stop(int signal, absl::Duration timeout = absl::Seconds(20));
  // Everything the server wrote to stderr so far.
  std::string Log() const;

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

// A fresh temporary directory (removed by the caller if wanted).
std::string MakeTempDir();

}  // namespace newsevents::testing

#endif  // NEWSEVENTS_TESTS_TESTING_SERVER_PROCESS_H_
