// The delivery bot as a service: receives updates (long polling, or a webhook mounted on an
// HttpServer's router: `cmup serve`'s web server, or `cmup bot`'s own), handles them on
// worker threads (conversations, deliveries, learning file ids from channel posts) and
// harvests missing bot file ids in the background.
//
// Contract: start() returns at once (it throws only when bot.token is empty). In the
// background the bot then reaches Telegram: getMe (and setWebhook in webhook mode), retried
// with backoff while Telegram cannot be reached or refuses, so `cmup serve` keeps serving
// meanwhile; status() says which ("connecting", "unreachable", "token_refused") and why. Once
// ready it replays updates left in the inbox by a previous run and starts polling and learning.
// stop() is idempotent and returns within about two seconds: it cancels the long poll and any
// forward in flight, learning stops between forwards, running handlers finish their current
// update; unhandled updates stay in the inbox for the next start. delivery() is valid for the
// service's lifetime and thread-safe; its status() is the service's. handle_webhook() may be
// called from any server thread (503 until the bot is ready, so Telegram retries).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bot/api_sender.hpp"
#include "bot/bot_options.hpp"
#include "bot/delivery.hpp"
#include "bot/resource_pool.hpp"
#include "bot/update.hpp"
#include "util/http_router.hpp"

namespace cmup {
class Config;
}

namespace cmup::bot {

class BotDelivery;
class ChatDispatcher;
class Conversation;
class FileIdHarvester;
class InlineQueries;
class SeasonDelivery;
class SeasonSender;

class BotService {
 public:
  BotService(BotOptions opts, std::filesystem::path db_path);
  // [bot] settings and the database at cfg.database_path().
  static std::unique_ptr<BotService> from_config(const Config& cfg);
  ~BotService();
  BotService(const BotService&) = delete;
  BotService& operator=(const BotService&) = delete;

  void start();
  void stop();

  Delivery& delivery();
  // Whole-season sends (season_sender.hpp), for the web API; valid like delivery().
  SeasonDelivery& seasons();
  // Registers POST <webhook_path> on `router` (a pool route: it writes the inbox); requests
  // must carry the secret in X-Telegram-Bot-Api-Secret-Token (compared in constant time).
  void mount_webhook(Router& router);
  // The webhook's work, for any HTTP server: returns the HTTP status to answer with
  // (200 taken or ignored, 401 wrong secret, 403 not in webhook mode, 503 database busy).
  int handle_webhook(const std::string& secret_header, const std::string& body);

  // Bench hook: told when each paced Bot API request leaves, with its update's arrival time.
  void set_send_observer(SendObserver o);

  DeliveryStatus status();
  // Waits (at most `max`) until the first attempt to reach Telegram has an outcome: ready,
  // unreachable or token_refused; returns status(). For `cmup bot`, which exits on a refused token.
  DeliveryStatus wait_first_attempt(std::chrono::milliseconds max);
  // Wakes the background learner (after a delivery that had to copy). Never blocks.
  void wake_learner();

  struct Stats {
    std::int64_t updates_accepted = 0;
    std::int64_t updates_handled = 0;
    std::int64_t learning_rounds = 0;  // finished rounds of the background learner
  };
  Stats stats() const { return {accepted_.load(), handled_.load(), learning_rounds_.load()}; }
  const BotOptions& options() const { return opts_; }

 private:
  void run();
  bool connect();
  void poll_loop();
  void harvest_loop();
  void handle(const Update& u);
  void dispatch(std::vector<Update> updates);
  bool wait_stopping(std::chrono::milliseconds d);
  void set_state(const std::string& state, const std::string& reason, int retry_after_s = 0);

  BotOptions opts_;
  std::filesystem::path db_path_;
  SteadyPacerClock clock_;
  ResourcePool<SQLite::Database> dbs_;
  ApiSender api_;
  std::unique_ptr<BotDelivery> delivery_;
  std::unique_ptr<Conversation> conversation_;
  std::unique_ptr<FileIdHarvester> harvester_;
  std::unique_ptr<ChatDispatcher> dispatcher_;
  std::unique_ptr<Delivery> gate_;  // delivery(): BotDelivery's work, the service's status
  std::thread runner_, harvester_thread_;
  std::unique_ptr<SeasonSender> seasons_;
  std::unique_ptr<InlineQueries> inline_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool running_ = false;
  bool stopping_ = false;
  bool ready_ = false;
  bool learn_now_ = false;
  std::string state_ = "stopped";
  std::string state_reason_ = "not started";
  std::chrono::steady_clock::time_point retry_at_{};
  std::atomic<bool> stop_flag_{false};  // cancels Bot API calls in flight
  std::atomic<std::int64_t> accepted_{0}, handled_{0}, learning_rounds_{0};
};

}  // namespace cmup::bot
