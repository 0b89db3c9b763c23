// `cmup bot` as operators run it: a config file, long polling, a clean stop on SIGTERM,
// and no token in its output.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "db/database.hpp"
#include "fixtures.hpp"
#include "sim_harness.hpp"

namespace cmup::bot::e2e {
namespace {

namespace fx = fixtures;
using namespace std::chrono_literals;

TEST(CmupBot, RunsFromConfigDeliversAndStopsCleanly) {
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
  std::ofstream(dir / "cmup.toml") << "[general]\ndata_dir = \"" << dir.path().string() << "\"\n"
                                   << "[database]\npath = \"" << (dir / "cmup.db").string() << "\"\n"
                                   << "[bot]\napi_url = \"" << sim.url() << "\"\npoll_timeout_s = 1\n"
                                   << "index_chat_id = " << kIndex << "\n";
  test::Process bot({test::cmup_binary(), "-c", (dir / "cmup.toml").string(), "bot"},
                    {{"CMUP_BOT_TOKEN", kBotToken}}, dir / "bot.log");
  sim.user_says(kAnn, "/start v" + std::to_string(variant));
  ASSERT_TRUE(test::wait_until([&] { return sim.files_to(kAnn).size() == 1; }, 30s)) << bot.log();
  EXPECT_EQ(sim.files_to(kAnn)[0]["file"]["sha256"], up.sha256);
  bot.signal(SIGTERM);
  EXPECT_EQ(bot.wait(20s), 0) << bot.log();
  EXPECT_EQ(bot.log().find("AAdeliveryTOKEN"), std::string::npos);
}

TEST(CmupBot, ABadTokenTellsTheOperatorWhatToFix) {
  test::TempDir dir;
  SimTelegram sim(dir);
  std::ofstream(dir / "cmup.toml") << "[database]\npath = \"" << (dir / "cmup.db").string() << "\"\n"
                                   << "[bot]\napi_url = \"" << sim.url() << "\"\n";
  auto r = test::run({test::cmup_binary(), "-c", (dir / "cmup.toml").string(), "bot"},
                     {{"CMUP_BOT_TOKEN", "5001:AAwrongTOKENwrongTOKENwrong000000"}}, 30s);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("CMUP_BOT_TOKEN"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("AAwrongTOKEN"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace cmup::bot::e2e
