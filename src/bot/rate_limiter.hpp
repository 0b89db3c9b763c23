// Outgoing message pacing for the delivery bot (Bot FAQ: about 30 messages/s overall and
// about 1 message/s per chat, short bursts tolerated; TELEGRAM.md).
//
// Contract: reserve() never drops: it books the earliest moment at or after `now` at which a
// message to `chat_id` may leave and returns it; the caller waits until then (acquire() does
// the waiting through the Clock). Per chat it is a GCRA (token bucket): `chat_burst` messages
// may leave at once, then one per 1/chat_per_s. Overall, no one-second window holds more
// than global_per_s booked moments (a sliding window). A chat blocked by a 429 (block_chat) books only after
// its block ends, and a booking far in the future takes one global slot at that moment only, so it does not
// delay other chats now. Thread-safe; the Clock is injectable so tests need no sleeping.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

namespace cmup::bot {

// Monotonic time in microseconds, and waiting for it.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_us() = 0;
  virtual void sleep_until_us(std::int64_t t) = 0;
};

class SteadyClock : public Clock {
 public:
  std::int64_t now_us() override;
  void sleep_until_us(std::int64_t t) override;
};

// A clock that only moves when told, or when someone "sleeps" on it (tests).
class FakeClock : public Clock {
 public:
  explicit FakeClock(std::int64_t start_us = 1'000'000) : now_(start_us) {}
  std::int64_t now_us() override;
  void sleep_until_us(std::int64_t t) override;  // jumps forward to t
  void advance_us(std::int64_t d);

 private:
  std::mutex mu_;
  std::int64_t now_;
};

struct RateLimits {
  double global_per_s = 30;
  double chat_per_s = 1;
  int chat_burst = 3;
};

class RateLimiter {
 public:
  RateLimiter(RateLimits limits, Clock& clock);

  // Books a slot for one message to `chat_id`; returns when it may leave (>= now_us).
  std::int64_t reserve(std::int64_t chat_id, std::int64_t now_us);
  // reserve() at the clock's now, then waits until the slot.
  void acquire(std::int64_t chat_id);
  // After a 429 with retry_after: nothing more leaves for this chat before `until_us`.
  void block_chat(std::int64_t chat_id, std::int64_t until_us);
  // When the chat's block ends (0 when not blocked).
  std::int64_t blocked_until(std::int64_t chat_id);

  Clock& clock() { return clock_; }

 private:
  std::int64_t fit_global(std::int64_t t);
  void prune(std::int64_t now_us);

  RateLimits limits_;
  Clock& clock_;
  std::int64_t chat_interval_us_;
  std::int64_t chat_tolerance_us_;
  static constexpr std::int64_t kWindowUs = 1'000'000;
  std::int64_t global_max_;  // messages in any one-second window
  std::mutex mu_;
  std::unordered_map<std::int64_t, std::int64_t> chat_tat_;      // GCRA theoretical arrival time
  std::unordered_map<std::int64_t, std::int64_t> chat_blocked_;  // 429 until
  std::multiset<std::int64_t> global_slots_;                     // booked moments (several may share one)
};

}  // namespace cmup::bot
