// The bot's pacing, on a fake clock: bursts are queued (later slots), never dropped; a 429
// block delays only its own chat.
#include "bot/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace cmup::bot {
namespace {

constexpr std::int64_t kSec = 1'000'000;

TEST(RateLimiter, PerChatBurstThenOnePerSecond) {
  FakeClock clock;
  RateLimiter rl({/*global*/ 1000, /*chat*/ 1, /*burst*/ 3}, clock);
  const auto t0 = clock.now_us();
  std::vector<std::int64_t> slots;
  for (int i = 0; i < 6; ++i) slots.push_back(rl.reserve(42, t0));
  // Three go at once (give or take the global spacing), then one per second, none dropped.
  for (int i = 0; i < 3; ++i) EXPECT_LT(slots[i] - t0, kSec / 10) << i;
  for (int i = 3; i < 6; ++i) EXPECT_GE(slots[i] - slots[i - 1], kSec - kSec / 100) << i;
  EXPECT_LE(slots[5] - t0, 4 * kSec);
}

TEST(RateLimiter, GlobalLimitQueuesBeyondThirtyPerSecond) {
  FakeClock clock;
  RateLimiter rl({30, 1, 1}, clock);
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

TEST(RateLimiter, BlockedChatWaitsOthersDoNot) {
  FakeClock clock;
  RateLimiter rl({30, 1, 3}, clock);
  const auto t0 = clock.now_us();
  rl.block_chat(7, t0 + 5 * kSec);  // a 429 with retry_after 5
  auto blocked = rl.reserve(7, t0);
  EXPECT_GE(blocked, t0 + 5 * kSec);
  // The far-future booking of chat 7 must not push other chats back.
  for (int chat = 100; chat < 110; ++chat) EXPECT_LT(rl.reserve(chat, t0) - t0, kSec) << chat;
  EXPECT_EQ(rl.blocked_until(7), t0 + 5 * kSec);
  EXPECT_EQ(rl.blocked_until(100), 0);
}

TEST(RateLimiter, AcquireWaitsOnTheClock) {
  FakeClock clock;
  RateLimiter rl({1000, 1, 1}, clock);
  const auto t0 = clock.now_us();
  rl.acquire(5);
  EXPECT_EQ(clock.now_us(), t0);  // first message: no wait
  rl.acquire(5);
  EXPECT_EQ(clock.now_us(), t0 + kSec);  // the fake clock "slept" exactly one interval
}

TEST(RateLimiter, IdleChatRegainsItsBurst) {
  FakeClock clock;
  RateLimiter rl({1000, 1, 2}, clock);
  const auto t0 = clock.now_us();
  rl.reserve(9, t0);
  rl.reserve(9, t0);
  clock.advance_us(10 * kSec);
  auto t1 = clock.now_us();
  EXPECT_LT(rl.reserve(9, t1) - t1, kSec / 10);
  EXPECT_LT(rl.reserve(9, t1) - t1, kSec / 10);
  EXPECT_GE(rl.reserve(9, t1) - t1, kSec - kSec / 100);
}

}  // namespace
}  // namespace cmup::bot
