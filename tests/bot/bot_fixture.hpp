// The fixture of the bot's in-process end-to-end tests: a simulator, a catalog database, a
// BotService on both, and stored movies whose parts are real uploads in the storage channel
// (by another bot, as the workers do), so every file id is real.
#pragma once

#include <gtest/gtest.h>

#include "bot/bot_service.hpp"
#include "db/database.hpp"
#include "fixtures.hpp"
#include "sim_harness.hpp"

namespace cmup::bot::e2e {

class BotFixture : public ::testing::Test {
 protected:
  test::TempDir dir;
  SimTelegram sim{dir};
  std::unique_ptr<SQLite::Database> db = db::open(dir / "cmup.db");

  BotOptions options() {
    BotOptions o;
    o.token = kBotToken;
    o.username = kBotName;
    o.api_url = sim.url();
    o.poll_timeout_s = 1;  // stop() returns quickly
    o.index_chat_id = kIndex;
    o.workers = 4;
    o.harvest_interval_s = 3600;  // learning runs at start and when a delivery wakes it
    return o;
  }
  std::unique_ptr<BotService> start(BotOptions o) {
    auto s = std::make_unique<BotService>(std::move(o), dir / "cmup.db");
    s->start();
    return s;
  }

  struct Stored {
    std::int64_t variant_id = 0;
    std::vector<Uploaded> parts;
    std::vector<std::int64_t> object_ids;
  };
  // A movie variant stored as `parts` uploaded files.
  Stored store_movie(const std::string& title, int year, int parts, const std::string& quality = "1080P") {
    Stored s;
    auto t = fixtures::title(*db, "movie", title, year);
    s.variant_id = fixtures::variant(*db, t, 0, quality, parts);
    for (int i = 1; i <= parts; ++i) {
      auto up = sim.upload(title + "_" + quality + "_" + std::to_string(i) + ".mp4", 3000 + i,
                           "CM_M" + std::to_string(t) + "_" + quality + " #abc");
      s.object_ids.push_back(fixtures::object(*db, s.variant_id, i, parts, kStorage, up.message_id,
                                              up.file_id, up.file_unique_id));
      s.parts.push_back(up);
    }
    return s;
  }
  bool all_learnt(const Stored& s) {
    for (auto id : s.object_ids)
      if (fixtures::bot_file_id(*db, id).empty()) return false;
    return true;
  }
  std::string outcome_of_last_delivery(std::int64_t user) {
    SQLite::Statement q(*db, "SELECT outcome FROM deliveries WHERE user_id = ? ORDER BY id DESC LIMIT 1");
    q.bind(1, static_cast<int64_t>(user));
    return q.executeStep() ? q.getColumn(0).getString() : "";
  }
};

}  // namespace cmup::bot::e2e
