// [bot] pacing: the bot paces a configurable margin below Telegram's limits (sending exactly
// at them drew a 429 about one time in four), and a margin out of range is refused by name.
#include "bot/bot_options.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/test_support.hpp"
#include "util/config.hpp"

namespace cmup::bot {
namespace {

Config load(const test::TempDir& d, const std::string& toml) {
  std::ofstream(d / "c.toml") << toml;
  char* env[] = {nullptr};
  return Config::load(d / "c.toml", true, env);
}

TEST(BotOptions, PacesTheConfiguredMarginBelowTelegramsLimits) {
  test::TempDir d;
  auto by_default = BotOptions::from_config(Config::defaults());
  EXPECT_DOUBLE_EQ(by_default.pacing_margin, 0.15);
  EXPECT_DOUBLE_EQ(by_default.limits.global_per_s, 30 * 0.85);
  EXPECT_DOUBLE_EQ(by_default.limits.chat_per_s, 0.85);
  // Into a group or channel (the index chat the bot forwards into): 20 a minute less 15 %.
  EXPECT_EQ(by_default.limits.group_per_minute, 17);
  auto exact = BotOptions::from_config(load(d, "[bot]\npacing_margin = 0\n"));
  EXPECT_DOUBLE_EQ(exact.limits.global_per_s, 30);
  EXPECT_DOUBLE_EQ(exact.limits.chat_per_s, 1);
  EXPECT_EQ(exact.limits.group_per_minute, 20);
  auto half = BotOptions::from_config(load(d, "[bot]\npacing_margin = 0.5\nchat_rate_per_s = 2.0\n"));
  EXPECT_DOUBLE_EQ(half.limits.chat_per_s, 1);
}

TEST(BotOptions, AMarginOutOfRangeIsRefusedByName) {
  test::TempDir d;
  for (const char* bad : {"-0.1", "0.95", "1.0"}) {
    try {
      BotOptions::from_config(load(d, std::string("[bot]\npacing_margin = ") + bad + "\n"));
      ADD_FAILURE() << "accepted pacing_margin = " << bad;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("bot.pacing_margin"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace cmup::bot
