// Who may do what: tokens, methods, channel rights, private chats, and file ids that
// belong to the bot that received them.
#include "sim_fixture.hpp"

namespace cmup::simtg::test {
namespace {

class Rights : public ::testing::Test {
 protected:
  cmup::test::TempDir dir;
  Sim sim{dir};
};

TEST_F(Rights, UnknownTokenAndUnknownMethodUseTelegramsShapes) {
  auto r = sim.call("999:nope", "getMe");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, json::parse(R"({"ok":false,"error_code":401,"description":"Unauthorized"})"));
  auto m = sim.call(kStoreToken, "sendTelepathy");
  EXPECT_EQ(m.status, 404);
  EXPECT_EQ(m.body, json::parse(R"({"ok":false,"error_code":404,"description":"Not Found"})"));
  auto me = sim.call(kStoreToken, "GETME");  // method names are case-insensitive
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.body["result"]["username"], "store_bot");
  EXPECT_EQ(me.body["result"]["is_bot"], true);
  // Query-string parameters work too, as on the real server.
  auto c = sim.client();
  auto q = Sim::reply_of(c.Get("/bot" + kStoreToken + "/getChat?chat_id=" + std::to_string(kStore)));
  EXPECT_EQ(q.body["result"]["title"], "Storage 1");
}

