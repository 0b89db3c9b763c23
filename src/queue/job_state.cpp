#include "queue/job_state.hpp"

#include <algorithm>
#include <cmath>

namespace cmup {

std::int64_t backoff_delay_ms(const BackoffPolicy& p, int attempts, double u) {
  // 2^(attempts-1) overflows nothing: the exponent is capped well before the max applies.
  int exp = std::clamp(attempts - 1, 0, 40);
  double base = std::min(p.max_s, p.base_s * std::pow(2.0, exp));
  double delay = base * (1.0 + p.jitter * std::clamp(u, 0.0, 1.0));
  return static_cast<std::int64_t>(delay * 1000.0);
}

}  // namespace cmup
