// The one pacing of messages a bot sends into Telegram chats (Bot FAQ, TELEGRAM.md: about 30
// messages/s overall, about 1 message/s per chat with short bursts tolerated, 20/min into a
// group or channel). The delivery bot paces every message with it; the uploader's nonce
// probe paces its forwards into the index chat; `cmup audit` paces its forwards into the
// check chat at the operator's --per-minute.
//
// Contract: reserve() never drops: it books the earliest moment at or after `now` at which a
// message to `chat_id` may leave and returns it; the caller waits until then (acquire() does
// the waiting through the clock). Every booked moment counts, whether or not the message was
// then sent. The rules, each off when its limit is 0:
//   - per chat, a GCRA (token bucket): `chat_burst` messages may leave at once, then one per
//     1/chat_per_s;
//   - overall, no one-second window holds more than global_per_s booked moments (a sliding
//     window);
//   - into a group or channel (chat id below 0), no minute holds more than group_per_minute
//     booked moments (a sliding window).
// A chat blocked by a 429 (block_chat) books only after its block ends, and a booking far in
// the future takes one global slot at that moment only, so it does not delay other chats now.
// Thread-safe; the clock is injectable so tests need no sleeping.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <unordered_map>

namespace cmup {

// Telegram's limit into one group or channel (Bot FAQ).
inline constexpr int kGroupMessagesPerMinute = 20;

// Monotonic time in microseconds, and waiting for it.
class PacerClock {
 public:
  virtual ~PacerClock() = default;
  virtual std::int64_t now_us() = 0;
  virtual void sleep_until_us(std::int64_t t) = 0;
};

class SteadyPacerClock : public PacerClock {
 public:
  std::int64_t now_us() override;
  void sleep_until_us(std::int64_t t) override;
};

// A clock that only moves when told, or when someone "sleeps" on it (tests).
class FakePacerClock : public PacerClock {
 public:
  explicit FakePacerClock(std::int64_t start_us = 1'000'000) : now_(start_us) {}
  std::int64_t now_us() override;
  void sleep_until_us(std::int64_t t) override;  // jumps forward to t
  void advance_us(std::int64_t d);

 private:
  std::mutex mu_;
  std::int64_t now_;
};

struct PacingLimits {
  double global_per_s = 30;
  double chat_per_s = 1;
  int chat_burst = 3;
  int group_per_minute = 0;  // into chats with an id below 0; 0 = not applied
};

class MessagePacer {
 public:
  MessagePacer(PacingLimits limits, PacerClock& clock);

  // Books a slot for one message to `chat_id`; returns when it may leave (>= now_us).
  std::int64_t reserve(std::int64_t chat_id, std::int64_t now_us);
  // reserve() at the clock's now, then waits until the slot.
  void acquire(std::int64_t chat_id);
  // After a 429 with retry_after: nothing more leaves for this chat before `until_us`.
  void block_chat(std::int64_t chat_id, std::int64_t until_us);
  // When the chat's block ends (0 when not blocked).
  std::int64_t blocked_until(std::int64_t chat_id);

  PacerClock& clock() { return clock_; }

 private:
  static std::int64_t fit_window(const std::multiset<std::int64_t>& slots, std::int64_t max,
                                 std::int64_t window_us, std::int64_t t);
  void prune(std::int64_t now_us);

  PacingLimits limits_;
  PacerClock& clock_;
  std::int64_t chat_interval_us_;
  std::int64_t chat_tolerance_us_;
  static constexpr std::int64_t kWindowUs = 1'000'000;
  static constexpr std::int64_t kGroupWindowUs = 60'000'000;
  std::int64_t global_max_;  // messages in any one-second window
  std::mutex mu_;
  std::unordered_map<std::int64_t, std::int64_t> chat_tat_;      // GCRA theoretical arrival time
  std::unordered_map<std::int64_t, std::int64_t> chat_blocked_;  // 429 until
  std::multiset<std::int64_t> global_slots_;                     // booked moments (several may share one)
  std::unordered_map<std::int64_t, std::multiset<std::int64_t>> group_slots_;  // per group chat, last minute
};

}  // namespace cmup
