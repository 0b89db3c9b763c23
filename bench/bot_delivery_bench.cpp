// bench_bot_delivery: a delivery's latency when the bot does not know its own file ids yet
// (cold: copied from the storage channel) next to the same delivery once it does (warm: by file
// id), for single-file and 3-part variants (issue 17, figure 6).
//
//   bench_bot_delivery SIM_URL BOT_TOKEN UPLOADER_TOKEN STORAGE_CHAT INDEX_CHAT DB N
//
// The simulator's world has the delivery bot (admin of both chats) and an uploader bot in local
// mode (admin of the storage channel), as bench/fig6_bot.sh writes it. For each of N samples and
// each part count: the uploader stores a fresh variant (as a worker does), the bot delivers it
// through Delivery::deliver() (the Mini App's "Send to me" path) to a new user: cold; the bot
// learns its ids in the background (index chat); then it delivers the same variant to another
// new user: warm. Each user is new, so per-chat pacing never enters. Prints one JSON line: p50 /
// p90 of cold and warm (ms), and the baseline: the median round trip of getMe to the simulator.
#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "bot/bot_service.hpp"
#include "db/database.hpp"
#include "percentile.hpp"
#include "telegram/bot_api.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

using cmup::bench::percentile;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Stored {
  std::int64_t variant_id = 0;
  std::vector<std::int64_t> objects;
};

// One variant of `parts` small files, uploaded by the uploader bot and recorded as a worker would.
Stored store_variant(SQLite::Database& db, cmup::BotApiClient& up, std::int64_t storage,
                     const std::filesystem::path& dir, int serial, int parts) {
  Stored s;
  SQLite::Statement t(db,
                      "INSERT INTO titles(kind, cm_id, title, year, created_at, updated_at) VALUES "
                      "('movie', ?, ?, 2000, 0, 0)");
  t.bind(1, fmt::format("bench-{}", serial));
  t.bind(2, fmt::format("Bench {}", serial));
  t.exec();
  auto title = db.getLastInsertRowid();
  SQLite::Statement v(
      db,
      "INSERT INTO upload_variants(title_id, quality, coded_name, state, part_count, size_bytes, "
      "created_at, updated_at) VALUES (?, '1080P', ?, 'done', ?, ?, 0, 0)");
  v.bind(1, static_cast<int64_t>(title));
  v.bind(2, fmt::format("CM_M{:06}_1080P", serial));
  v.bind(3, parts);
  v.bind(4, parts * 4096);
  v.exec();
  s.variant_id = db.getLastInsertRowid();
  for (int p = 1; p <= parts; ++p) {
    auto path = dir / fmt::format("v{}_{}.mp4", serial, p);
    std::ofstream(path, std::ios::binary) << std::string(4096, static_cast<char>('a' + (serial + p) % 26));
    auto msg = up.call("sendVideo", {{"chat_id", storage},
                                     {"video", "file://" + path.string()},
                                     {"caption", fmt::format("CM_M{:06}_1080P #bench", serial)}});
    const auto& f = msg.contains("video") ? msg["video"] : msg.at("document");
    SQLite::Statement o(
        db,
        "INSERT INTO telegram_objects(variant_id, part_no, part_count, account, channel_id, message_id, "
        "file_id, file_unique_id, file_name, size_bytes, mime_type, created_at) "
        "VALUES (?, ?, ?, 'up', ?, ?, ?, ?, ?, 4096, 'video/mp4', 0)");
    o.bind(1, static_cast<int64_t>(s.variant_id));
    o.bind(2, p);
    o.bind(3, parts);
    o.bind(4, static_cast<int64_t>(storage));
    o.bind(5, msg.at("message_id").get<std::int64_t>());
    o.bind(6, f.at("file_id").get<std::string>());
    o.bind(7, f.at("file_unique_id").get<std::string>());
    o.bind(8, path.filename().string());
    o.exec();
    s.objects.push_back(db.getLastInsertRowid());
  }
  return s;
}

