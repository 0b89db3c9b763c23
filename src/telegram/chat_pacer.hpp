// Pacing of one bot's messages into a chat within Telegram's limits (Bot FAQ, TELEGRAM.md):
// about 1 message per second in a chat, and at most 20 messages per minute into a group or
// channel (chat ids below 0). The nonce probe paces its forwards into the index chat with it,
// so a long probe waits its turn instead of earning the account a FloodWait.
//
// Contract: reserve(chat_id, now) returns the earliest moment at or after `now` at which one
// more message into chat_id keeps both limits (counting every moment reserved before, whether
// or not the message was then sent) and books it; the caller waits until then. Books only
// what it returns; forgets bookings older than a minute. Not thread-safe: one per uploader.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>

namespace cmup {

inline constexpr std::chrono::milliseconds kChatMessageGap{1000};       // ~1 message/s per chat
inline constexpr int kGroupMessagesPerMinute = 20;                       // into one group or channel
inline constexpr std::chrono::milliseconds kGroupWindow{60'000};

class ChatPacer {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  TimePoint reserve(std::int64_t chat_id, TimePoint now);

 private:
  std::map<std::int64_t, std::deque<TimePoint>> booked_;  // per chat, in order
};

}  // namespace cmup
