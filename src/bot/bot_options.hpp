// The delivery bot's settings ([bot] in config/60-bot.toml), as one plain struct.
//
// Contract: from_config() reads every [bot] key (and telegram.bot_api_url, web.public_url as
// fallbacks) and throws ConfigError when a value is out of range, with the key named.
#pragma once

#include <cstdint>
#include <string>

#include "telegram/message_pacer.hpp"

namespace cmup {
class Config;
}

namespace cmup::bot {

struct BotOptions {
  std::string token;
  std::string username = "cmup_bot";
  std::string api_url = "https://api.telegram.org";
  std::string mode = "polling";  // "polling" | "webhook"
  int poll_timeout_s = 25;
  std::string webhook_url;
  std::string webhook_path = "/telegram/webhook";
  std::string webhook_secret;
  std::string webhook_listen = "127.0.0.1:8081";
  std::int64_t index_chat_id = 0;
  std::string mini_app_url;  // https:// only, else no button
  bool protect_content = false;
  int daily_limit = 0;
  PacingLimits limits;  // the configured rates times (1 - pacing_margin)
  double pacing_margin = 0.15;
  int workers = 8;
  int harvest_interval_s = 60;
  // Learning file ids: a refused forward is tried again after backoff (base, doubling, max).
  double learn_retry_base_s = 60;
  double learn_retry_max_s = 6 * 3600;

  static BotOptions from_config(const Config& cfg);
};

}  // namespace cmup::bot
