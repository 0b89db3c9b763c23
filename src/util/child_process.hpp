// A long-running child program (simulators, `cmup serve`, workers) started from an argument
// vector, no shell.
//
// Contract: the child runs in its own process group with stdin from /dev/null and
// stdout+stderr appended to `log_path` (inherited when empty). The destructor kills the
// whole group with SIGKILL and reaps it, so an orchestrator that fails or is interrupted
// leaves nothing behind. Not thread-safe; one owner.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace cmup {

class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> extra_env = {},
               std::filesystem::path log_path = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);  // to the whole process group
  // Waits for exit up to `timeout`: the exit status (WEXITSTATUS, or 128+signal), or -1 if
  // it is still running.
  int wait(std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL after `grace`; returns the exit status.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  const std::filesystem::path& log_path() const { return log_; }
  std::string log() const;  // the captured output so far

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  bool reaped_ = false;
  std::filesystem::path log_;
};

// The directory of the running executable (where cmup-sim-* sit beside build/cmup).
std::filesystem::path executable_dir();

}  // namespace cmup