TEST_F(Rights, ChannelRightsErrorsNameTheProblem) {
  auto unknown = sim.call(kStoreToken, "sendMessage", {{"chat_id", -1009999999999}, {"text", "x"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body["description"], "Bad Request: chat not found");

  auto not_member = sim.call(kStoreToken, "sendMessage", {{"chat_id", kIndex}, {"text", "x"}});
  EXPECT_EQ(not_member.status, 403);
  EXPECT_EQ(not_member.body["description"], "Forbidden: bot is not a member of the channel chat");

  auto no_post = sim.call(kDeliverToken, "sendMessage", {{"chat_id", kStore}, {"text", "x"}});
  EXPECT_EQ(no_post.status, 400);
  EXPECT_EQ(no_post.body["description"], "Bad Request: need administrator rights in the channel chat");

  auto empty = sim.call(kStoreToken, "sendMessage", {{"text", "x"}});
  EXPECT_EQ(empty.body["description"], "Bad Request: chat_id is empty");
  EXPECT_TRUE(sim.messages(kStore).empty());
}

TEST_F(Rights, GetChatMemberReportsStatusAndRights) {
  auto admin = sim.call(kStoreToken, "getChatMember", {{"chat_id", kStore}, {"user_id", 222}});
  ASSERT_EQ(admin.status, 200) << admin.body.dump();
  EXPECT_EQ(admin.body["result"]["status"], "administrator");
  EXPECT_EQ(admin.body["result"]["can_post_messages"], false);
  EXPECT_EQ(admin.body["result"]["user"]["username"], "deliver_bot");
  auto self = sim.call(kStoreToken, "getChatMember", {{"chat_id", kStore}, {"user_id", 111}});
  EXPECT_EQ(self.body["result"]["can_post_messages"], true);
  auto owner = sim.call(kStoreToken, "getChatMember", {{"chat_id", kStore}, {"user_id", kAnn}});
  EXPECT_EQ(owner.body["result"]["status"], "creator");
  auto left = sim.call(kStoreToken, "getChatMember", {{"chat_id", kStore}, {"user_id", kBob}});
  EXPECT_EQ(left.body["result"]["status"], "left");
  auto admins = sim.call(kStoreToken, "getChatAdministrators", {{"chat_id", kStore}});
  EXPECT_EQ(admins.body["result"].size(), 4u);  // the owner and three bots
}

TEST_F(Rights, BotCannotStartAPrivateConversation) {
  auto r = sim.call(kDeliverToken, "sendMessage", {{"chat_id", kAnn}, {"text", "hello"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body["description"], "Forbidden: bot can't initiate conversation with a user");
  ASSERT_EQ(sim.control_post("/control/user_message", {{"bot", "deliver_bot"}, {"user_id", kAnn}, {"text", "/start"}}).status,
            200);
  auto ok = sim.call(kDeliverToken, "sendMessage", {{"chat_id", kAnn}, {"text", "hello"}});
  ASSERT_EQ(ok.status, 200) << ok.body.dump();
  EXPECT_EQ(ok.body["result"]["chat"]["type"], "private");
  EXPECT_EQ(ok.body["result"]["from"]["username"], "deliver_bot");
  // Ann wrote to deliver_bot, not to store_bot.
  auto other = sim.call(kStoreToken, "sendMessage", {{"chat_id", kAnn}, {"text", "hello"}});
  EXPECT_EQ(other.status, 403);
}

TEST_F(Rights, FileIdBelongsToTheBotThatReceivedItButUniqueIdIsShared) {
  const std::string src = write_file(dir / "clip.mp4", random_bytes(4000, 21));
  auto post = sim.control_post("/control/channel_post_as_user", {{"chat_id", kStore}, {"user_id", kAnn}, {"file", src}});
  ASSERT_EQ(post.status, 200) << post.body.dump();
  const json& updates = post.body["updates"];
  const json store_video = updates["store_bot"]["channel_post"]["video"];
  const json deliver_video = updates["deliver_bot"]["channel_post"]["video"];
  EXPECT_NE(store_video["file_id"], deliver_video["file_id"]);
  EXPECT_EQ(store_video["file_unique_id"], deliver_video["file_unique_id"]);

  // store_bot re-sends its own id; deliver_bot's id is refused.
  auto own = sim.call(kStoreToken, "sendVideo", {{"chat_id", kStore}, {"video", store_video["file_id"]}});
  ASSERT_EQ(own.status, 200) << own.body.dump();
  EXPECT_EQ(own.body["result"]["video"]["file_unique_id"], store_video["file_unique_id"]);
  auto foreign = sim.call(kStoreToken, "sendVideo", {{"chat_id", kStore}, {"video", deliver_video["file_id"]}});
  EXPECT_EQ(foreign.status, 400);
  EXPECT_EQ(foreign.body,
            json::parse(R"({"ok":false,"error_code":400,"description":"Bad Request: wrong file identifier/HTTP URL specified"})"));
  auto forged = sim.call(kStoreToken, "sendDocument", {{"chat_id", kStore}, {"document", "BAACnotAnId"}});
  EXPECT_EQ(forged.body["description"], "Bad Request: wrong file identifier/HTTP URL specified");
}

TEST_F(Rights, ForwardGivesTheForwardingBotItsOwnFileIdAndCopyOnlyAnId) {
  auto up = sim.upload(kStoreToken, "sendVideo", {{"chat_id", std::to_string(kStore)}, {"caption", "CM_M5_1080P"}},
                       {{"video", "CM_M5_1080P.mp4", random_bytes(2000, 22)}});
  ASSERT_EQ(up.status, 200);
  const json stored = up.body["result"];
  auto fwd = sim.call(kDeliverToken, "forwardMessage",
                      {{"chat_id", kIndex}, {"from_chat_id", kStore}, {"message_id", stored["message_id"]}});
  ASSERT_EQ(fwd.status, 200) << fwd.body.dump();
  const json& msg = fwd.body["result"];
  EXPECT_EQ(msg["forward_origin"]["type"], "channel");
  EXPECT_EQ(msg["forward_origin"]["chat"]["id"], kStore);
  EXPECT_EQ(msg["forward_origin"]["message_id"], stored["message_id"]);
  EXPECT_EQ(msg["caption"], "CM_M5_1080P");
  EXPECT_EQ(msg["video"]["file_unique_id"], stored["video"]["file_unique_id"]);
  const std::string harvested = msg["video"]["file_id"];
  EXPECT_NE(harvested, stored["video"]["file_id"]);
  // The harvested id works for deliver_bot in a chat of its own.
  ASSERT_EQ(sim.control_post("/control/user_message", {{"bot", "deliver_bot"}, {"user_id", kBob}, {"text", "/start"}}).status,
            200);
  auto send = sim.call(kDeliverToken, "sendVideo", {{"chat_id", kBob}, {"video", harvested}, {"protect_content", true}});
  ASSERT_EQ(send.status, 200) << send.body.dump();
  EXPECT_EQ(send.body["result"]["has_protected_content"], true);

  auto copy = sim.call(kDeliverToken, "copyMessage",
                       {{"chat_id", kBob}, {"from_chat_id", kStore}, {"message_id", stored["message_id"]},
                        {"caption", "Up (2009) 1080p"}});
  ASSERT_EQ(copy.status, 200) << copy.body.dump();
  EXPECT_EQ(copy.body["result"].size(), 1u);
  auto bob = sim.messages(kBob, "deliver_bot");
  ASSERT_EQ(bob.back()["caption"], "Up (2009) 1080p");
  EXPECT_FALSE(bob.back().contains("forward_origin"));
  EXPECT_EQ(bob.back()["file"]["sha256"], sim.messages(kStore)[0]["file"]["sha256"]);

  auto missing = sim.call(kDeliverToken, "copyMessage", {{"chat_id", kBob}, {"from_chat_id", kStore}, {"message_id", 99}});
  EXPECT_EQ(missing.body["description"], "Bad Request: message to copy not found");
}

TEST_F(Rights, EditAndDeleteFollowOwnershipAndRights) {
  ASSERT_EQ(sim.control_post("/control/user_message", {{"bot", "deliver_bot"}, {"user_id", kAnn}, {"text", "/start"}}).status,
            200);
  auto sent = sim.call(kDeliverToken, "sendMessage", {{"chat_id", kAnn}, {"text", "Pick one"}});
  const auto id = sent.body["result"]["message_id"];
  auto edited = sim.call(kDeliverToken, "editMessageText", {{"chat_id", kAnn}, {"message_id", id}, {"text", "Picked"}});
  ASSERT_EQ(edited.status, 200) << edited.body.dump();
  EXPECT_EQ(edited.body["result"]["text"], "Picked");
  EXPECT_TRUE(edited.body["result"].contains("edit_date"));
  auto same = sim.call(kDeliverToken, "editMessageText", {{"chat_id", kAnn}, {"message_id", id}, {"text", "Picked"}});
  EXPECT_EQ(same.body["description"].get<std::string>().rfind("Bad Request: message is not modified", 0), 0u);
  auto users = sim.call(kDeliverToken, "editMessageText", {{"chat_id", kAnn}, {"message_id", 1}, {"text", "x"}});
  EXPECT_EQ(users.body["description"], "Bad Request: message can't be edited");
  auto del = sim.call(kDeliverToken, "deleteMessage", {{"chat_id", kAnn}, {"message_id", id}});
  EXPECT_EQ(del.body["result"], true);
  auto again = sim.call(kDeliverToken, "deleteMessage", {{"chat_id", kAnn}, {"message_id", id}});
  EXPECT_EQ(again.body["description"], "Bad Request: message to delete not found");
}

}  // namespace
}  // namespace cmup::simtg::test
