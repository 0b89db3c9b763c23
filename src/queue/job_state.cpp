#include "queue/job_state.hpp"

#include <algorithm>
#include <cmath>

namespace cmup {

const char* state_name(JobState s) {
  switch (s) {
    case JobState::Pending: return "pending";
    case JobState::Claimed: return "claimed";
    case JobState::Retrying: return "retrying";
    case JobState::Done: return "done";
    case JobState::Dead: return "dead";
  }
  return "unknown";
}

std::optional<JobState> parse_state(const std::string& s) {
  for (auto st : {JobState::Pending, JobState::Claimed, JobState::Retrying, JobState::Done, JobState::Dead})
    if (s == state_name(st)) return st;
  return std::nullopt;
}

std::int64_t backoff_delay_ms(const BackoffPolicy& p, int attempts, double u) {
  // 2^(attempts-1) overflows nothing: the exponent is capped well before the max applies.
  int exp = std::clamp(attempts - 1, 0, 40);
  double base = std::min(p.max_s, p.base_s * std::pow(2.0, exp));
  double delay = base * (1.0 + p.jitter * std::clamp(u, 0.0, 1.0));
  return static_cast<std::int64_t>(delay * 1000.0);
}

}  // namespace cmup
