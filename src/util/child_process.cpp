#include "util/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

extern char** environ;

namespace cmup {

namespace {

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

void make_pipe(Fd& r, Fd& w) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0)
    throw ProcessError(ProcessError::Kind::StartFailed,
                       std::string("pipe: ") + std::generic_category().message(errno));
  r.fd = p[0];
  w.fd = p[1];
}

int exit_status(int st) { return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st); }

// Kills the whole group and reaps the child; returns its exit status.
int kill_group_and_reap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return exit_status(st);
}

// The one spawn: `argv` (PATH lookup without a slash) with `envp`, stdout and stderr to the
// given descriptors (-1: inherited), stdin from /dev/null, in a new process group (so a
// timeout or a destructor ends the program and anything it started), with default signal
// dispositions and an empty mask whatever the calling thread had.
pid_t spawn_in_group(const std::vector<std::string>& argv, char* const* envp, int out_fd, int err_fd) {
  if (argv.empty()) throw ProcessError(ProcessError::Kind::StartFailed, "no program given to start");
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (out_fd >= 0) posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  if (err_fd >= 0) posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGHUP);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &fa, &attr, args.data(), envp);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    throw ProcessError(ProcessError::Kind::StartFailed, "cannot start " + argv[0] + ": " +
                                                            std::generic_category().message(rc) +
                                                            " (is it installed and in PATH?)");
  }
  return pid;
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& extra_env,
                           std::filesystem::path log_path)
    : log_(std::move(log_path)) {
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    if (!extra_env.count(kv.substr(0, kv.find('=')))) envs.push_back(kv);
  }
  for (const auto& [k, v] : extra_env) envs.push_back(k + "=" + v);
  std::vector<char*> cenv;
  cenv.reserve(envs.size() + 1);
  for (auto& e : envs) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  Fd log_fd;
  if (!log_.empty()) {
    log_fd.fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd.fd < 0)
      throw std::runtime_error("cannot open log " + log_.string() + ": " +
                               std::generic_category().message(errno));
  }
  pid_ = spawn_in_group(argv, cenv.data(), log_fd.fd, log_fd.fd);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !reaped_) kill_group_and_reap(pid_);
}

bool ChildProcess::running() {
  if (reaped_) return false;
  int st;
  if (waitpid(pid_, &st, WNOHANG) == pid_) {
    reaped_ = true;
    status_ = exit_status(st);
    // Whatever the child left in its group goes with it.
    ::kill(-pid_, SIGKILL);
    return false;
  }
  return true;
}

void ChildProcess::signal(int sig) {
  if (!reaped_) ::kill(-pid_, sig);
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  signal(SIGTERM);
  int st = wait(grace);
  if (st >= 0) return st;
  signal(SIGKILL);
  return wait(std::chrono::seconds(10));
}

