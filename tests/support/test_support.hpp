// Helpers for cmup's tests: temporary directories, child processes, free ports, and
// waiting for a condition with a deadline (polling a real condition, never a bare sleep).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace cmup::test {

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A child process started from an argument vector (no shell), in its own process group;
// stdout and stderr go to `log_path` (or are inherited when empty). The destructor kills
// the whole group (SIGKILL) and reaps it, so a failing test leaves nothing behind.
class Process {
 public:
  Process(std::vector<std::string> argv, std::map<std::string, std::string> extra_env = {},
          std::filesystem::path log_path = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);  // to the process group
  // Waits for exit up to `timeout`; returns the exit status (WEXITSTATUS, or 128+signal),
  // or -1 if it was still running.
  int wait(std::chrono::milliseconds timeout);
  const std::filesystem::path& log_path() const { return log_; }
  std::string log() const;  // the captured output so far

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  bool reaped_ = false;
  std::filesystem::path log_;
};

// Runs a program to completion, returning exit code and combined output.
struct RunResult {
  int exit_code = -1;
  std::string output;
};
RunResult run(std::vector<std::string> argv, std::map<std::string, std::string> extra_env = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(120));

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// Polls `cond` until it returns true or `timeout` passes; returns its last value.
bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout,
                std::chrono::milliseconds every = std::chrono::milliseconds(20));

// Waits until something accepts TCP connections on 127.0.0.1:port.
bool wait_for_port(int port, std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Paths of the built executables.
std::string cmup_binary();
std::string sim_cm_binary();
std::string sim_telegram_binary();
std::filesystem::path source_dir();

// sha256 of a file, hex.
std::string sha256_file(const std::filesystem::path& p);

}  // namespace cmup::test
