// Updates: getUpdates offsets and long polling, who receives channel_post, callbacks,
// and webhook delivery with the secret header.
#include <future>

#include "sim_fixture.hpp"

namespace cmup::simtg::test {
namespace {

class Updates : public ::testing::Test {
 protected:
  cmup::test::TempDir dir;
  Sim sim{dir};
  void say(std::int64_t user, const std::string& text, const std::string& bot = "deliver_bot") {
    auto r = sim.control_post("/control/user_message", {{"bot", bot}, {"user_id", user}, {"text", text}});
    ASSERT_EQ(r.status, 200) << r.body.dump();
  }
  json updates(const json& params = json::object(), int read_timeout_s = 30) {
    auto r = sim.call(kDeliverToken, "getUpdates", params, read_timeout_s);
    EXPECT_EQ(r.status, 200) << r.body.dump();
    return r.body["result"];
  }
};

TEST_F(Updates, OffsetConfirmsAndDropsEarlierUpdates) {
  say(kAnn, "/start v12");
  say(kAnn, "/help");
  say(kBob, "/start");
  auto all = updates();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["message"]["text"], "/start v12");
  EXPECT_EQ(all[0]["message"]["entities"][0]["type"], "bot_command");
  EXPECT_EQ(all[0]["message"]["from"]["first_name"], "Ann");
  const std::int64_t first = all[0]["update_id"];
  EXPECT_EQ(all[1]["update_id"], first + 1);
  // Without an offset nothing is confirmed.
  EXPECT_EQ(updates().size(), 3u);
  // limit caps the batch.
  EXPECT_EQ(updates({{"limit", 1}}).size(), 1u);
  // offset = last seen + 1 confirms the first two.
  auto rest = updates({{"offset", first + 2}});
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0]["message"]["chat"]["id"], kBob);
  // ...and they are gone for good.
  EXPECT_EQ(updates().size(), 1u);
  EXPECT_TRUE(updates({{"offset", first + 3}}).empty());
}

