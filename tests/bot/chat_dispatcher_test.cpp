// Per-chat ordering, cross-chat parallelism: a stuck chat does not hold up another.
#include "bot/chat_dispatcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>

#include "support/test_support.hpp"

namespace cmup::bot {
namespace {

Update upd(std::int64_t chat, std::int64_t id) {
  Update u;
  u.chat_id = chat;
  u.update_id = id;
  return u;
}

TEST(ChatDispatcher, KeepsOrderWithinAChat) {
  std::mutex mu;
  std::vector<std::int64_t> seen;
  ChatDispatcher d(4, [&](const Update& u) {
    std::lock_guard lk(mu);
    seen.push_back(u.update_id);
  });
  for (int i = 0; i < 200; ++i) d.post(upd(1, i));
  ASSERT_TRUE(test::wait_until([&] { return d.idle() && seen.size() == 200; }, std::chrono::seconds(10)));
  for (int i = 0; i < 200; ++i) EXPECT_EQ(seen[i], i);
}

TEST(ChatDispatcher, AStuckChatDoesNotBlockOthers) {
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> other_done{0};
  ChatDispatcher d(2, [&](const Update& u) {
    if (u.chat_id == 1)
      released.wait();  // chat 1 waits out its "429"
    else
      ++other_done;
  });
  d.post(upd(1, 1));
  d.post(upd(1, 2));
  for (int i = 0; i < 10; ++i) d.post(upd(2, 10 + i));
  EXPECT_TRUE(test::wait_until([&] { return other_done == 10; }, std::chrono::seconds(10)));
  release.set_value();
  EXPECT_TRUE(test::wait_until([&] { return d.idle(); }, std::chrono::seconds(10)));
}

}  // namespace
}  // namespace cmup::bot
