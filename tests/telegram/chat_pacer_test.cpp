// The nonce probe's pacing: ~1 message/s into any chat, and no more than 20 in any minute
// into a group or channel (Telegram's limits; a probe that ignored them would earn the
// account a FloodWait and pause its uploads).
#include "telegram/chat_pacer.hpp"

#include <gtest/gtest.h>

namespace cmup {
namespace {

using namespace std::chrono_literals;

TEST(ChatPacer, KeepsASecondBetweenMessagesIntoOneChat) {
  ChatPacer p;
  const ChatPacer::TimePoint t0{};
  EXPECT_EQ(p.reserve(7001, t0), t0);
  EXPECT_EQ(p.reserve(7001, t0), t0 + 1s);
  EXPECT_EQ(p.reserve(7001, t0 + 5s), t0 + 5s);  // long after: at once
  EXPECT_EQ(p.reserve(7002, t0 + 5s), t0 + 5s);  // another chat has its own pace
}

TEST(ChatPacer, NoMoreThanTwentyInAnyMinuteIntoAChannel) {
  ChatPacer p;
  const std::int64_t channel = -1001000000099;
  const ChatPacer::TimePoint t0{};
  std::vector<ChatPacer::TimePoint> at;
  for (int i = 0; i < 45; ++i) at.push_back(p.reserve(channel, t0));
  for (std::size_t i = 1; i < at.size(); ++i) EXPECT_GE(at[i] - at[i - 1], 1s) << i;
  EXPECT_EQ(at[19], t0 + 19s);         // the first 20 a second apart
  EXPECT_EQ(at[20], at[0] + 60s);      // the 21st waits until the 1st is a minute old
  for (std::size_t i = 20; i < at.size(); ++i) EXPECT_GE(at[i] - at[i - 20], 60s) << i;
  // A private chat is held to the per-second pace only.
  ChatPacer q;
  for (int i = 0; i < 25; ++i) EXPECT_EQ(q.reserve(7001, t0), t0 + i * 1s);
}

}  // namespace
}  // namespace cmup
