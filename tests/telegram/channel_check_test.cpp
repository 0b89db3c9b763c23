// What `cmup doctor` reports for a bot: which channel, which right is missing.
#include "telegram/channel_check.hpp"

#include <gtest/gtest.h>

#include "fake_bot_api.hpp"
#include "telegram/bot_api.hpp"

namespace cmup {
namespace {

const std::string kToken = "7001:TESTTOKENtesttoken";

TEST(ChannelCheck, NamesTheMissingRightPerChannel) {
  test::FakeBotApi api(kToken);
  api.writable(-1001);
  api.read_only(-1002);
  BotApiClient client(api.url(), kToken);
  auto checks = check_bot(client, "account ember", BotRole::Uploader, {-1001, -1002, -1003}, 0);
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_TRUE(checks[0].ok);
  EXPECT_EQ(checks[0].who, "account ember (@ember_bot)");
  EXPECT_FALSE(checks[1].ok);
  EXPECT_NE(checks[1].problem.find("administrator (it is member)"), std::string::npos) << checks[1].problem;
  EXPECT_FALSE(checks[2].ok);
  EXPECT_NE(checks[2].problem.find("chat not found"), std::string::npos) << checks[2].problem;
  EXPECT_NE(checks[2].fix.find("add the bot"), std::string::npos);
}

TEST(ChannelCheck, RefusedTokenFailsEveryChannelWithTheFix) {
  test::FakeBotApi api(kToken);
  BotApiClient client(api.url(), "7001:wrong");
  auto checks = check_bot(client, "delivery bot", BotRole::Delivery, {-1001}, 0);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_FALSE(checks[0].ok);
  EXPECT_NE(checks[0].fix.find("token"), std::string::npos);
}

}  // namespace
}  // namespace cmup