std::string ChildProcess::log() const {
  std::ifstream in(log_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ProcessResult run_program(const std::vector<std::string>& argv, const RunOptions& opt) {
  if (argv.empty()) throw ProcessError(ProcessError::Kind::StartFailed, "run_program: empty argument vector");
  Fd out_r, out_w, err_r, err_w;
  make_pipe(out_r, out_w);
  make_pipe(err_r, err_w);
  pid_t pid = spawn_in_group(argv, environ, out_w.fd, err_w.fd);
  out_w.reset();
  err_w.reset();

  ProcessResult res;
  std::string line_buf;
  const auto start = std::chrono::steady_clock::now();
  auto fail = [&](ProcessError::Kind kind, const std::string& why) {
    kill_group_and_reap(pid);
    throw ProcessError(kind, argv[0] + " " + why);
  };
  char buf[16384];
  while (out_r.fd >= 0 || err_r.fd >= 0) {
    if (opt.cancel && opt.cancel->load()) fail(ProcessError::Kind::Cancelled, "cancelled");
    if (opt.time_limit.count() > 0 && std::chrono::steady_clock::now() - start > opt.time_limit) {
      fail(ProcessError::Kind::TimedOut,
           "took longer than " + std::to_string(opt.time_limit.count() / 1000) + " s and was stopped");
    }
    pollfd fds[2];
    nfds_t n = 0;
    if (out_r.fd >= 0) fds[n++] = {out_r.fd, POLLIN, 0};
    if (err_r.fd >= 0) fds[n++] = {err_r.fd, POLLIN, 0};
    int pr = ::poll(fds, n, 100);
    if (pr < 0 && errno != EINTR)
      fail(ProcessError::Kind::StartFailed, std::string("poll: ") + std::generic_category().message(errno));
    if (pr <= 0) continue;
    for (nfds_t i = 0; i < n; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      bool is_out = fds[i].fd == out_r.fd;
      if (got <= 0) {
        (is_out ? out_r : err_r).reset();
        continue;
      }
      if (!is_out) {
        res.stderr_tail.append(buf, static_cast<size_t>(got));
        if (res.stderr_tail.size() > opt.stderr_cap)
          res.stderr_tail.erase(0, res.stderr_tail.size() - opt.stderr_cap);
      } else if (opt.on_stdout_line) {
        line_buf.append(buf, static_cast<size_t>(got));
        size_t pos;
        while ((pos = line_buf.find('\n')) != std::string::npos) {
          opt.on_stdout_line(line_buf.substr(0, pos));
          line_buf.erase(0, pos + 1);
        }
        if (line_buf.size() > (1 << 20))
          fail(ProcessError::Kind::OutputTooLarge, "printed a line longer than 1 MiB");
      } else {
        res.stdout_text.append(buf, static_cast<size_t>(got));
        if (res.stdout_text.size() > opt.stdout_cap) {
          fail(ProcessError::Kind::OutputTooLarge,
               "printed more than " + std::to_string(opt.stdout_cap) + " bytes");
        }
      }
    }
  }
  if (opt.on_stdout_line && !line_buf.empty()) opt.on_stdout_line(line_buf);

  // Both pipes are closed: the program has exited (or closed them); wait for it, still
  // bounded by the time limit and cancel.
  // waitid(WNOWAIT) sees the exit without reaping, so the group id cannot be reused before
  // the children the program may have left in its group are ended.
  for (;;) {
    siginfo_t si{};
    int w = ::waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOHANG | WNOWAIT);
    if (w == 0 && si.si_pid == pid) break;
    if (w < 0 && errno != EINTR)
      throw ProcessError(ProcessError::Kind::StartFailed,
                         std::string("waitid: ") + std::generic_category().message(errno));
    if (opt.cancel && opt.cancel->load()) fail(ProcessError::Kind::Cancelled, "cancelled");
    if (opt.time_limit.count() > 0 && std::chrono::steady_clock::now() - start > opt.time_limit) {
      fail(ProcessError::Kind::TimedOut, "did not exit in time and was stopped");
    }
    ::usleep(10000);
  }
  res.exit_code = kill_group_and_reap(pid);
  return res;
}

std::string summarize_stderr(const std::string& tail, std::size_t max_len) {
  std::vector<std::string> lines;
  size_t b = 0;
  while (b < tail.size()) {
    size_t e = tail.find('\n', b);
    if (e == std::string::npos) e = tail.size();
    std::string l = tail.substr(b, e - b);
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ')) l.pop_back();
    if (!l.empty()) lines.push_back(l);
    b = e + 1;
  }
  std::string out;
  size_t first = lines.size() > 3 ? lines.size() - 3 : 0;
  for (size_t i = first; i < lines.size(); ++i) {
    if (!out.empty()) out += " | ";
    out += lines[i];
  }
  if (out.size() > max_len) out = "..." + out.substr(out.size() - max_len);
  return out.empty() ? "(no error output)" : out;
}

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : p.parent_path();
}

}  // namespace cmup
