// Runs an external program (ffprobe, ffmpeg) to completion: argument vector, no shell.
//
// Contract: run_program() starts argv[0] (looked up in PATH) with stdin from /dev/null, in
// its own process group, and waits for it. It returns the exit code and captured output;
// it never throws for a program that runs and fails (exit_code != 0, `stderr_tail` holds
// the last stderr_cap bytes of its stderr, which is what ffmpeg prints last: the reason).
// It throws ProcessError when the program cannot be started, exceeds `time_limit`, or is
// cancelled; in the last two cases the whole process group is killed (SIGKILL) and reaped
// before it throws, so nothing is left running. stdout goes to `on_stdout_line` line by
// line when set, else into `stdout_text` up to stdout_cap bytes (more is an error: a
// program that floods its output is not what we started).
// Thread-safety: safe to call from several threads at once; `cancel` may be set from any
// thread and is noticed within ~100 ms.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cmup::media {

class ProcessError : public std::runtime_error {
 public:
  enum class Kind { StartFailed, TimedOut, Cancelled, OutputTooLarge };
  ProcessError(Kind kind, const std::string& what) : std::runtime_error(what), kind(kind) {}
  Kind kind;
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

}  // namespace cmup::media
