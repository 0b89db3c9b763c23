// POST /api/v1/deliver_season (the Mini App's "Send the whole season") with the real bot and
// cmup-sim-telegram: initData decides who receives; the season arrives in order, as albums.
#include <gtest/gtest.h>
#include <httplib.h>

#include "bot/bot_service.hpp"
#include "bot/season_fixture.hpp"
#include "db/database.hpp"
#include "web/init_data.hpp"
#include "web/server.hpp"

namespace cmup::bot::e2e {
namespace {

using namespace std::chrono_literals;

class SeasonApiE2E : public ::testing::Test {
 protected:
  test::TempDir dir;
  SimTelegram sim{dir};
  std::unique_ptr<SQLite::Database> db = db::open(dir / "cmup.db");
  std::unique_ptr<BotService> bot;
  std::unique_ptr<web::WebServer> server;
  std::unique_ptr<httplib::Client> client;

  void start() {
    bot = std::make_unique<BotService>(test_bot_options(sim), dir / "cmup.db");
    bot->start();
    // The bot reaches Telegram in the background; until then the API answers 503 bot_not_ready.
    ASSERT_TRUE(test::wait_until([&] { return bot->status().ready; }, 20s));
    web::WebOptions w;
    w.port = 0;
    w.bot_token = kBotToken;
    w.bot_username = kBotName;
    w.threads = 2;
    server = std::make_unique<web::WebServer>(w, dir / "cmup.db", &bot->delivery());
    server->set_season_delivery(&bot->seasons());
    client = std::make_unique<httplib::Client>("127.0.0.1", server->start());
    client->set_read_timeout(20, 0);
  }
  static std::string init_data(std::int64_t user) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    return web::sign_init_data({{"query_id", "AAQ1"},
                                {"user", R"({"id":)" + std::to_string(user) + R"(,"first_name":"Ann"})"},
                                {"auth_date", std::to_string(now.count() - 5)}},
                               kBotToken);
  }
  httplib::Result post(const json& body, const std::string& init) {
    httplib::Headers h;
    if (!init.empty()) h.emplace("X-Telegram-Init-Data", init);
    return client->Post("/api/v1/deliver_season", h, body.dump(), "application/json");
  }
};

TEST_F(SeasonApiE2E, TheMiniAppButtonSendsTheSeasonToThatUserInOrder) {
  auto season = store_season(*db, sim, "Severance", 11, /*learn_ids=*/true);
  sim.user_says(kAnn, "hi");  // Ann has a chat with the bot (Telegram: the user wrote first)
  start();
  auto r = post({{"title_id", season.title_id}, {"season", 1}}, init_data(kAnn));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  auto j = json::parse(r->body);
  EXPECT_EQ(j["status"], "started");
  EXPECT_EQ(j["episodes"], 11);
  EXPECT_EQ(j["parts"], 11);
  ASSERT_TRUE(test::wait_until([&] { return sim.files_to(kAnn).size() >= 11; }, 30s));
  EXPECT_EQ(received_sha256(sim, kAnn), season.sha256);
  auto files = sim.files_to(kAnn);
  EXPECT_EQ(files[0]["media_group_id"], files[9]["media_group_id"]);  // an album of 10, then 1
  EXPECT_TRUE(sim.files_to(kBob).empty());
  // The title's API hands the website the same season as a t.me deep link.
  auto t = client->Get(("/api/v1/titles/" + std::to_string(season.title_id)).c_str());
  ASSERT_TRUE(t);
  EXPECT_EQ(json::parse(t->body)["seasons"][0]["deep_link"],
            "https://t.me/" + kBotName + "?start=s" + std::to_string(season.title_id) + "_1");
}

TEST_F(SeasonApiE2E, RefusesWithoutValidInitDataAndExplainsBadBodies) {
  auto season = store_season(*db, sim, "Silo", 2, /*learn_ids=*/true);
  start();
  json ok = {{"title_id", season.title_id}, {"season", 1}};
  auto forged = init_data(kAnn);
  forged[forged.size() - 1] = forged.back() == 'a' ? 'b' : 'a';
  for (auto* init : {"", forged.c_str()}) {
    auto r = post(ok, init);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << r->body;
  }
  for (const json& bad : {json{{"season", 1}}, json{{"title_id", season.title_id}, {"season", -1}},
                          json{{"title_id", season.title_id}, {"season", 1}, {"quality", "HD"}},
                          json{{"title_id", season.title_id}, {"season", 1}, {"x", 1}}}) {
    auto r = post(bad, init_data(kAnn));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad << " " << r->body;
  }
  auto none = post({{"title_id", season.title_id}, {"season", 7}}, init_data(kAnn));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404) << none->body;
  EXPECT_TRUE(sim.files_to(kAnn).empty());
}

}  // namespace
}  // namespace cmup::bot::e2e
