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

#include "util/child_process.hpp"

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

// A child process (see util/child_process.hpp): own process group, output to a log file,
// killed with its group when the test ends, pass or fail.
using Process = ChildProcess;

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
