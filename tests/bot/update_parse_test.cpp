// Update parsing: what the bot acts on, and garbage it must ignore without crashing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/update.hpp"

namespace cmup::bot {
namespace {

using nlohmann::json;

json text_update(std::int64_t id, const std::string& text) {
  return {{"update_id", id},
          {"message",
           {{"message_id", 5},
            {"from", {{"id", 1001}, {"is_bot", false}, {"first_name", "Ann"}}},
            {"chat", {{"id", 1001}, {"type", "private"}}},
            {"text", text}}}};
}

TEST(UpdateParse, TextMessage) {
  auto u = parse_update(text_update(10, "/start v12"));
  EXPECT_EQ(u.kind, Update::Kind::Text);
  EXPECT_EQ(u.update_id, 10);
  EXPECT_EQ(u.chat_id, 1001);
  EXPECT_EQ(u.user_id, 1001);
  EXPECT_EQ(u.text, "/start v12");
}

TEST(UpdateParse, CallbackQuery) {
  json j = {{"update_id", 11},
            {"callback_query",
             {{"id", "cb1"},
              {"from", {{"id", 1001}}},
              {"data", "v:3"},
              {"message", {{"message_id", 77}, {"chat", {{"id", 1001}}}}}}}};
  auto u = parse_update(j);
  EXPECT_EQ(u.kind, Update::Kind::Callback);
  EXPECT_EQ(u.callback_id, "cb1");
  EXPECT_EQ(u.callback_data, "v:3");
  EXPECT_EQ(u.message_id, 77);
  EXPECT_EQ(u.chat_id, 1001);
}

TEST(UpdateParse, ChannelPostWithVideo) {
  json j = {{"update_id", 12},
            {"channel_post",
             {{"message_id", 31},
              {"chat", {{"id", -1001}, {"type", "channel"}}},
              {"video", {{"file_id", "BAAD"}, {"file_unique_id", "U1"}, {"duration", 5}}}}}};
  auto u = parse_update(j);
  ASSERT_EQ(u.kind, Update::Kind::ChannelPost);
  EXPECT_EQ(u.chat_id, -1001);
  EXPECT_EQ(u.message_id, 31);
  ASSERT_TRUE(u.file);
  EXPECT_EQ(u.file->file_id, "BAAD");
  EXPECT_TRUE(u.file->is_video);
}

// A user blocking or unblocking the bot: Telegram's my_chat_member in their private chat.
TEST(UpdateParse, MyChatMemberInAPrivateChatSaysBlockedOrUnblocked) {
  auto member_update = [](std::string chat_type, std::string old_status, std::string new_status) {
    json bot = {{"id", 5001}, {"is_bot", true}, {"first_name", "cmup"}, {"username", "cmup_bot"}};
    return json{{"update_id", 13},
                {"my_chat_member",
                 {{"chat", {{"id", 1001}, {"type", chat_type}, {"first_name", "Ann"}}},
                  {"from", {{"id", 1001}, {"is_bot", false}, {"first_name", "Ann"}}},
                  {"date", 1700000000},
                  {"old_chat_member", {{"status", old_status}, {"user", bot}}},
                  {"new_chat_member", {{"status", new_status}, {"user", bot}}}}}};
  };
  auto unblocked = parse_update(member_update("private", "kicked", "member"));
  ASSERT_EQ(unblocked.kind, Update::Kind::ChatMember);
  EXPECT_EQ(unblocked.chat_id, 1001);
  EXPECT_EQ(unblocked.user_id, 1001);
  EXPECT_EQ(unblocked.member_status, "member");
  EXPECT_EQ(parse_update(member_update("private", "member", "kicked")).member_status, "kicked");
  // The bot added to or removed from a group is not a user's block.
  EXPECT_EQ(parse_update(member_update("supergroup", "left", "member")).kind, Update::Kind::Ignored);
  auto broken = member_update("private", "kicked", "member");
  broken["my_chat_member"]["new_chat_member"]["status"] = 7;
  EXPECT_EQ(parse_update(broken).kind, Update::Kind::Ignored);
  broken["my_chat_member"].erase("new_chat_member");
  EXPECT_EQ(parse_update(broken).kind, Update::Kind::Ignored);
}

TEST(UpdateParse, GarbageIsIgnored) {
  const char* bodies[] = {
      "",
      "null",
      "[]",
      "42",
      "{\"update_id\": \"x\"}",
      "{\"update_id\": -5, \"message\": {}}",
      "{\"update_id\": 1}",
      "{\"update_id\": 1, \"edited_message\": {\"text\": \"x\"}}",
      "{\"update_id\": 1, \"message\": 7}",
      "{\"update_id\": 1, \"message\": {\"text\": \"hi\"}}",
      "{\"update_id\": 1, \"message\": {\"chat\": {\"id\": 1}, \"from\": {\"id\": \"1\"}, \"text\": \"hi\"}}",
      "{\"update_id\": 1, \"message\": {\"chat\": {\"id\": 1}, \"from\": {\"id\": 1}, \"text\": 5}}",
      "{\"update_id\": 1, \"callback_query\": {\"id\": \"a\", \"from\": {\"id\": 1}}}",
      "{\"update_id\": 1, \"channel_post\": {\"chat\": {\"id\": 1}, \"message_id\": 2, \"text\": \"no "
      "file\"}}",
      "{\"update_id\": 1, \"channel_post\": {\"chat\": {\"id\": 1}, \"message_id\": 2, \"video\": "
      "{\"file_id\": 3}}}",
      "{\"update_id\": 1e400}",
      "{\"update_id\": 1, \"message\": {\"chat\": {\"id\": 1}, \"from\": {\"id\": 1}, \"text\": "
      "\"\\ud800\"}}",
  };
  for (const char* b : bodies) EXPECT_EQ(parse_update_bytes(b).kind, Update::Kind::Ignored) << b;
}

TEST(UpdateParse, MessagesFromBotsAreIgnored) {
  auto j = text_update(1, "hello");
  j["message"]["from"]["is_bot"] = true;
  EXPECT_EQ(parse_update(j).kind, Update::Kind::Ignored);
}

TEST(UpdateParse, HugeTextIsCutOnACharacterBoundary) {
  std::string big;
  for (int i = 0; i < 100000; ++i) big += "é";  // 2 bytes each
  auto u = parse_update(text_update(1, big));
  ASSERT_EQ(u.kind, Update::Kind::Text);
  EXPECT_LE(u.text.size(), kMaxTextBytes);
  EXPECT_EQ(u.text.size() % 2, 0u);
}

TEST(UpdateParse, OverlongCallbackDataIsIgnored) {
  json j = {{"update_id", 1},
            {"callback_query", {{"id", "a"}, {"from", {{"id", 1}}}, {"data", std::string(65, 'v')}}}};
  EXPECT_EQ(parse_update(j).kind, Update::Kind::Ignored);
}

TEST(UpdateParse, Commands) {
  EXPECT_EQ(parse_command("/start v12").name, "start");
  EXPECT_EQ(parse_command("/start v12").args, "v12");
  EXPECT_EQ(parse_command("/Search@cmup_bot  star wars ").name, "search");
  EXPECT_EQ(parse_command("/Search@cmup_bot  star wars ").args, "star wars");
  EXPECT_EQ(parse_command("/help").args, "");
  EXPECT_EQ(parse_command("star wars").name, "");
  EXPECT_EQ(parse_command("   ").name, "");
}

}  // namespace
}  // namespace cmup::bot
