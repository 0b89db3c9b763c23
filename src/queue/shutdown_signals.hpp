// ShutdownSignals: turns SIGTERM / SIGINT into an ordinary callback, for `cmup worker`.
//
// Contract: the constructor blocks SIGTERM and SIGINT in the calling thread, so construct it
// before starting any other thread (they inherit the mask); a dedicated thread waits for the
// signals (sigwait) and calls on_signal(signo) from there, where it may lock and log, which
// a real signal handler may not. A second signal calls on_second(signo) (e.g. _exit).
// The destructor ends the thread and restores the previous mask.
#pragma once

#include <csignal>
#include <functional>
#include <thread>

namespace cmup {

class ShutdownSignals {
 public:
  ShutdownSignals(std::function<void(int)> on_signal, std::function<void(int)> on_second);
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

 private:
  sigset_t set_{}, old_{};
  std::thread thread_;
};

}  // namespace cmup
