// The queue's side of the job state machine: the states and their allowed moves are in
// db/job_state.hpp (one table, shared with web and bot); this header adds the retry backoff.
//
// Backoff (queue.backoff_*): the delay before a retrying job may be claimed again is
//   min(backoff_max_s, backoff_base_s * 2^(attempts-1)) * (1 + backoff_jitter * U[0,1))
// where attempts counts the attempts made so far (1 after the first failure). Jitter spreads
// retries of jobs that failed together (a source host going down) so they do not return at once.
#pragma once

#include <cstdint>

#include "db/job_state.hpp"

namespace cmup {

struct BackoffPolicy {
  double base_s = 30;
  double max_s = 3600;
  double jitter = 0.25;
};

// The retry delay in milliseconds after `attempts` attempts (>= 1); `u` is a uniform random
// number in [0, 1) (passed in so tests are deterministic).
std::int64_t backoff_delay_ms(const BackoffPolicy& p, int attempts, double u);

}  // namespace cmup
