#include "util/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace cmup {

std::int64_t backoff_delay_ms(const BackoffPolicy& p, int attempts, double u) {
  // 2^(attempts-1) overflows nothing: the exponent is capped well before the max applies.
  int exp = std::clamp(attempts - 1, 0, 40);
  double base = std::min(p.max_s, p.base_s * std::pow(2.0, exp));
  double delay = base * (1.0 + p.jitter * std::clamp(u, 0.0, 1.0));
  return static_cast<std::int64_t>(delay * 1000.0);
}

std::int64_t backoff_delay_ms_random(const BackoffPolicy& p, int attempts) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return backoff_delay_ms(p, attempts, std::uniform_real_distribution<double>(0.0, 1.0)(rng));
}

}  // namespace cmup
