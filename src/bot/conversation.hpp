// What the bot says and does for each update: the conversations of issue 8.
//
//   /start                -> welcome (+ Mini App button when an https URL is configured)
//   /start v<variant id>  -> the deep link from the website: deliver that variant
//   /search TEXT, or TEXT -> matching titles as an inline keyboard
//   title (t:<id>)        -> movie: its qualities; show: its seasons
//   season (s:<t>:<n>)    -> its episodes (+ "whole season" buttons); episode (e:<id>) -> its qualities
//   whole season (A:<t>:<n>[:<Q>]), /start s<t>_<n>[_<Q>] -> season_sender.hpp
//   any message           -> also resumes season sends stopped because the user blocked the bot
//   inline query          -> inline_query.hpp
//   quality (v:<id>)      -> deliver
//   /help, anything else  -> help, or a short hint
//
// The state lives in the callback data of the buttons, not in memory, so a restart loses no
// conversation. Contract: handle() never throws for anything a user can send (unknown or
// stale buttons get an answer); Telegram or database failures are logged. Thread-safe if
// each chat is handled by one thread at a time (the BotService guarantees it).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>

#include "bot/api_sender.hpp"
#include "bot/bot_options.hpp"
#include "bot/delivery.hpp"
#include "bot/file_id_harvester.hpp"
#include "bot/resource_pool.hpp"
#include "bot/season_plan.hpp"
#include "bot/update.hpp"

namespace cmup::bot {

inline constexpr int kSearchResults = 10;

class InlineQueries;
class SeasonSender;

class Conversation {
 public:
  Conversation(const BotOptions& opts, ResourcePool<SQLite::Database>& dbs, ApiSender& api,
               Delivery& delivery);
  void handle(const Update& u);
  // Whole-season sends (button, /start s<title>_<season>) and inline queries; null: neither.
  void set_season_sender(SeasonSender* s) { seasons_ = s; }
  void set_inline_queries(InlineQueries* q) { inline_ = q; }

 private:
  void on_text(const Update& u);
  void on_callback(const Update& u);
  void search(const Update& u, const std::string& query);
  void deliver(std::int64_t user_id, std::int64_t chat_id, std::int64_t variant_id, const char* via);
  // Replaces the keyboard message when there is one, else sends a new message.
  void show(const Update& u, const std::string& text, const nlohmann::json& keyboard);
  void say(std::int64_t chat_id, const std::string& text, const nlohmann::json& keyboard = nullptr);

  BotOptions opts_;
  ResourcePool<SQLite::Database>& dbs_;
  ApiSender& api_;
  Delivery& delivery_;
  FileIdHarvester harvester_;
  SeasonSender* seasons_ = nullptr;
  InlineQueries* inline_ = nullptr;
  void send_season(const Update& u, const SeasonRef& s, const char* via);
};

}  // namespace cmup::bot
