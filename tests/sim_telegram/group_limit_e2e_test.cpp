// The Bot FAQ's per-group limit with --enforce-rate-limits: at most 20 messages per minute
// from one bot into one group or channel, refused with Telegram's 429 and a retry_after that
// ends when a message may be sent again. --rate-window-scale shrinks every window (0.1: the
// minute is 6 s, 1 message/s per chat is 10/s), so the test waits seconds, not minutes.
#include <thread>

#include "sim_fixture.hpp"

namespace cmup::simtg::test {
namespace {

// Calls `method` as often as the per-chat limit lets it (a refusal while fewer than 20 went
// through is that limit's: wait it out) until the group limit refuses one. Returns how many
// went through and that refusal (status 0 when none came within 60 calls).
std::pair<int, Reply> send_until_refused(Sim& sim, const std::string& token, const std::string& method,
                                         const json& params) {
  int sent = 0;
  for (int i = 0; i < 60; ++i) {
    auto r = sim.call(token, method, params);
    if (r.status == 200) {
      ++sent;
    } else if (r.status == 429 && sent < 20) {
      EXPECT_EQ(r.body["parameters"]["retry_after"], 1) << r.body.dump();  // ~1/s per chat, here 10/s
      std::this_thread::sleep_for(std::chrono::milliseconds(110));
    } else {
      return {sent, r};
    }
  }
  return {sent, Reply{}};
}

TEST(GroupLimit, TwentyMessagesPerWindowIntoAChannelThenTelegrams429UntilTheWindowMoves) {
  cmup::test::TempDir dir;
  Sim sim(dir, {"--enforce-rate-limits", "--rate-window-scale", "0.1"});
  auto [sent, refused] = send_until_refused(sim, kStoreToken, "sendMessage", {{"chat_id", kStore}, {"text", "x"}});
  EXPECT_EQ(sent, 20);
  ASSERT_EQ(refused.status, 429) << refused.body.dump();
  const int retry_after = refused.body["parameters"]["retry_after"];
  EXPECT_EQ(refused.body, json::parse(R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after )" +
                                      std::to_string(retry_after) + R"(","parameters":{"retry_after":)" +
                                      std::to_string(retry_after) + "}}"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 6);  // at most the (scaled) minute
  EXPECT_EQ(sim.messages(kStore).size(), 20u);  // the refused one was not posted

  // Another bot into the same channel has its own count (the limit is per bot).
  auto other = sim.call(kLocalToken, "sendMessage", {{"chat_id", kStore}, {"text", "other bot"}});
  EXPECT_EQ(other.status, 200) << other.body.dump();

  // A private chat is not a group: only the per-chat limit applies there.
  ASSERT_EQ(sim.control_post("/control/user_message", {{"bot", "store_bot"}, {"user_id", kAnn}, {"text", "/start"}}).status,
            200);
  EXPECT_EQ(sim.call(kStoreToken, "sendMessage", {{"chat_id", kAnn}, {"text", "hi"}}).status, 200);

  // After retry_after the channel takes messages again.
  std::this_thread::sleep_for(std::chrono::seconds(retry_after));
  auto again = sim.call(kStoreToken, "sendMessage", {{"chat_id", kStore}, {"text", "after the wait"}});
  EXPECT_EQ(again.status, 200) << again.body.dump();
}

TEST(GroupLimit, ForwardsIntoAChannelCountToo) {
  cmup::test::TempDir dir;
  Sim sim(dir, {"--enforce-rate-limits", "--rate-window-scale", "0.1"});
  ASSERT_EQ(sim.call(kStoreToken, "sendMessage", {{"chat_id", kStore}, {"text", "post"}}).status, 200);
  auto [forwarded, refused] = send_until_refused(sim, kDeliverToken, "forwardMessage",
                                                 {{"chat_id", kIndex}, {"from_chat_id", kStore}, {"message_id", 1}});
  EXPECT_EQ(forwarded, 20);
  EXPECT_EQ(refused.status, 429) << refused.body.dump();
  EXPECT_EQ(sim.messages(kIndex).size(), 20u);
}

}  // namespace
}  // namespace cmup::simtg::test
