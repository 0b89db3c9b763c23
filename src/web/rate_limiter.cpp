#include "web/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace cmup::web {

RateLimiter::RateLimiter(int per_minute, int burst)
    : per_ms_(per_minute / 60000.0), burst_(std::max(1, burst)) {}

void RateLimiter::refill(Bucket& b, std::int64_t now_ms) const {
  if (now_ms > b.at_ms) b.tokens = std::min(burst_, b.tokens + (now_ms - b.at_ms) * per_ms_);
  b.at_ms = std::max(b.at_ms, now_ms);
}

void RateLimiter::forget_idle(std::int64_t now_ms) {
  if (now_ms - last_sweep_ms_ < 60000) return;
  last_sweep_ms_ = now_ms;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now_ms);
    it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
  }
}

bool RateLimiter::allow(const std::string& key, std::int64_t now_ms) {
  if (per_ms_ <= 0) return true;
  std::lock_guard lock(mu_);
  forget_idle(now_ms);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now_ms});
  refill(it->second, now_ms);
  if (it->second.tokens < 1.0) return false;
  it->second.tokens -= 1.0;
  return true;
}

int RateLimiter::retry_after_s(const std::string& key, std::int64_t now_ms) {
  if (per_ms_ <= 0) return 0;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return 0;
  refill(it->second, now_ms);
  if (it->second.tokens >= 1.0) return 0;
  return static_cast<int>(std::ceil((1.0 - it->second.tokens) / per_ms_ / 1000.0));
}

}  // namespace cmup::web
