// Telegram's per-group limit for bots (Bot FAQ, TELEGRAM.md): a bot sends at most 20
// messages per minute into one group or channel (chat ids below 0). Enforced with
// --enforce-rate-limits, next to RateLimits (faults.hpp: ~1/s per chat, 30/s per bot).
//
// Contract: check() is asked once per sending call into a chat; for a group or channel it
// refuses the call (returns retry_after seconds, whole and at least 1, as Telegram reports
// them) when the bot already sent kGroupMessagesPerWindow there within the last window, and
// otherwise counts the call. A private chat is never refused here. refund() takes back the
// last counted call when a later limit refused it (the message was not sent). The window
// is 60 s times the scale (--rate-window-scale, tests shrink it). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>

namespace cmup::simtg {

inline constexpr int kGroupMessagesPerWindow = 20;
inline constexpr double kGroupWindowSeconds = 60;

class GroupLimit {
 public:
  void set_window_scale(double scale);
  std::optional<int> check(std::int64_t bot_id, std::int64_t chat_id);
  void refund(std::int64_t bot_id, std::int64_t chat_id);

 private:
  using Clock = std::chrono::steady_clock;
  std::mutex mu_;
  double window_s_ = kGroupWindowSeconds;
  std::map<std::pair<std::int64_t, std::int64_t>, std::deque<Clock::time_point>> sent_;  // (bot, chat)
};

}  // namespace cmup::simtg
