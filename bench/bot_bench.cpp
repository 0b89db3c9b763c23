// bench_bot: the delivery bot's latency from an update arriving to its send call leaving
// (issue 10, figure 6).
//
//   bench_bot SIM_URL BOT_USERNAME BOT_TOKEN DB TITLES N RATE   (TITLES: titles in DB's catalog)
//
// 1. N users each write to the bot through cmup-sim-telegram's control API
//    (/control/user_message), which opens their private chats and returns the Update JSON
//    Telegram would deliver: 70 % searches (words of the catalog's titles), 20 % /start,
//    10 % /help.
// 2. A BotService in webhook mode on DB (the catalog) gets these updates one by one, RATE per
//    second (below the bot's 30 msg/s pacing, so no update waits for the rate limiter),
//    through handle_webhook(): the webhook's own entry point, as a POST from Telegram would.
// 3. The bot's send observer (BotService::set_send_observer) notes when each reply leaves.
// Prints one JSON line: latency from handing over the webhook body to the reply leaving
// (p50/p99/max, ms), the same from the bot's own arrival stamp, and the baseline: one
// durable SQLite write transaction on the same database (the bot must persist every update
// before it answers it).
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "bench_db.hpp"
#include "bot/bot_service.hpp"
#include "db/database.hpp"
#include "percentile.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

using cmup::bench::percentile;

std::string text_for(int i, std::uint64_t titles) {
  switch (i % 10) {
    case 7:
    case 8: return "/start";
    case 9: return "/help";
    default: return cmup::bench::synthetic_query(static_cast<std::uint64_t>(i), titles);
  }
}

// Median of `n` single-row durable write transactions on the database: the floor of any
// handler that records an update before answering it.
double write_floor_ms(const std::string& db_path, int n) {
  auto db = cmup::db::open(db_path);
  std::vector<double> ms;
  SQLite::Statement q(*db, "INSERT OR REPLACE INTO kv(key, value, updated_at) VALUES (?, 'x', 0)");
  for (int i = 0; i < n; ++i) {
    auto t0 = Clock::now();
    cmup::db::write_tx(*db, [&] {
      q.reset();
      q.bind(1, fmt::format("bench.floor.{}", i));
      q.exec();
    });
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  db->exec("DELETE FROM kv WHERE key LIKE 'bench.floor.%'");
  return percentile(ms, 0.5);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    std::cerr << "usage: bench_bot SIM_URL BOT_USERNAME BOT_TOKEN DB TITLES N RATE\n";
    return 2;
  }
  std::string sim_url = argv[1], username = argv[2], token = argv[3], db_path = argv[4];
  auto titles = static_cast<std::uint64_t>(std::atoll(argv[5]));
  int n = std::atoi(argv[6]);
  double rate = std::atof(argv[7]);
  spdlog::set_level(spdlog::level::warn);
  try {
    // 1. The users write to the bot; the simulator gives the updates.
    httplib::Client sim(sim_url);
    std::vector<std::pair<std::int64_t, std::string>> updates;  // chat id, update JSON
    for (int i = 0; i < n; ++i) {
      std::int64_t user = 500000 + i;
      json body = {{"bot", username}, {"user_id", user}, {"first_name", fmt::format("Bench {}", i)},
                   {"text", text_for(i, titles)}};
      auto r = sim.Post("/control/user_message", body.dump(), "application/json");
      if (!r || r->status != 200) throw std::runtime_error("simulator control API refused user_message");
      auto j = json::parse(r->body);
      updates.emplace_back(user, j.at("update").dump());
    }

    // 2. The bot, in webhook mode on the catalog.
    cmup::bot::BotOptions o;
    o.token = token;
    o.username = username;
    o.api_url = sim_url;
    o.mode = "webhook";
    o.webhook_secret = "bench-webhook-secret-0123456789";
    cmup::bot::BotService bot(o, db_path);
    std::mutex mu;
    std::condition_variable cv;
    std::map<std::int64_t, Clock::time_point> left, stamped;
    bot.set_send_observer([&](const cmup::bot::SendEvent& e) {
      std::lock_guard lk(mu);
      if (left.count(e.chat_id)) return;  // the first reply of each update
      left[e.chat_id] = e.leaving;
      stamped[e.chat_id] = e.update_arrived;
      cv.notify_all();
    });
    bot.start();
    // The webhook answers 503 until the bot has reached Telegram (getMe in the background).
    if (!bot.wait_first_attempt(std::chrono::seconds(30)).ready)
      throw std::runtime_error("the bot did not reach the simulator: " + bot.status().reason);

    // 3. Feed the updates at RATE/s, each stamped just before the bot gets it.
    std::map<std::int64_t, Clock::time_point> handed;
    auto step = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
    auto next = Clock::now();
    int refused = 0;
    for (auto& [chat, body] : updates) {
      std::this_thread::sleep_until(next);
      next += step;
      auto t0 = Clock::now();
      {
        std::lock_guard lk(mu);
        handed[chat] = t0;
      }
      if (bot.handle_webhook(o.webhook_secret, body) != 200) ++refused;
    }
    {
      std::unique_lock lk(mu);
      cv.wait_for(lk, std::chrono::seconds(30), [&] { return left.size() >= updates.size(); });
    }
    bot.stop();

    std::vector<double> ext, own;
    {
      std::lock_guard lk(mu);
      for (auto& [chat, t] : left) {
        if (!handed.count(chat)) continue;
        ext.push_back(std::chrono::duration<double, std::milli>(t - handed[chat]).count());
        if (stamped[chat].time_since_epoch().count() != 0)
          own.push_back(std::chrono::duration<double, std::milli>(t - stamped[chat]).count());
      }
    }
    double floor = write_floor_ms(db_path, 200);
    std::cout << json{{"updates", n},
                      {"replied", ext.size()},
                      {"refused", refused},
                      {"rate_per_s", rate},
                      {"p50_ms", percentile(ext, 0.5)},
                      {"p99_ms", percentile(ext, 0.99)},
                      {"max_ms", percentile(ext, 1.0)},
                      {"stamp_p50_ms", percentile(own, 0.5)},
                      {"stamp_p99_ms", percentile(own, 0.99)},
                      {"write_floor_p50_ms", floor}}
                     .dump()
              << "\n";
    return ext.size() == updates.size() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_bot: " << e.what() << "\n";
    return 1;
  }
}
