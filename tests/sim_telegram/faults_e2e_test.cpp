// Injected faults: 429 with retry_after, 500, dropped connections (before and after the
// call took effect), throttling, and the optional Bot FAQ rate limits.
#include "sim_fixture.hpp"

namespace cmup::simtg::test {
namespace {

class Faults : public ::testing::Test {
 protected:
  cmup::test::TempDir dir;
  Sim sim{dir};
  Reply send(const std::string& token, std::int64_t chat, const std::string& text = "x") {
    return sim.call(token, "sendMessage", {{"chat_id", chat}, {"text", text}});
  }
};

TEST_F(Faults, Injected429HasTelegramsShapeAndLastsItsCount) {
  auto f = sim.control_post("/control/faults",
                            {{"kind", "429"}, {"bot", "store_bot"}, {"method", "sendMessage"}, {"retry_after", 7}, {"count", 2}});
  ASSERT_EQ(f.status, 200) << f.body.dump();
  for (int i = 0; i < 2; ++i) {
    auto r = send(kStoreToken, kStore);
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.body, json::parse(R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7",
                                     "parameters":{"retry_after":7}})"));
  }
  EXPECT_EQ(send(kStoreToken, kStore).status, 200);
  // Other bots and methods were never affected.
  EXPECT_EQ(sim.call(kStoreToken, "getMe").status, 200);
  EXPECT_EQ(sim.messages(kStore).size(), 1u);
}

TEST_F(Faults, A429ForSecondsReportsTheTimeLeftAndOnlyHitsItsChat) {
  ASSERT_EQ(sim.control_post("/control/faults", {{"kind", "429"}, {"bot", "store_bot"}, {"chat_id", kStore}, {"seconds", 30}}).status,
            200);
  auto r = send(kStoreToken, kStore);
  EXPECT_EQ(r.status, 429);
  const int retry = r.body["parameters"]["retry_after"];
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 30);
  EXPECT_EQ(send(kStoreToken, kStore).status, 429);
  ASSERT_EQ(sim.control_post("/control/user_message", {{"bot", "store_bot"}, {"user_id", kAnn}, {"text", "/start"}}).status, 200);
  EXPECT_EQ(send(kStoreToken, kAnn).status, 200);
  auto c = sim.client();
  ASSERT_EQ(c.Delete("/control/faults")->status, 200);
  EXPECT_EQ(send(kStoreToken, kStore).status, 200);
}

TEST_F(Faults, Injected500) {
  sim.control_post("/control/faults", {{"kind", "500"}, {"token", kStoreToken}});  // by token, not name
  auto r = send(kStoreToken, kStore);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body["ok"], false);
  EXPECT_EQ(r.body["error_code"], 500);
  EXPECT_EQ(send(kStoreToken, kStore).status, 200);  // one call by default
}

TEST_F(Faults, DroppedConnectionGivesNoAnswerAndStoresNothing) {
  sim.control_post("/control/faults", {{"kind", "drop"}, {"method", "sendVideo"}});
  auto r = sim.upload(kStoreToken, "sendVideo", {{"chat_id", std::to_string(kStore)}},
                      {{"video", "a.mp4", random_bytes(1000, 41)}});
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(sim.messages(kStore).empty());
  // The client is cut off before the handler finishes; its temporary file goes right after.
  EXPECT_TRUE(cmup::test::wait_until([&] { return std::filesystem::is_empty(sim.data_dir() / "tmp"); }, 10s));
}

TEST_F(Faults, DropAfterProcessingLosesOnlyTheAnswer) {
  // The crash window the upload nonce exists for: Telegram stored the post, the client
  // never heard back.
  sim.control_post("/control/faults", {{"kind", "drop"}, {"method", "sendVideo"}, {"after_processing", true}});
  auto r = sim.upload(kStoreToken, "sendVideo", {{"chat_id", std::to_string(kStore)}, {"caption", "CM_M9 #n0nce1"}},
                      {{"video", "a.mp4", random_bytes(1000, 42)}});
  EXPECT_EQ(r.status, 0);
  auto listed = sim.messages(kStore);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["caption"], "CM_M9 #n0nce1");
}

TEST_F(Faults, ThrottledUploadsStillArriveWholeAndStatsCountThem) {
  ASSERT_EQ(sim.control_post("/control/throttle", {{"bytes_per_second", 400000}, {"bot", "store_bot"}}).status, 200);
  const std::string bytes = random_bytes(100000, 43);
  const std::string src = write_file(dir / "t.mp4", bytes);
  auto r = sim.upload(kStoreToken, "sendVideo", {{"chat_id", std::to_string(kStore)}}, {{"video", "t.mp4", bytes}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(sim.messages(kStore)[0]["file"]["sha256"], cmup::test::sha256_file(src));
  auto stats = sim.control_get("/control/stats");
  EXPECT_EQ(stats.body["calls"]["store_bot"]["sendVideo"], 1);
  EXPECT_GT(stats.body["bytes_received"]["store_bot"].get<std::uint64_t>(), 100000u);
  EXPECT_EQ(stats.body["file_bytes_stored"]["store_bot"], 100000);
}

TEST(FaultsRateLimits, EnforcedFaqLimitsAnswer429InOneChat) {
  cmup::test::TempDir dir;
  Sim sim(dir, {"--enforce-rate-limits"});
  int refused = 0;
  int retry_after = 0;
  for (int i = 0; i < 10; ++i) {
    auto r = sim.call(kStoreToken, "sendMessage", {{"chat_id", kStore}, {"text", std::to_string(i)}});
    if (r.status == 429) {
      ++refused;
      retry_after = r.body["parameters"]["retry_after"];
    }
  }
  EXPECT_GT(refused, 0);  // 10 messages at once exceed a burst of about 1/s
  EXPECT_GE(retry_after, 1);
}

}  // namespace
}  // namespace cmup::simtg::test
