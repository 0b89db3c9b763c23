#include "bot/bot_options.hpp"

#include <algorithm>

#include "util/config.hpp"

namespace cmup::bot {

BotOptions BotOptions::from_config(const Config& cfg) {
  BotOptions o;
  o.token = cfg.str("bot.token");
  o.username = cfg.str("bot.username");
  o.api_url = cfg.str("bot.api_url");
  if (o.api_url.empty()) o.api_url = cfg.str("telegram.bot_api_url");
  o.mode = cfg.str("bot.mode");
  if (o.mode != "polling" && o.mode != "webhook")
    throw ConfigError("bot.mode must be \"polling\" or \"webhook\", not \"" + o.mode + "\"");
  o.poll_timeout_s = static_cast<int>(cfg.integer("bot.poll_timeout_s"));
  if (o.poll_timeout_s < 0 || o.poll_timeout_s > 50)
    throw ConfigError("bot.poll_timeout_s must be between 0 and 50 seconds");
  o.webhook_url = cfg.str("bot.webhook_url");
  o.webhook_path = cfg.str("bot.webhook_path");
  o.webhook_secret = cfg.str("bot.webhook_secret");
  o.webhook_listen = cfg.str("bot.webhook_listen");
  if (o.mode == "webhook" && o.webhook_secret.empty())
    throw ConfigError("bot.webhook_secret must be set in webhook mode (CMUP_BOT_WEBHOOK_SECRET)");
  o.index_chat_id = cfg.integer("bot.index_chat_id");
  o.mini_app_url = cfg.str("bot.mini_app_url");
  if (o.mini_app_url.empty()) {
    auto base = cfg.str("web.public_url");
    if (!base.empty()) {
      while (!base.empty() && base.back() == '/') base.pop_back();
      o.mini_app_url = base + "/app/";
    }
  }
  o.protect_content = cfg.boolean("bot.protect_content");
  o.daily_limit = static_cast<int>(cfg.integer("bot.daily_limit"));
  if (o.daily_limit < 0) throw ConfigError("bot.daily_limit must be 0 (no limit) or more");
  o.limits.global_per_s = cfg.real("bot.global_rate_per_s");
  o.limits.chat_per_s = cfg.real("bot.chat_rate_per_s");
  o.limits.chat_burst = static_cast<int>(cfg.integer("bot.chat_burst"));
  auto group_per_min = cfg.integer("bot.group_rate_per_min");
  if (o.limits.global_per_s <= 0 || o.limits.chat_per_s <= 0 || o.limits.chat_burst < 1 || group_per_min < 1 ||
      group_per_min > 1000)
    throw ConfigError(
        "bot.global_rate_per_s and bot.chat_rate_per_s must be > 0, bot.chat_burst >= 1, "
        "bot.group_rate_per_min between 1 and 1000 (Telegram's limit is 20)");
  o.pacing_margin = cfg.real("bot.pacing_margin");
  if (!(o.pacing_margin >= 0 && o.pacing_margin <= 0.9))
    throw ConfigError("bot.pacing_margin must be between 0 and 0.9 (a fraction of the rates, e.g. 0.15)");
  // Sending exactly at Telegram's limits draws 429s whenever the two clocks disagree a little.
  o.limits.global_per_s *= 1 - o.pacing_margin;
  o.limits.chat_per_s *= 1 - o.pacing_margin;
  // Whole messages: 20 with the default margin is 17 a minute, never 0.
  o.limits.group_per_minute =
      std::max(1, static_cast<int>(static_cast<double>(group_per_min) * (1 - o.pacing_margin)));
  o.workers = static_cast<int>(cfg.integer("bot.workers"));
  if (o.workers < 1 || o.workers > 256) throw ConfigError("bot.workers must be between 1 and 256");
  o.harvest_interval_s = static_cast<int>(cfg.integer("bot.harvest_interval_s"));
  if (o.harvest_interval_s < 1) throw ConfigError("bot.harvest_interval_s must be at least 1");
  o.learn_retry_base_s = cfg.real("bot.learn_retry_base_s");
  o.learn_retry_max_s = cfg.real("bot.learn_retry_max_s");
  if (o.learn_retry_base_s < 1 || o.learn_retry_max_s < o.learn_retry_base_s)
    throw ConfigError("bot.learn_retry_base_s must be at least 1 and bot.learn_retry_max_s at least that");
  return o;
}

}  // namespace cmup::bot
