// What one forward tells `cmup audit` about a stored message (src/queue/storage_audit.hpp):
// the verdict table, case by case, with Telegram's real replies.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "queue/storage_audit.hpp"

namespace cmup {
namespace {

using nlohmann::json;
using Kind = CheckVerdict::Kind;

TEST(AuditVerdict, TheSameFileIsIntactAndTeachesTheBotsFileId) {
  json msg = {{"message_id", 77}, {"video", {{"file_id", "BOTID"}, {"file_unique_id", "U1"}}}};
  auto v = verdict_of_forward(msg, "U1");
  EXPECT_EQ(v.kind, Kind::Intact);
  EXPECT_EQ(v.file_id, "BOTID");
  EXPECT_EQ(v.forwarded_message_id, 77);  // the check copy, to delete
}

TEST(AuditVerdict, ADocumentCountsLikeAVideo) {
  json msg = {{"message_id", 3}, {"document", {{"file_id", "D"}, {"file_unique_id", "U9"}}}};
  EXPECT_EQ(verdict_of_forward(msg, "U9").kind, Kind::Intact);
}

TEST(AuditVerdict, AnotherFileOrNoFileAtThatIdIsLost) {
  json other = {{"message_id", 5}, {"video", {{"file_id", "X"}, {"file_unique_id", "OTHER"}}}};
  auto v = verdict_of_forward(other, "U1");
  EXPECT_EQ(v.kind, Kind::Lost);
  EXPECT_EQ(v.forwarded_message_id, 5);  // still deleted afterwards
  json text = {{"message_id", 6}, {"text", "hello"}};
  EXPECT_EQ(verdict_of_forward(text, "U1").kind, Kind::Lost);
}

TEST(AuditVerdict, TelegramsErrorsSortedIntoLossRetryAndProblems) {
  struct Case {
    int code;
    const char* description;
    int retry_after;
    Kind want;
  };
  const Case cases[] = {
      {400, "Bad Request: message to forward not found", 0, Kind::Lost},
      {400, "Bad Request: MESSAGE_ID_INVALID", 0, Kind::Lost},
      {429, "Too Many Requests: retry after 7", 7, Kind::RetryAfter},
      {403, "Forbidden: bot is not a member of the channel chat", 0, Kind::ChannelProblem},
      {400, "Bad Request: chat not found", 0, Kind::ChannelProblem},
      {400, "Bad Request: need administrator rights in the channel chat", 0, Kind::ChannelProblem},
      {0, "connection refused", 0, Kind::Unreachable},
      {502, "Bad Gateway", 0, Kind::Unreachable},
      {400, "Bad Request: message has protected content and can't be forwarded", 0, Kind::OtherError},
  };
  for (const auto& c : cases) {
    auto v = verdict_of_error(BotApiError(c.code, c.description, c.retry_after));
    EXPECT_EQ(v.kind, c.want) << c.description;
  }
  EXPECT_EQ(verdict_of_error(BotApiError(429, "Too Many Requests: retry after 7", 7)).retry_after_s, 7);
  EXPECT_EQ(verdict_of_error(BotApiError(429, "Too Many Requests", 0)).retry_after_s, 1);  // never a busy loop
}

}  // namespace
}  // namespace cmup
