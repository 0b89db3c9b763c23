// The long-running services `cmup serve` runs beside the website on the main host:
// the storage channel and account rows synced from config, the coordinator API for remote
// workers (when coordinator.listen is set), and the delivery bot (when bot.token is set).
//
// Contract: start() brings up each configured service and logs which ones run; a service
// that is configured but cannot start (port taken, token refused) throws with the
// operator's next step. delivery() is the bot's Delivery, or nullptr without a bot.
// stop() (also run by the destructor) stops them in reverse order.
#pragma once

#include <memory>

#include "bot/delivery.hpp"

namespace cmup {

class Config;
class CoordinatorServer;
namespace bot {
class BotService;
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

 private:
  const Config& cfg_;
  std::unique_ptr<CoordinatorServer> coordinator_;
  std::unique_ptr<bot::BotService> bot_;
};

}  // namespace cmup
