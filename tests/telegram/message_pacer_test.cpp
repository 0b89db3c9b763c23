// The one message pacing (the delivery bot, the nonce probe, cmup audit), on a fake clock:
// bursts are queued (later slots), never dropped; a 429 block delays only its own chat; into a
// group or channel no minute holds more than 20 (a probe or audit that ignored it would earn
// the account a FloodWait).
#include "telegram/message_pacer.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace cmup {
namespace {

constexpr std::int64_t kSec = 1'000'000;

TEST(MessagePacer, PerChatBurstThenOnePerSecond) {
  FakePacerClock clock;
  MessagePacer rl({/*global*/ 1000, /*chat*/ 1, /*burst*/ 3}, clock);
  const auto t0 = clock.now_us();
  std::vector<std::int64_t> slots;
  for (int i = 0; i < 6; ++i) slots.push_back(rl.reserve(42, t0));
  // Three go at once (give or take the global spacing), then one per second, none dropped.
  for (int i = 0; i < 3; ++i) EXPECT_LT(slots[i] - t0, kSec / 10) << i;
  for (int i = 3; i < 6; ++i) EXPECT_GE(slots[i] - slots[i - 1], kSec - kSec / 100) << i;
  EXPECT_LE(slots[5] - t0, 4 * kSec);
}

TEST(MessagePacer, GlobalLimitQueuesBeyondThirtyPerSecond) {
  FakePacerClock clock;
  MessagePacer rl({30, 1, 1}, clock);
  const auto t0 = clock.now_us();
  std::vector<std::int64_t> slots;
  for (int chat = 1; chat <= 90; ++chat) slots.push_back(rl.reserve(chat, t0));
  // 90 messages to 90 chats: 30 go at once, the rest in later seconds; none dropped, and
  // no one-second window ever holds more than 30.
  std::sort(slots.begin(), slots.end());
  EXPECT_EQ(slots[29], t0);
  EXPECT_GE(slots[89] - t0, 2 * kSec);
  for (size_t i = 30; i < slots.size(); ++i) EXPECT_GE(slots[i] - slots[i - 30], kSec) << i;
}

TEST(MessagePacer, BlockedChatWaitsOthersDoNot) {
  FakePacerClock clock;
  MessagePacer rl({30, 1, 3}, clock);
  const auto t0 = clock.now_us();
  rl.block_chat(7, t0 + 5 * kSec);  // a 429 with retry_after 5
  auto blocked = rl.reserve(7, t0);
  EXPECT_GE(blocked, t0 + 5 * kSec);
  // The far-future booking of chat 7 must not push other chats back.
  for (int chat = 100; chat < 110; ++chat) EXPECT_LT(rl.reserve(chat, t0) - t0, kSec) << chat;
  EXPECT_EQ(rl.blocked_until(7), t0 + 5 * kSec);
  EXPECT_EQ(rl.blocked_until(100), 0);
}

TEST(MessagePacer, AcquireWaitsOnTheClock) {
  FakePacerClock clock;
  MessagePacer rl({1000, 1, 1}, clock);
  const auto t0 = clock.now_us();
  rl.acquire(5);
  EXPECT_EQ(clock.now_us(), t0);  // first message: no wait
  rl.acquire(5);
  EXPECT_EQ(clock.now_us(), t0 + kSec);  // the fake clock "slept" exactly one interval
}

TEST(MessagePacer, IdleChatRegainsItsBurst) {
  FakePacerClock clock;
  MessagePacer rl({1000, 1, 2}, clock);
  const auto t0 = clock.now_us();
  rl.reserve(9, t0);
  rl.reserve(9, t0);
  clock.advance_us(10 * kSec);
  auto t1 = clock.now_us();
  EXPECT_LT(rl.reserve(9, t1) - t1, kSec / 10);
  EXPECT_LT(rl.reserve(9, t1) - t1, kSec / 10);
  EXPECT_GE(rl.reserve(9, t1) - t1, kSec - kSec / 100);
}

// The nonce probe's pacing: a second apart into any chat, no burst, no overall limit.
constexpr PacingLimits kProbe{0, 1, 1, kGroupMessagesPerMinute};

TEST(MessagePacer, KeepsASecondBetweenMessagesIntoOneChat) {
  FakePacerClock clock;
  MessagePacer p(kProbe, clock);
  const auto t0 = clock.now_us();
  EXPECT_EQ(p.reserve(7001, t0), t0);
  EXPECT_EQ(p.reserve(7001, t0), t0 + kSec);
  EXPECT_EQ(p.reserve(7001, t0 + 5 * kSec), t0 + 5 * kSec);  // long after: at once
  EXPECT_EQ(p.reserve(7002, t0 + 5 * kSec), t0 + 5 * kSec);  // another chat has its own pace
}

TEST(MessagePacer, NoMoreThanTwentyInAnyMinuteIntoAChannel) {
  FakePacerClock clock;
  MessagePacer p(kProbe, clock);
  const std::int64_t channel = -1001000000099;
  const auto t0 = clock.now_us();
  std::vector<std::int64_t> at;
  for (int i = 0; i < 45; ++i) at.push_back(p.reserve(channel, t0));
  for (std::size_t i = 1; i < at.size(); ++i) EXPECT_GE(at[i] - at[i - 1], kSec) << i;
  EXPECT_EQ(at[19], t0 + 19 * kSec);     // the first 20 a second apart
  EXPECT_EQ(at[20], at[0] + 60 * kSec);  // the 21st waits until the 1st is a minute old
  for (std::size_t i = 20; i < at.size(); ++i) EXPECT_GE(at[i] - at[i - 20], 60 * kSec) << i;
  // A private chat is held to the per-second pace only.
  MessagePacer q(kProbe, clock);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(q.reserve(7001, t0), t0 + i * kSec);
}

// The group minute and the overall second together (the delivery bot's limits with the group
// rule on): a burst into a channel is held to 20 a minute even while the second has room,
// and the channel's waiting bookings do not hold back private chats.
TEST(MessagePacer, GroupMinuteAndOverallSecondTogether) {
  FakePacerClock clock;
  MessagePacer p({30, 1, 3, kGroupMessagesPerMinute}, clock);
  const std::int64_t channel = -1001000000042;
  const auto t0 = clock.now_us();
  std::vector<std::int64_t> at;
  for (int i = 0; i < 25; ++i) at.push_back(p.reserve(channel, t0));
  std::sort(at.begin(), at.end());
  for (std::size_t i = 20; i < at.size(); ++i) EXPECT_GE(at[i] - at[i - 20], 60 * kSec) << i;
  for (int chat = 1; chat <= 20; ++chat) EXPECT_LT(p.reserve(chat, t0) - t0, kSec) << chat;
}

// cmup audit's pacing: the operator's --per-minute, one at a time; a 429 holds the check chat
// for its retry_after, then the next forward goes at once.
TEST(MessagePacer, AuditPaceAndA429) {
  FakePacerClock clock;
  MessagePacer p({0, 30 / 60.0, 1, 0}, clock);  // --per-minute 30
  const std::int64_t chat = -1001000000007;
  const auto t0 = clock.now_us();
  p.acquire(chat);
  EXPECT_EQ(clock.now_us(), t0);
  p.acquire(chat);
  EXPECT_EQ(clock.now_us(), t0 + 2 * kSec);
  p.block_chat(chat, clock.now_us() + 7 * kSec);  // "retry after 7"
  p.acquire(chat);
  EXPECT_EQ(clock.now_us(), t0 + 9 * kSec);
  // No group rule: 40 more at the operator's pace, none held for a minute.
  for (int i = 1; i <= 40; ++i) {
    p.acquire(chat);
    EXPECT_EQ(clock.now_us(), t0 + 9 * kSec + i * 2 * kSec) << i;
  }
}

}  // namespace
}  // namespace cmup
