#include "bot/rate_limiter.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace cmup::bot {

std::int64_t SteadyClock::now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void SteadyClock::sleep_until_us(std::int64_t t) {
  auto d = t - now_us();
  if (d > 0) std::this_thread::sleep_for(std::chrono::microseconds(d));
}

std::int64_t FakeClock::now_us() {
  std::lock_guard lk(mu_);
  return now_;
}

void FakeClock::sleep_until_us(std::int64_t t) {
  std::lock_guard lk(mu_);
  now_ = std::max(now_, t);
}

void FakeClock::advance_us(std::int64_t d) {
  std::lock_guard lk(mu_);
  now_ += d;
}

namespace {
std::int64_t interval_us(double per_s) { return per_s > 0 ? static_cast<std::int64_t>(1e6 / per_s) : 0; }
}  // namespace

RateLimiter::RateLimiter(RateLimits limits, Clock& clock)
    : limits_(limits),
      clock_(clock),
      chat_interval_us_(interval_us(limits.chat_per_s)),
      chat_tolerance_us_(chat_interval_us_ * std::max(0, limits.chat_burst - 1)),
      global_max_(static_cast<std::int64_t>(limits.global_per_s)) {}

std::int64_t RateLimiter::fit_global(std::int64_t t) {
  if (global_max_ <= 0) return t;
  // The earliest t' >= t such that no one-second window holding t' holds more than
  // global_max_ booked slots (a sliding window: a burst of global_max_ may go at once).
  for (;;) {
    auto lo = global_slots_.upper_bound(t - kWindowUs);  // slots in (t - W, t]
    auto hi = global_slots_.upper_bound(t);
    if (std::distance(lo, hi) >= global_max_) {
      t = *lo + kWindowUs;  // when the oldest of them leaves the window
      continue;
    }
    // Bookings already made for later (a chat waiting out a 429) count as well.
    auto ahead_end = global_slots_.lower_bound(t + kWindowUs);
    auto ahead_begin = global_slots_.lower_bound(t);
    if (std::distance(ahead_begin, ahead_end) >= global_max_) {
      t = *std::prev(ahead_end) + 1;
      continue;
    }
    break;
  }
  global_slots_.insert(t);
  return t;
}

void RateLimiter::prune(std::int64_t now_us) {
  global_slots_.erase(global_slots_.begin(), global_slots_.lower_bound(now_us - kWindowUs));
  // Chats whose bucket is full again carry no state worth keeping.
  if (chat_tat_.size() > 4096) {
    for (auto it = chat_tat_.begin(); it != chat_tat_.end();)
      it = it->second < now_us ? chat_tat_.erase(it) : std::next(it);
    for (auto it = chat_blocked_.begin(); it != chat_blocked_.end();)
      it = it->second < now_us ? chat_blocked_.erase(it) : std::next(it);
  }
}

std::int64_t RateLimiter::reserve(std::int64_t chat_id, std::int64_t now_us) {
  std::lock_guard lk(mu_);
  prune(now_us);
  std::int64_t earliest = now_us;
  if (auto b = chat_blocked_.find(chat_id); b != chat_blocked_.end())
    earliest = std::max(earliest, b->second);
  std::int64_t tat = now_us;
  if (auto it = chat_tat_.find(chat_id); it != chat_tat_.end()) tat = std::max(tat, it->second);
  earliest = std::max(earliest, tat - chat_tolerance_us_);
  std::int64_t slot = fit_global(earliest);
  chat_tat_[chat_id] = std::max(tat, slot) + chat_interval_us_;
  return slot;
}

void RateLimiter::acquire(std::int64_t chat_id) { clock_.sleep_until_us(reserve(chat_id, clock_.now_us())); }

void RateLimiter::block_chat(std::int64_t chat_id, std::int64_t until_us) {
  std::lock_guard lk(mu_);
  auto& b = chat_blocked_[chat_id];
  b = std::max(b, until_us);
  // After the block, the chat starts again with one message, not a full burst.
  auto& tat = chat_tat_[chat_id];
  tat = std::max(tat, until_us + chat_tolerance_us_);
}

std::int64_t RateLimiter::blocked_until(std::int64_t chat_id) {
  std::lock_guard lk(mu_);
  auto it = chat_blocked_.find(chat_id);
  return it == chat_blocked_.end() ? 0 : it->second;
}

}  // namespace cmup::bot
