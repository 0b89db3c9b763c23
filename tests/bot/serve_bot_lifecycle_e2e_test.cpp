// The delivery bot inside `cmup serve`, as an operator runs it: serve stops within two seconds
// on SIGTERM although a 25 s long poll is configured (and forwards nothing more), and serve
// keeps serving the website, API and coordinator while the Bot API cannot be reached, telling
// why on /api/v1/health and answering deliveries 503 + Retry-After, until the bot recovers on
// its own once Telegram answers.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "db/database.hpp"
#include "fixtures.hpp"
#include "sim_harness.hpp"
#include "util/http_client.hpp"

namespace cmup::bot::e2e {
namespace {

using namespace std::chrono_literals;

const std::string kAdminToken = "admin-token-for-lifecycle-tests";

struct Serve {
  int port = test::free_port();
  int coordinator_port = test::free_port();
  std::string site = "http://127.0.0.1:" + std::to_string(port);
  std::unique_ptr<test::Process> proc;

  Serve(const test::TempDir& dir, const std::string& api_url, int poll_timeout_s) {
    std::ofstream(dir / "cmup.toml") << "[general]\ndata_dir = \"" << dir.path().string() << "\"\n"
                                     << "[database]\npath = \"" << (dir / "cmup.db").string() << "\"\n"
                                     << "[coordinator]\nlisten = \"127.0.0.1:" << coordinator_port << "\"\n"
                                     << "[bot]\napi_url = \"" << api_url << "\"\n"
                                     << "poll_timeout_s = " << poll_timeout_s << "\n"
                                     << "index_chat_id = " << kIndex << "\n";
    proc = std::make_unique<test::Process>(
        std::vector<std::string>{test::cmup_binary(), "-c", (dir / "cmup.toml").string(), "serve", "--listen",
                                 "127.0.0.1:" + std::to_string(port)},
        std::map<std::string, std::string>{{"CMUP_BOT_TOKEN", kBotToken},
                                           {"CMUP_WEB_ADMIN_TOKEN", kAdminToken},
                                           {"CMUP_COORDINATOR_TOKENS", "rora=coordinator-token-for-tests"}},
        dir / "serve.log");
  }
  bool serving() {
    return test::wait_until([&] { return proc->log().find("serving on http://") != std::string::npos; }, 30s);
  }
  json health() {
    HttpClient http;
    auto r = http.get(site + "/api/v1/health");
    auto j = json::parse(r.body, nullptr, false);
    return r.status == 200 && j.is_object() ? j : json::object();
  }
  std::string bot_state() {
    auto h = health();
    return h.contains("bot") ? h["bot"].value("state", "") : "";
  }
};

std::int64_t count_calls(SimTelegram& sim, const std::string& method) {
  std::int64_t n = 0;
  for (auto& c : sim.calls())
    if (c.value("bot", "") == kBotName && c.value("method", "") == method) ++n;
  return n;
}

TEST(ServeBotLifecycle, SigtermStopsServeWithinTwoSecondsDespiteA25SecondPollAndLearning) {
  test::TempDir dir;
  SimTelegram sim(dir);
  {
    // Enough stored files that learning (the index chat paced at under 1 message/s) is busy
    // when the signal comes.
    auto db = db::open(dir / "cmup.db");
    for (int i = 1; i <= 12; ++i) store_file(sim, *db, "Many " + std::to_string(i), 2000);
  }
  Serve serve(dir, sim.url(), 25);
  ASSERT_TRUE(serve.serving()) << serve.proc->log();
  // The long poll is under way and learning has started.
  ASSERT_TRUE(test::wait_until(
      [&] { return count_calls(sim, "getUpdates") >= 1 && count_calls(sim, "forwardMessage") >= 2; }, 30s))
      << serve.proc->log();
  std::int64_t forwards_before = count_calls(sim, "forwardMessage");
  ASSERT_LT(forwards_before, 12) << "learning finished before the test could stop it";
  serve.proc->signal(SIGTERM);
  // The bound is the requirement: exited, cleanly, within 2 s.
  EXPECT_EQ(serve.proc->wait(2s), 0) << serve.proc->log();
  // At most the forward already in flight when the signal came; nothing after.
  EXPECT_LE(count_calls(sim, "forwardMessage"), forwards_before + 1);
}

TEST(ServeBotLifecycle, ServeKeepsServingWhileTheBotApiIsDownAndTheBotRecovers) {
  test::TempDir dir;
  SimTelegram sim(dir, test::free_port(), /*start_now=*/false);  // Telegram unreachable
  Serve serve(dir, sim.url(), 1);
  ASSERT_TRUE(serve.serving()) << serve.proc->log();

  // The website, the API and the coordinator serve.
  HttpClient http;
  EXPECT_EQ(http.get(serve.site + "/").status, 200);
  EXPECT_EQ(http.get(serve.site + "/api/v1/titles").status, 200);
  EXPECT_TRUE(test::wait_for_port(serve.coordinator_port, 10s));
  // /health says the bot's state and why.
  ASSERT_TRUE(test::wait_until([&] { return serve.bot_state() == "unreachable"; }, 20s))
      << serve.health().dump();
  auto h = serve.health();
  EXPECT_EQ(h["status"], "degraded");
  EXPECT_EQ(h["bot"]["ready"], false);
  EXPECT_NE(h["bot"]["reason"].get<std::string>().find("cannot reach the Bot API"), std::string::npos)
      << h.dump();
  EXPECT_GE(h["bot"]["retry_after_s"].get<int>(), 1);
  // "Send to me" answers 503 with Retry-After, before anything else is looked at.
  auto d = http.post_json(serve.site + "/api/v1/deliver", R"({"variant_id": 1})",
                          {{"X-Telegram-Init-Data", "user=%7B%22id%22%3A7001%7D&hash=00"}});
  EXPECT_EQ(d.status, 503) << d.body;
  EXPECT_NE(d.body.find("bot_not_ready"), std::string::npos) << d.body;
  EXPECT_GE(std::stoi(d.header("retry-after").empty() ? "0" : d.header("retry-after")), 1);
  // /metrics too.
  auto m = http.get(serve.site + "/metrics", {{"Authorization", "Bearer " + kAdminToken}});
  EXPECT_NE(m.body.find("cmup_bot_ready{state=\"unreachable\"} 0"), std::string::npos) << m.body;

  // Telegram comes up: the bot recovers without a restart and delivers.
  sim.start();
  auto stored = store_file(sim, *db::open(dir / "cmup.db"), "Arrival", 2016);
  // Retries back off up to 30 s; the bound allows for a full wait on a loaded machine.
  ASSERT_TRUE(test::wait_until([&] { return serve.bot_state() == "ready"; }, 90s)) << serve.proc->log();
  EXPECT_EQ(serve.health()["status"], "ok");
  sim.user_says(kAnn, "/start v" + std::to_string(stored.variant_id));
  ASSERT_TRUE(test::wait_until([&] { return sim.files_to(kAnn).size() == 1; }, 30s)) << serve.proc->log();
  EXPECT_EQ(sim.files_to(kAnn)[0]["file"]["sha256"], stored.up.sha256);
  m = http.get(serve.site + "/metrics", {{"Authorization", "Bearer " + kAdminToken}});
  EXPECT_NE(m.body.find("cmup_bot_ready{state=\"ready\"} 1"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("cmup_bot_rate_limited_total 0"), std::string::npos) << m.body;

  serve.proc->signal(SIGTERM);
  EXPECT_EQ(serve.proc->wait(10s), 0) << serve.proc->log();
  EXPECT_EQ(serve.proc->log().find("AAdeliveryTOKEN"), std::string::npos);
}

}  // namespace
}  // namespace cmup::bot::e2e
