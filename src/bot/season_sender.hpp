// "Send the whole season" (issue 17): one request sends every stored episode of a season, in
// order, as albums, paced, in the background; resumable.
//
// Contract:
//  - request_season() (thread-safe; the bot's button and deep link, the web API) plans the
//    season (season_plan.hpp) and stores the plan in one transaction (migration 0011), or,
//    when this chat has an unfinished send of that season, resumes it from its next unsent
//    part: nothing that arrived is sent again. It returns at once; the sending thread does
//    the rest. A daily limit already reached refuses the request.
//  - resume_chat() moves this chat's blocked sends back to sending: the user wrote to the
//    bot, so it is no longer blocked.
//  - The sending thread takes the open sends in turn, one album (or one copied part) at a
//    time through Delivery's path (own file id, else copyMessage), marks the parts sent in
//    the same step's transaction, and after an album of n parts leaves that chat alone for
//    n / bot.chat_rate_per_s seconds (Telegram counts each item as a message). A 403 (the
//    user blocked the bot) stops that send as `blocked`; a network fault or a 429 that
//    outlasted the sender's retries is tried again after a backoff. A part no longer stored
//    (re-queued by `cmup audit`) is skipped. start() also picks up sends a previous run left.
//  - stop() is idempotent and returns within about 0.1 s, also while a call waits out a
//    429: the call in flight is abandoned and its album is sent after the restart.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bot/api_sender.hpp"
#include "bot/bot_options.hpp"
#include "bot/resource_pool.hpp"
#include "bot/season_plan.hpp"

namespace cmup::bot {

class BotDelivery;

struct SeasonAsk {
  std::int64_t user_id = 0;
  std::int64_t chat_id = 0;
  SeasonRef season;
  std::string via;  // "search" (bot button), "deep_link", "mini_app", "api"
};

struct SeasonStart {
  enum class Outcome { Started, Resumed, NotAvailable, RateLimited, Unavailable };
  Outcome outcome = Outcome::NotAvailable;
  std::int64_t send_id = 0;
  int episodes = 0;     // in the plan
  int parts = 0;        // in the plan
  int remaining = 0;    // parts still to send
  std::string message;  // for the user (from texts) when not started
};

// What the web API needs; BotService's SeasonSender implements it.
class SeasonDelivery {
 public:
  virtual ~SeasonDelivery() = default;
  virtual SeasonStart request_season(const SeasonAsk& ask) = 0;
};

// The stored episodes of a season with their variants, best quality first.
std::vector<EpisodeVariants> stored_season(SQLite::Database& db, std::int64_t title_id, int season);

class SeasonSender : public SeasonDelivery {
 public:
  SeasonSender(const BotOptions& opts, ResourcePool<SQLite::Database>& dbs, ApiSender& api,
               BotDelivery& delivery);
  ~SeasonSender() override;
  SeasonStart request_season(const SeasonAsk& ask) override;
  int resume_chat(std::int64_t chat_id);
  void start();
  void stop();

 private:
  void loop();
  // Sends the next album of send `id`, or closes it when nothing is left.
  void step(SQLite::Database& db, std::int64_t id, std::int64_t chat_id);
  void wake();

  BotOptions opts_;
  ResourcePool<SQLite::Database>& dbs_;
  ApiSender& api_;
  BotDelivery& delivery_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool running_ = false, stopping_ = false, woken_ = false;
  // Set by stop() for the Bot API call in flight: a 429 wait of a minute must not hold a stop.
  std::atomic<bool> cancel_{false};
  std::map<std::int64_t, std::chrono::steady_clock::time_point> not_before_;  // per send id
  std::map<std::int64_t, int> failures_;                                      // per send id
};

}  // namespace cmup::bot
