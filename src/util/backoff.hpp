// The one retry backoff formula: the queue's retries (queue.backoff_*), the CM client's
// retries of transient answers, and a remote worker waiting for its coordinator.
//
//   delay(attempts) = min(max_s, base_s * 2^(attempts-1)) * (1 + jitter * u),  u in [0, 1)
//
// where attempts counts the attempts made so far (1 after the first failure). Jitter spreads
// retries of work that failed together (a source host going down) so it does not return at
// once; jitter 0 gives the plain doubling.
//
// Contract: pure functions, thread-safe. backoff_delay_ms() takes `u` from the caller (tests
// are deterministic); backoff_delay_ms_random() draws it from a thread-local generator.
#pragma once

#include <cstdint>

namespace cmup {

struct BackoffPolicy {
  double base_s = 30;
  double max_s = 3600;
  double jitter = 0.25;
};

// The delay in milliseconds after `attempts` attempts (values below 1 count as 1).
std::int64_t backoff_delay_ms(const BackoffPolicy& p, int attempts, double u);
std::int64_t backoff_delay_ms_random(const BackoffPolicy& p, int attempts);

}  // namespace cmup