bool learnt(SQLite::Database& db, const Stored& s) {
  for (auto id : s.objects) {
    SQLite::Statement q(db, "SELECT bot_file_id IS NOT NULL FROM telegram_objects WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id));
    if (!q.executeStep() || q.getColumn(0).getInt() == 0) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    std::cerr << "usage: bench_bot_delivery SIM_URL BOT_TOKEN UPLOADER_TOKEN STORAGE_CHAT INDEX_CHAT DB N\n";
    return 2;
  }
  std::string sim_url = argv[1], token = argv[2], up_token = argv[3], db_path = argv[6];
  std::int64_t storage = std::atoll(argv[4]), index = std::atoll(argv[5]);
  int n = std::atoi(argv[7]);
  spdlog::set_level(spdlog::level::warn);
  try {
    auto dir = std::filesystem::path(db_path).parent_path() / "bench-delivery-files";
    std::filesystem::create_directories(dir);
    auto db = cmup::db::open(db_path);
    httplib::Client sim(sim_url);
    cmup::BotApiClient up(sim_url, up_token);

    // The baseline: one round trip to the Bot API.
    cmup::BotApiClient probe(sim_url, token);
    std::vector<double> rtt;
    for (int i = 0; i < 50; ++i) {
      auto t0 = Clock::now();
      probe.call("getMe", json::object());
      rtt.push_back(ms_since(t0));
    }

    cmup::bot::BotOptions o;
    o.token = token;
    o.username = "cmup_bench_bot";
    o.api_url = sim_url;
    o.mode = "webhook";  // no webhook_url: no updates are fetched, deliveries are called directly
    o.webhook_secret = "bench-webhook-secret-0123456789";
    o.index_chat_id = index;
    o.harvest_interval_s = 3600;  // learning runs when a cold delivery wakes it
    // Each measured delivery goes to a new user, so pacing never holds it; raised only so the
    // index chat's 1 message/s does not stretch the learning between samples.
    o.limits = cmup::bot::RateLimits{1000, 1000, 1000};
    cmup::bot::BotService bot(o, db_path);
    bot.start();
    if (!bot.wait_first_attempt(std::chrono::seconds(30)).ready)
      throw std::runtime_error("the bot did not reach the simulator: " + bot.status().reason);
    auto rounds0 = Clock::now();
    while (bot.stats().learning_rounds < 1 && ms_since(rounds0) < 30000)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));

    json out = {{"samples", n}, {"rtt_p50_ms", percentile(rtt, 0.5)}};
    std::int64_t user = 600000;
    int serial = 0;
    for (int parts : {1, 3}) {
      std::vector<double> cold, warm;
      for (int i = 0; i < n; ++i) {
        auto s = store_variant(*db, up, storage, dir, ++serial, parts);
        for (auto* samples : {&cold, &warm}) {
          if (samples == &warm) {
            auto t0 = Clock::now();
            while (!learnt(*db, s) && ms_since(t0) < 30000)
              std::this_thread::sleep_for(std::chrono::milliseconds(5));
            if (!learnt(*db, s)) throw std::runtime_error("the bot did not learn its file ids");
          }
          ++user;
          json hello = {
              {"bot", "cmup_bench_bot"}, {"user_id", user}, {"first_name", "Bench"}, {"text", "/start"}};
          auto r = sim.Post("/control/user_message", hello.dump(), "application/json");
          if (!r || r->status != 200) throw std::runtime_error("simulator control API refused user_message");
          auto t0 = Clock::now();
          auto res = bot.delivery().deliver({user, user, s.variant_id, "mini_app"});
          samples->push_back(ms_since(t0));
          auto want = samples == &cold ? cmup::DeliveryResult::Outcome::FallbackCopy
                                       : cmup::DeliveryResult::Outcome::Sent;
          if (res.outcome != want || res.parts_sent != parts)
            throw std::runtime_error(fmt::format("delivery {} of a {}-part variant: unexpected outcome",
                                                 samples == &cold ? "cold" : "warm", parts));
        }
      }
      std::string k = fmt::format("parts{}", parts);
      out[k] = {{"cold_p50_ms", percentile(cold, 0.5)},
                {"cold_p90_ms", percentile(cold, 0.9)},
                {"warm_p50_ms", percentile(warm, 0.5)},
                {"warm_p90_ms", percentile(warm, 0.9)}};
    }
    bot.stop();
    std::cout << out.dump() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_bot_delivery: " << e.what() << "\n";
    return 1;
  }
}
