// Inline mode against cmup-sim-telegram: `@bot query` lists the stored files the bot can send
// by its own file id; choosing one posts that very file (no upload); pages of 50.
#include <gtest/gtest.h>

#include "bot/bot_service.hpp"
#include "db/database.hpp"
#include "season_fixture.hpp"

namespace cmup::bot::e2e {
namespace {

using namespace std::chrono_literals;
namespace fx = fixtures;

class InlineE2E : public ::testing::Test {
 protected:
  test::TempDir dir;
  SimTelegram sim{dir};
  std::unique_ptr<SQLite::Database> db = db::open(dir / "cmup.db");

  std::unique_ptr<BotService> start() {
    auto s = std::make_unique<BotService>(test_bot_options(sim), dir / "cmup.db");
    s->start();
    return s;
  }
  // Types `@bot query` as Ann; returns the bot's answer (null when none came).
  json ask(const std::string& query, const std::string& offset = "") {
    auto r = sim.control_post("/control/inline_query",
                              {{"bot", kBotName}, {"user_id", kAnn}, {"query", query}, {"offset", offset}});
    std::string id = r.value("inline_query_id", "");
    json state;
    test::wait_until(
        [&] {
          HttpClient http;
          auto g = http.get(sim.url() + "/control/inline_queries/" + id);
          state = json::parse(g.body, nullptr, false);
          return state.is_object() && state.value("answered", false);
        },
        20s);
    if (!state.is_object() || !state.value("answered", false)) return nullptr;
    state["answer"]["inline_query_id"] = id;
    return state["answer"];
  }
};

TEST_F(InlineE2E, AQueryListsWhatTheBotCanSendAndChoosingSendsThatFileById) {
  auto t = fx::title(*db, "movie", "Inception", 2010);
  auto learnt = fx::variant(*db, t, 0, "1080P", 1);
  auto unlearnt = fx::variant(*db, t, 0, "720P", 1);
  auto up1 = sim.upload("inc1080.mp4", 4000, "CM_M1_1080P #a");
  auto up2 = sim.upload("inc720.mp4", 3000, "CM_M1_720P #b");
  BotApiClient bot(sim.url(), kBotToken);
  auto fwd = bot.call("forwardMessage", {{"chat_id", kIndex}, {"from_chat_id", kStorage}, {"message_id", up1.message_id}});
  std::string bot_id = fwd.at("video").at("file_id").get<std::string>();
  fx::object(*db, learnt, 1, 1, kStorage, up1.message_id, up1.file_id, up1.file_unique_id, bot_id);
  fx::object(*db, unlearnt, 1, 1, kStorage, up2.message_id, up2.file_id, up2.file_unique_id);
  sim.user_says(kAnn, "hi");  // (the chat the chosen result lands in)
  auto service = start();

  auto a = ask("incep");
  ASSERT_TRUE(a.is_object()) << "no answer to the inline query";
  EXPECT_EQ(a["cache_time"], 300);
  ASSERT_EQ(a["results"].size(), 1u) << a;  // the 720p id is not learnt yet: not offered
  auto r = a["results"][0];
  EXPECT_EQ(r["type"], "video");
  EXPECT_EQ(r["video_file_id"], bot_id);
  EXPECT_EQ(r["title"], "Inception (2010)");
  EXPECT_EQ(r["caption"], "Inception (2010) · 1080p");
  EXPECT_EQ(a.value("next_offset", ""), "");

  auto chosen = sim.control_post("/control/choose_inline_result",
                                 {{"inline_query_id", a["inline_query_id"]}, {"result_id", r["id"]}});
  auto m = chosen["message"];
  EXPECT_EQ(m["via_bot_id"], 5001);
  EXPECT_EQ(m["kind"], "video");
  EXPECT_EQ(m["caption"], "Inception (2010) · 1080p");
  // The very stored file (same unique id, same bytes): sent by file id, nothing uploaded.
  EXPECT_EQ(m["file"]["file_unique_id"], up1.file_unique_id);
  EXPECT_EQ(m["file"]["sha256"], up1.sha256);
}

TEST_F(InlineE2E, ResultsComeFiftyAPageWithTheNextOffset) {
  store_season(*db, sim, "Friends", 60, /*learn_ids=*/true);
  auto service = start();
  auto p1 = ask("friends");
  ASSERT_TRUE(p1.is_object());
  ASSERT_EQ(p1["results"].size(), 50u);
  EXPECT_EQ(p1["results"][0]["title"], "Friends (2020) · S01E01");
  ASSERT_EQ(p1["next_offset"], "50");
  auto p2 = ask("friends", "50");
  ASSERT_TRUE(p2.is_object());
  ASSERT_EQ(p2["results"].size(), 10u);
  EXPECT_EQ(p2["results"][9]["title"], "Friends (2020) · S01E60");
  EXPECT_EQ(p2.value("next_offset", ""), "");
}

TEST_F(InlineE2E, NothingFoundAnswersEmptyWithAWayIntoTheBot) {
  auto service = start();
  auto a = ask("zzzz");
  ASSERT_TRUE(a.is_object());
  EXPECT_TRUE(a["results"].empty());
}

}  // namespace
}  // namespace cmup::bot::e2e
