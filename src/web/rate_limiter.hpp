// Token-bucket rate limits keyed by a string (a user id, an IP address).
//
// Contract: allow(key, now) admits at most `burst` calls at once and refills `per_minute`
// tokens per minute per key; a refused call costs nothing. Keys idle long enough to be full
// again are forgotten, so memory stays bounded by the keys active within a few minutes.
// per_minute == 0 disables the limit. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cmup::web {

class RateLimiter {
 public:
  RateLimiter(int per_minute, int burst);
  // Whether a call by `key` at `now_ms` is allowed (and counted).
  bool allow(const std::string& key, std::int64_t now_ms);
  // Seconds until `key` may call again (for Retry-After); 0 when it may now.
  int retry_after_s(const std::string& key, std::int64_t now_ms);

 private:
  struct Bucket {
    double tokens;
    std::int64_t at_ms;
  };
  void refill(Bucket& b, std::int64_t now_ms) const;
  void forget_idle(std::int64_t now_ms);

  double per_ms_;
  double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::int64_t last_sweep_ms_ = 0;
};

}  // namespace cmup::web
