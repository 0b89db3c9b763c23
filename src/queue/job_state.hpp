// The life of an upload variant (one row of upload_variants), as the queue drives it.
//
//            claim                      complete (all parts stored)
//   pending ───────────► claimed ─────────────────────────────────► done
//      ▲                  │  │  ▲
//      │ release          │  │  │ claim (next_attempt_at <= now)
//      └──────────────────┘  │  │
//                            │  retrying ◄── fail (retryable, attempts < max, a source alive)
//                            │
//                            └── fail (attempts exhausted | every source dead | not retryable)
//                                 ──► dead (dead_reason)
//
//   claimed ──(lease expired)──► claimable again by any worker (claim re-takes it, new token)
//   operators: dead|done|retrying|pending ──(`cmup requeue`, `cmup retry --dead`)──► pending
//
// Every arrow is one IMMEDIATE transaction in SqliteJobStore. A claim hands out a fresh
// lease token; every later write for that job carries it and is refused (LeaseLost) once the
// variant's token is different (fencing), so a worker whose lease moved on cannot write.
//
// Backoff (queue.backoff_*): the delay before a retrying job may be claimed again is
//   min(backoff_max_s, backoff_base_s * 2^(attempts-1)) * (1 + backoff_jitter * U[0,1))
// where attempts counts the attempts made so far (1 after the first failure). Jitter spreads
// retries of jobs that failed together (a source host going down) so they do not return at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cmup {

enum class JobState { Pending, Claimed, Retrying, Done, Dead };

const char* state_name(JobState s);                       // "pending", ...
std::optional<JobState> parse_state(const std::string& s);  // nullopt for anything else

struct BackoffPolicy {
  double base_s = 30;
  double max_s = 3600;
  double jitter = 0.25;
};

// The retry delay in milliseconds after `attempts` attempts (>= 1); `u` is a uniform random
// number in [0, 1) (passed in so tests are deterministic).
std::int64_t backoff_delay_ms(const BackoffPolicy& p, int attempts, double u);

}  // namespace cmup
