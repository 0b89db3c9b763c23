// `cmup serve` with bot.mode = "webhook": the webhook is a route of the website's own server,
// Telegram's updates arrive there and the bot answers them; a request without the secret
// header is refused and changes nothing.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "db/database.hpp"
#include "fixtures.hpp"
#include "sim_harness.hpp"
#include "util/http_client.hpp"

namespace cmup::bot::e2e {
namespace {

namespace fx = fixtures;
using namespace std::chrono_literals;

TEST(ServeWebhook, AnUpdatePostedToTheWebServerDeliversTheFile) {
  test::TempDir dir;
  SimTelegram sim(dir);
  std::int64_t variant = 0;
  Uploaded up;
  {
    auto db = db::open(dir / "cmup.db");
    auto t = fx::title(*db, "movie", "Arrival", 2016);
    variant = fx::variant(*db, t, 0, "1080P", 1);
    up = sim.upload("arrival.mp4", 4096, "CM_M000001_1080P");
    fx::object(*db, variant, 1, 1, kStorage, up.message_id, up.file_id, up.file_unique_id);
  }
  int port = test::free_port();
  const std::string site = "http://127.0.0.1:" + std::to_string(port);
  std::ofstream(dir / "cmup.toml") << "[general]\ndata_dir = \"" << dir.path().string() << "\"\n"
                                   << "[database]\npath = \"" << (dir / "cmup.db").string() << "\"\n"
                                   << "[coordinator]\nlisten = \"\"\n"
                                   << "[bot]\napi_url = \"" << sim.url() << "\"\nmode = \"webhook\"\n"
                                   << "webhook_url = \"" << site << "/telegram/webhook\"\n"
                                   << "index_chat_id = " << kIndex << "\n";
  test::Process serve(
      {test::cmup_binary(), "-c", (dir / "cmup.toml").string(), "serve", "--listen",
       "127.0.0.1:" + std::to_string(port)},
      {{"CMUP_BOT_TOKEN", kBotToken}, {"CMUP_BOT_WEBHOOK_SECRET", "webhook-secret-for-tests"}},
      dir / "serve.log");
  ASSERT_TRUE(
      test::wait_until([&] { return serve.log().find("serving on http://") != std::string::npos; }, 30s))
      << serve.log();
  EXPECT_NE(serve.log().find("webhook    " + site + "/telegram/webhook"), std::string::npos) << serve.log();

  // Telegram (the simulator) posts the update to the web server; the bot answers with the file.
  sim.user_says(kAnn, "/start v" + std::to_string(variant));
  ASSERT_TRUE(test::wait_until([&] { return sim.files_to(kAnn).size() == 1; }, 30s)) << serve.log();
  EXPECT_EQ(sim.files_to(kAnn)[0]["file"]["sha256"], up.sha256);

  // Without the secret (or with a wrong one) nothing is accepted.
  HttpClient http;
  const std::string forged =
      R"({"update_id": 999999, "message": {"message_id": 5, "chat": {"id": 7001}, "from": {"id": 7001}, "text": "/start v)" +
      std::to_string(variant) + R"("}})";
  EXPECT_EQ(http.post_json(site + "/telegram/webhook", forged, {}).status, 401);
  EXPECT_EQ(http.post_json(site + "/telegram/webhook", forged, {{"X-Telegram-Bot-Api-Secret-Token", "wrong"}})
                .status,
            401);
  // A GET on the webhook path is a wrong method, not a missing page.
  EXPECT_EQ(http.get(site + "/telegram/webhook").status, 405);
  // The forged updates were not taken: Ann's next real request (handled after anything taken
  // before it, one chat in order) brings her second file, and no third.
  sim.user_says(kAnn, "/start v" + std::to_string(variant));
  ASSERT_TRUE(test::wait_until([&] { return sim.files_to(kAnn).size() >= 2; }, 30s)) << serve.log();
  EXPECT_EQ(sim.files_to(kAnn).size(), 2u);
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(30s), 0) << serve.log();
  EXPECT_EQ(serve.log().find("AAdeliveryTOKEN"), std::string::npos);
  EXPECT_EQ(serve.log().find("webhook-secret-for-tests"), std::string::npos);
}

}  // namespace
}  // namespace cmup::bot::e2e
