// The delivery bot as a service: receives updates (long polling, or a webhook mounted on an
// HttpServer's router: `cmup serve`'s web server, or `cmup bot`'s own), handles them on
// worker threads (conversations, deliveries, learning file ids from channel posts) and
// harvests missing bot file ids in the background.
//
// Contract: start() checks the token with getMe (throws std::runtime_error telling the
// operator what to fix), replays updates left in the inbox by a previous run, then starts
// the threads; it returns at once. stop() is idempotent, returns within about one poll
// timeout, and leaves unhandled updates in the inbox for the next start. delivery() is valid
// for the service's lifetime (also before start(): it only needs the database and Telegram)
// and is thread-safe. handle_webhook() may be called from any server thread.
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
  // Registers POST <webhook_path> on `router` (a pool route: it writes the inbox); requests
  // must carry the secret in X-Telegram-Bot-Api-Secret-Token (compared in constant time).
  void mount_webhook(Router& router);
  // The webhook's work, for any HTTP server: returns the HTTP status to answer with
  // (200 taken or ignored, 401 wrong secret, 403 not in webhook mode, 503 database busy).
  int handle_webhook(const std::string& secret_header, const std::string& body);

  // Bench hook: told when each paced Bot API request leaves, with its update's arrival time.
  void set_send_observer(SendObserver o);

  struct Stats {
    std::int64_t updates_accepted = 0;
    std::int64_t updates_handled = 0;
  };
  Stats stats() const { return {accepted_.load(), handled_.load()}; }
  const BotOptions& options() const { return opts_; }

 private:
  void poll_loop();
  void harvest_loop();
  void handle(const Update& u);
  void dispatch(std::vector<Update> updates);
  bool wait_stopping(std::chrono::milliseconds d);

  BotOptions opts_;
  std::filesystem::path db_path_;
  SteadyClock clock_;
  ResourcePool<SQLite::Database> dbs_;
  ApiSender api_;
  std::unique_ptr<BotDelivery> delivery_;
  std::unique_ptr<Conversation> conversation_;
  std::unique_ptr<FileIdHarvester> harvester_;
  std::unique_ptr<ChatDispatcher> dispatcher_;
  std::thread poller_, harvester_thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool running_ = false;
  bool stopping_ = false;
  std::atomic<std::int64_t> accepted_{0}, handled_{0};
};

}  // namespace cmup::bot
