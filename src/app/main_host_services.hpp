// The long-running services `cmup serve` runs beside the website on the main host:
// the storage channel and account rows synced from config, the coordinator API for remote
// workers (when coordinator.listen is set), and the delivery bot (when bot.token is set).
//
// Contract: start() brings up each configured service and logs which ones run; a service
// that is configured but cannot start (port taken) throws with the operator's next step. The
// bot is the exception: it reaches Telegram in the background and never stops serve from
// starting (its state is in delivery()->status()). delivery() is the bot's Delivery, or nullptr without a bot.
// stop() (also run by the destructor) stops them in reverse order.
#pragma once

#include <memory>
#include <string>

#include "bot/delivery.hpp"

namespace cmup {

class Config;
class CoordinatorServer;
class Router;
namespace bot {
class BotService;
class SeasonDelivery;
}

class MainHostServices {
 public:
  explicit MainHostServices(const Config& cfg);
  ~MainHostServices();
  MainHostServices(const MainHostServices&) = delete;
  MainHostServices& operator=(const MainHostServices&) = delete;

  // with_bot = false leaves the bot off even when bot.token is set (serve's test mode).
  void start(bool with_bot = true);
  void stop();
  Delivery* delivery();
  // The bot's whole-season sender, or nullptr without a bot.
  bot::SeasonDelivery* seasons();
  // bot.mode = webhook: mounts the bot's webhook on `router` (the web server's) and returns
  // its path; "" when there is no bot or it polls.
  std::string mount_webhook(Router& router);
  // The coordinator API's bound port, 0 when it is off.
  int coordinator_port() const;

 private:
  const Config& cfg_;
  std::unique_ptr<CoordinatorServer> coordinator_;
  std::unique_ptr<bot::BotService> bot_;
};

}  // namespace cmup
