// The control API and viewer, and state that survives a restart with the same data dir.
#include "sim_fixture.hpp"

namespace cmup::simtg::test {
namespace {

TEST(Control, ListsChatsAndWhatTheyHold) {
  cmup::test::TempDir dir;
  Sim sim(dir);
  ASSERT_EQ(sim.upload(kStoreToken, "sendDocument", {{"chat_id", std::to_string(kStore)}, {"caption", "CM_S3_E4 1/2"}},
                       {{"document", "CM_S3_E4.part1.mkv", random_bytes(700, 51)}})
                .status,
            200);
  ASSERT_EQ(sim.control_post("/control/user_message", {{"bot", "deliver_bot"}, {"user_id", kAnn}, {"text", "/start"}}).status,
            200);
  auto chats = sim.control_get("/control/chats");
  ASSERT_EQ(chats.status, 200);
  json store, ann;
  for (const auto& c : chats.body) {
    if (c["id"] == kStore) store = c;
    if (c["id"] == kAnn) ann = c;
  }
  EXPECT_EQ(store["type"], "channel");
  EXPECT_EQ(store["title"], "Storage 1");
  EXPECT_EQ(store["message_count"], 1);
  EXPECT_EQ(ann["type"], "private");
  EXPECT_EQ(ann["bot"], "deliver_bot");
  auto msgs = sim.messages(kStore);
  EXPECT_EQ(msgs[0]["file"]["file_name"], "CM_S3_E4.part1.mkv");
  EXPECT_EQ(msgs[0]["file"]["size"], 700);
  EXPECT_EQ(msgs[0]["caption"], "CM_S3_E4 1/2");
  EXPECT_EQ(msgs[0]["sender"]["type"], "bot");
  EXPECT_EQ(sim.messages(kAnn, "deliver_bot")[0]["sender"]["type"], "user");

  auto c = sim.client();
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("<html"), std::string::npos);
  EXPECT_EQ(page->body.find("http://"), std::string::npos);  // no external assets
  auto state = c.Get("/viewer/state");
  EXPECT_NE(state->body.find("CM_S3_E4.part1.mkv"), std::string::npos);
}

TEST(Control, StateSurvivesARestartWithTheSameDataDir) {
  cmup::test::TempDir dir;
  Sim sim(dir);
  auto up = sim.upload(kStoreToken, "sendVideo", {{"chat_id", std::to_string(kStore)}},
                       {{"video", "a.mp4", random_bytes(900, 52)}});
  ASSERT_EQ(up.status, 200);
  const std::string file_id = up.body["result"]["video"]["file_id"];
  ASSERT_EQ(sim.control_post("/control/user_message", {{"bot", "deliver_bot"}, {"user_id", kAnn}, {"text", "/start"}}).status,
            200);
  sim.stop();
  sim.start();
  auto again = sim.call(kStoreToken, "sendVideo", {{"chat_id", kStore}, {"video", file_id}});
  ASSERT_EQ(again.status, 200) << again.body.dump();
  EXPECT_EQ(again.body["result"]["message_id"], 2);  // ids continue
  auto pending = sim.call(kDeliverToken, "getUpdates");
  ASSERT_EQ(pending.body["result"].size(), 1u);  // the queued update is still there
  EXPECT_EQ(sim.call(kDeliverToken, "sendMessage", {{"chat_id", kAnn}, {"text", "hi"}}).status, 200);
}

TEST(Control, IsOffUnlessEnabled) {
  cmup::test::TempDir dir;
  std::ofstream(dir / "sim.json") << default_world().dump();
  const int port = cmup::test::free_port();
  cmup::test::Process p({cmup::test::sim_telegram_binary(), "--listen", "127.0.0.1:" + std::to_string(port), "--config",
                         (dir / "sim.json").string(), "--data-dir", (dir / "d").string()},
                        {}, dir / "log");
  ASSERT_TRUE(cmup::test::wait_until([&] { return p.log().find("listening on http://127.0.0.1:" + std::to_string(port)) !=
                                                  std::string::npos; }, 20s));
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/control/chats");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST(Control, BadConfigIsReportedWithTheFileName) {
  cmup::test::TempDir dir;
  std::ofstream(dir / "sim.json") << R"({"bots":[],"channels":[{"id":-1001,"admins":["ghost"]}]})";
  auto r = cmup::test::run({cmup::test::sim_telegram_binary(), "--listen", "127.0.0.1:0", "--config",
                            (dir / "sim.json").string(), "--data-dir", (dir / "d").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("sim.json"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace cmup::simtg::test
