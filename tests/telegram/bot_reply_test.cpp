// Telegram's answers in the Uploader's terms: one line per real reply or error.
#include "telegram/bot_reply.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cmup {
namespace {

using K = UploadError::Kind;

struct ErrorCase {
  int code;
  const char* description;
  int retry_after;
  K kind;
};

TEST(BotReply, ErrorsMapToTheKindTheWorkerActsOn) {
  const ErrorCase cases[] = {
      {429, "Too Many Requests: retry after 5", 5, K::FloodWait},
      {429, "Too Many Requests: retry after 35", 0, K::FloodWait},
      {413, "Request Entity Too Large", 0, K::TooBig},
      {400, "Bad Request: file is too big", 0, K::TooBig},
      {400, "Bad Request: chat not found", 0, K::Rights},
      {400, "Bad Request: not enough rights to send videos to the chat", 0, K::Rights},
      {403, "Forbidden: bot is not a member of the channel chat", 0, K::Rights},
      {400, "Bad Request: need administrator rights in the channel chat", 0, K::Rights},
      {0, "Connection refused", 0, K::Transient},
      {502, "Bad Gateway", 0, K::Transient},
      {500, "Internal Server Error", 0, K::Transient},
      {401, "Unauthorized", 0, K::Fatal},
      {400, "Bad Request: wrong file identifier/HTTP URL specified", 0, K::Fatal},
  };
  for (const auto& c : cases) {
    auto e =
        upload_error_from(BotApiError(c.code, c.description, c.retry_after), {"ember", -100123, 600, 500});
    EXPECT_EQ(e.kind, c.kind) << c.description;
    if (c.kind == K::FloodWait) {
      EXPECT_GT(e.retry_after_s, 0);
    }
  }
  EXPECT_EQ(upload_error_from(BotApiError(429, "Too Many Requests: retry after 35"), {}).retry_after_s, 35);
  EXPECT_EQ(upload_error_from(BotApiError(413, "Request Entity Too Large"), {"a", 1, 600, 500}).limit_bytes,
            500);
  auto rights =
      upload_error_from(BotApiError(400, "Bad Request: not enough rights"), {"rora", -100123, 0, 0});
  EXPECT_EQ(std::string(rights.what())
                .rfind("account rora cannot post to channel -100123: Bad Request: not enough "
                       "rights",
                       0),
            0u)
      << rights.what();
}

TEST(BotReply, MessageWithVideoBecomesUploadResult) {
  auto m = nlohmann::json::parse(R"({"message_id":12,"chat":{"id":-100123,"type":"channel"},
    "caption":"CM_M000001_720P #abc","video":{"file_id":"BAAC","file_unique_id":"AgAD","file_size":1234,
    "duration":61,"width":1280,"height":720,"mime_type":"video/mp4"}})");
  auto r = upload_result_from_message(m);
  EXPECT_EQ(r.message_id, 12);
  EXPECT_EQ(r.channel_id, -100123);
  EXPECT_EQ(r.file_id, "BAAC");
  EXPECT_EQ(r.file_unique_id, "AgAD");
  EXPECT_EQ(r.size_bytes, 1234);
  EXPECT_EQ(r.duration_s, 61);
  EXPECT_EQ(r.width, 1280);
  EXPECT_EQ(r.height, 720);
  EXPECT_EQ(r.mime_type, "video/mp4");
  EXPECT_EQ(r.caption, "CM_M000001_720P #abc");
}

TEST(BotReply, MessagesWithoutAFileAreFatal) {
  for (const char* body :
       {R"({"message_id":1,"text":"hi"})", R"([1,2])", R"({"video":{"file_id":"x"}})",
        R"({"message_id":1e300,"video":{"file_id":"a","file_unique_id":"b","width":1e300}})"}) {
    try {
      auto r = upload_result_from_message(nlohmann::json::parse(body));
      EXPECT_EQ(r.width, 0) << body;  // out-of-range numbers read as absent
    } catch (const UploadError& e) {
      EXPECT_EQ(e.kind, K::Fatal) << body;
    }
  }
}

TEST(BotReply, ParseReplySurvivesOddShapes) {
  EXPECT_THROW(BotApiClient::parse_reply(200, R"({"ok":false,"error_code":"x"})"), BotApiError);
  EXPECT_THROW(
      BotApiClient::parse_reply(200, R"({"ok":false,"error_code":1e40,"parameters":{"retry_after":-3}})"),
      BotApiError);
  try {
    BotApiClient::parse_reply(
        429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 9",
      "parameters":{"retry_after":9}})");
  } catch (const BotApiError& e) {
    EXPECT_EQ(e.retry_after, 9);
    EXPECT_EQ(e.error_code, 429);
  }
}

}  // namespace
}  // namespace cmup