TEST_F(Updates, LongPollWakesOnANewUpdate) {
  auto poll = std::async(std::launch::async, [&] { return updates({{"timeout", 50}}, 70); });
  // The poll is waiting (nothing queued yet); a user message must end it with that message.
  ASSERT_EQ(poll.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  say(kAnn, "/start");
  ASSERT_EQ(poll.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  auto got = poll.get();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["message"]["text"], "/start");
}

TEST_F(Updates, ASecondPollEndsTheFirstWithConflict) {
  auto first = std::async(std::launch::async, [&] { return sim.call(kDeliverToken, "getUpdates", {{"timeout", 50}}, 70); });
  ASSERT_EQ(first.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  auto second = std::async(std::launch::async, [&] { return sim.call(kDeliverToken, "getUpdates", {{"timeout", 1}}); });
  ASSERT_EQ(first.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  auto r = first.get();
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body["description"],
            "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
  EXPECT_EQ(second.get().status, 200);
}

TEST_F(Updates, AdminBotsGetChannelPostsFromUsersButNotFromBots) {
  auto bot_post = sim.upload(kStoreToken, "sendVideo", {{"chat_id", std::to_string(kStore)}},
                             {{"video", "CM_M1_1080P.mp4", random_bytes(100, 31)}});
  ASSERT_EQ(bot_post.status, 200);
  ASSERT_EQ(sim.call(kStoreToken, "sendMessage", {{"chat_id", kStore}, {"text", "by a bot"}}).status, 200);
  EXPECT_TRUE(updates().empty());  // deliver_bot is admin of the channel, yet sees no bot posts
  auto own = sim.call(kStoreToken, "getUpdates");
  EXPECT_TRUE(own.body["result"].empty());  // nor does the poster

  const std::string src = write_file(dir / "CM_M2_720P.mp4", random_bytes(100, 32));
  auto user_post = sim.control_post("/control/channel_post_as_user",
                                    {{"chat_id", kStore}, {"user_id", kAnn}, {"file", src}, {"caption", "CM_M2_720P"}});
  ASSERT_EQ(user_post.status, 200) << user_post.body.dump();
  auto got = updates();
  ASSERT_EQ(got.size(), 1u);
  const json& post = got[0]["channel_post"];
  EXPECT_EQ(post["chat"]["id"], kStore);
  EXPECT_EQ(post["message_id"], 3);
  EXPECT_EQ(post["caption"], "CM_M2_720P");
  EXPECT_EQ(post["sender_chat"]["id"], kStore);
  // The id in the update is deliver_bot's own: it can send the file with it.
  say(kBob, "/start");
  auto send = sim.call(kDeliverToken, "sendVideo", {{"chat_id", kBob}, {"video", post["video"]["file_id"]}});
  EXPECT_EQ(send.status, 200) << send.body.dump();
  // allowed_updates filters what is queued from then on.
  updates({{"offset", got[0]["update_id"].get<std::int64_t>() + 10}, {"allowed_updates", {"callback_query"}}});
  say(kAnn, "ignored");
  EXPECT_TRUE(updates().empty());
}

TEST_F(Updates, CallbackQueryArrivesAndCanBeAnsweredOnce) {
  say(kAnn, "/start");
  auto menu = sim.call(kDeliverToken, "sendMessage",
                       {{"chat_id", kAnn}, {"text", "Quality?"},
                        {"reply_markup", {{"inline_keyboard", {{{{"text", "1080p"}, {"callback_data", "q:1080"}}}}}}}});
  ASSERT_EQ(menu.status, 200) << menu.body.dump();
  const auto mid = menu.body["result"]["message_id"];
  auto press = sim.control_post("/control/callback", {{"bot", "deliver_bot"}, {"user_id", kAnn}, {"message_id", mid},
                                                      {"data", "q:1080"}});
  ASSERT_EQ(press.status, 200) << press.body.dump();
  auto got = updates();
  ASSERT_EQ(got.size(), 2u);
  const json& cq = got[1]["callback_query"];
  EXPECT_EQ(cq["data"], "q:1080");
  EXPECT_EQ(cq["from"]["id"], kAnn);
  EXPECT_EQ(cq["message"]["message_id"], mid);
  EXPECT_EQ(cq["message"]["reply_markup"]["inline_keyboard"][0][0]["text"], "1080p");
  auto ans = sim.call(kDeliverToken, "answerCallbackQuery", {{"callback_query_id", cq["id"]}, {"text", "Sending"}});
  EXPECT_EQ(ans.body["result"], true);
  auto twice = sim.call(kDeliverToken, "answerCallbackQuery", {{"callback_query_id", cq["id"]}});
  EXPECT_EQ(twice.body["description"],
            "Bad Request: query is too old and response timeout expired or query ID is invalid");
  auto listed = sim.control_get("/control/callbacks");
  EXPECT_EQ(listed.body[0]["answer"]["text"], "Sending");
}

TEST_F(Updates, WebhookReceivesUpdatesWithTheSecretHeader) {
  httplib::Server receiver;
  std::mutex mu;
  std::vector<std::pair<std::string, json>> received;
  receiver.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lk(mu);
    received.emplace_back(req.get_header_value("X-Telegram-Bot-Api-Secret-Token"), json::parse(req.body));
    res.status = 200;
  });
  const int port = receiver.bind_to_any_port("127.0.0.1");
  std::thread t([&] { receiver.listen_after_bind(); });
  auto set = sim.call(kDeliverToken, "setWebhook",
                      {{"url", "http://127.0.0.1:" + std::to_string(port) + "/hook"}, {"secret_token", "s3cr3t_X"}});
  ASSERT_EQ(set.body["result"], true) << set.body.dump();
  auto conflict = sim.call(kDeliverToken, "getUpdates");
  EXPECT_EQ(conflict.status, 409);
  say(kAnn, "/start");
  say(kAnn, "/help");
  const bool both = cmup::test::wait_until([&] {
    std::lock_guard lk(mu);
    return received.size() == 2;
  }, 20s);
  receiver.stop();
  t.join();
  ASSERT_TRUE(both);
  EXPECT_EQ(received[0].first, "s3cr3t_X");
  EXPECT_EQ(received[0].second["message"]["text"], "/start");
  EXPECT_EQ(received[1].second["message"]["text"], "/help");
  auto info = sim.call(kDeliverToken, "getWebhookInfo");
  EXPECT_EQ(info.body["result"]["pending_update_count"], 0);
  EXPECT_EQ(sim.call(kDeliverToken, "deleteWebhook").body["result"], true);
  EXPECT_EQ(sim.call(kDeliverToken, "getUpdates").status, 200);
}

}  // namespace
}  // namespace cmup::simtg::test
