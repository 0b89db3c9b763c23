#include "queue/shutdown_signals.hpp"

#include <pthread.h>

#include <atomic>

namespace cmup {

namespace {
// SIGUSR2 only wakes the waiting thread when the object goes away.
constexpr int kWake = SIGUSR2;
}  // namespace

ShutdownSignals::ShutdownSignals(std::function<void(int)> on_signal, std::function<void(int)> on_second) {
  sigemptyset(&set_);
  sigaddset(&set_, SIGTERM);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, kWake);
  pthread_sigmask(SIG_BLOCK, &set_, &old_);
  thread_ = std::thread([this, on_signal = std::move(on_signal), on_second = std::move(on_second)] {
    int seen = 0;
    for (;;) {
      int sig = 0;
      if (sigwait(&set_, &sig) != 0 || sig == kWake) return;
      if (seen++ == 0)
        on_signal(sig);
      else
        on_second(sig);
    }
  });
}

ShutdownSignals::~ShutdownSignals() {
  pthread_kill(thread_.native_handle(), kWake);
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

}  // namespace cmup
