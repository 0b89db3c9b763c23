// The one way cmup starts another program: an argument vector, no shell, in its own process
// group, stdin from /dev/null, default signal dispositions and an empty signal mask
// (whatever the calling thread had blocked). Two uses share that spawn:
//
// - ChildProcess: a long-running child (simulators, `cmup serve`, workers, `cmup demo`) with
//   stdout+stderr appended to `log_path` (inherited when empty). The destructor kills the
//   whole group with SIGKILL and reaps it, so an orchestrator that fails or is interrupted
//   leaves nothing behind. Not thread-safe; one owner.
//
// - run_program(): a program run to completion (ffprobe, ffmpeg; media/input_guard builds
//   their input whitelists). It returns the exit code and captured output; it never throws for
//   a program that runs and fails (exit_code != 0, `stderr_tail` holds the last stderr_cap
//   bytes of its stderr, which is what ffmpeg prints last: the reason). It throws
//   ProcessError when the program cannot be started, exceeds `time_limit`, or is cancelled;
//   in the last two cases the whole process group is killed (SIGKILL) and reaped before it
//   throws, so nothing is left running. stdout goes to `on_stdout_line` line by line when set,
//   else into `stdout_text` up to stdout_cap bytes (more is an error: a program that floods
//   its output is not what we started). Safe to call from several threads at once; `cancel`
//   may be set from any thread and is noticed within ~100 ms.
//
// A program name without a slash is looked up in PATH. A program that cannot be started is
// a ProcessError (StartFailed) naming it, from both.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace cmup {

class ProcessError : public std::runtime_error {
 public:
  enum class Kind { StartFailed, TimedOut, Cancelled, OutputTooLarge };
  ProcessError(Kind kind, const std::string& what) : std::runtime_error(what), kind(kind) {}
  Kind kind;
};

class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env = {},
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

struct RunOptions {
  std::chrono::milliseconds time_limit{std::chrono::minutes(10)};  // 0 = none
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(const std::string& line)> on_stdout_line;
  std::size_t stdout_cap = 16 << 20;
  std::size_t stderr_cap = 8 << 10;
};

struct ProcessResult {
  int exit_code = -1;  // WEXITSTATUS, or 128 + signal number
  std::string stdout_text;
  std::string stderr_tail;
};

ProcessResult run_program(const std::vector<std::string>& argv, const RunOptions& options = {});

// The stderr tail condensed for an error message: the last few non-empty lines, joined by
// " | " and cut to `max_len` characters.
std::string summarize_stderr(const std::string& tail, std::size_t max_len = 400);

// The directory of the running executable (where cmup-sim-* sit beside build/cmup).
std::filesystem::path executable_dir();

}  // namespace cmup
