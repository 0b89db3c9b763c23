#include "app/main_host_services.hpp"

#include <spdlog/spdlog.h>

#include "bot/bot_service.hpp"
#include "db/database.hpp"
#include "queue/coordinator_server.hpp"
#include "telegram/storage_channels.hpp"
#include "util/config.hpp"

namespace cmup {

MainHostServices::MainHostServices(const Config& cfg) : cfg_(cfg) {}

MainHostServices::~MainHostServices() { stop(); }

void MainHostServices::start(bool with_bot) {
  {
    // The main host owns the database: channels and accounts follow the config.
    auto db = db::open(cfg_.database_path(),
                       {.busy_timeout_ms = static_cast<int>(cfg_.integer("database.busy_timeout_ms"))});
    db::write_tx(*db, [&] {
      sync_channels(*db, cfg_.channels());
      sync_accounts(*db, cfg_.accounts());
    });
  }
  if (!cfg_.str("coordinator.listen").empty()) {
    coordinator_ = std::make_unique<CoordinatorServer>(cfg_);
    coordinator_->start();
    spdlog::info("serve: coordinator API for remote workers is up");
  } else {
    spdlog::info("serve: coordinator API off (coordinator.listen is empty)");
  }
  if (!with_bot) {
    spdlog::info("serve: delivery bot off (test delivery log in use)");
  } else if (!cfg_.str("bot.token").empty()) {
    bot_ = bot::BotService::from_config(cfg_);
    // Returns at once: the bot reaches Telegram in the background (retrying with backoff), so
    // the website, API and coordinator serve even while Telegram cannot be reached.
    bot_->start();
    spdlog::info("serve: delivery bot @{} starting (state on /api/v1/health)", cfg_.str("bot.username"));
  } else {
    spdlog::warn("serve: no bot.token: the bot is off and \"Send to me\" answers 503 (set CMUP_BOT_TOKEN)");
  }
}

void MainHostServices::stop() {
  if (bot_) bot_->stop();
  if (coordinator_) coordinator_->stop();
}

std::string MainHostServices::mount_webhook(Router& router) {
  if (!bot_ || bot_->options().mode != "webhook") return {};
  bot_->mount_webhook(router);
  spdlog::info("serve: bot webhook on the web server at {}", bot_->options().webhook_path);
  return bot_->options().webhook_path;
}

int MainHostServices::coordinator_port() const { return coordinator_ ? coordinator_->port() : 0; }

Delivery* MainHostServices::delivery() { return bot_ ? &bot_->delivery() : nullptr; }
bot::SeasonDelivery* MainHostServices::seasons() { return bot_ ? &bot_->seasons() : nullptr; }

}  // namespace cmup
