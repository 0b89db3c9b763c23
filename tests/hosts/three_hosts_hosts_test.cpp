// The reference deployment, for real: three hosts (cm-ember: database, `cmup serve`, bot and
// a worker; cm-rora and cm-lukas: one worker each, over the coordinator API) in network
// namespaces of their own, one Telegram account each, against the CM and Telegram
// simulators. Then the faults an operator meets: a worker SIGKILLed mid-upload, a worker
// killed between Telegram's answer and the write-back, a 20 s FloodWait on one account, and
// the coordinator restarted mid-run.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "db/database.hpp"
#include "hosts/netns_lab.hpp"
#include "support/test_support.hpp"
#include "util/clock.hpp"

namespace cmup {
namespace {

using namespace std::chrono_literals;
using test::Process;

constexpr long kDeliveryBotId = 7100000001;
const std::vector<std::string> kHosts = {"ember", "rora", "lukas"};
const std::map<std::string, long> kAccountBot = {
    {"ember", 7100000011}, {"rora", 7100000012}, {"lukas", 7100000013}};
constexpr long long kMovieChannels[] = {-1002000000001, -1002000000002};
constexpr long long kTvChannel = -1002000000003;

std::string token_of(long bot_id) {
  return std::to_string(bot_id) + ":AAtest" + std::to_string(bot_id * 7) + "xyzxyzxyzxyzxyz";
}

struct Cluster {
  test::TempDir dir;
  test::NetnsLab lab{kHosts};
  std::string main_ip = lab.ip("ember");
  std::string cm_url = "http://" + main_ip + ":8090";
  std::string tg_url = "http://" + main_ip + ":8091";
  std::string coord_url = "http://" + main_ip + ":8081";
  std::filesystem::path db_path = dir / "ember" / "cmup.db";
  std::map<std::string, std::string> worker_tokens = {{"rora", "coord-token-rora-1234567890"},
                                                      {"lukas", "coord-token-lukas-1234567890"}};
  std::unique_ptr<Process> sim_cm, sim_tg, serve;
  std::map<std::string, std::unique_ptr<Process>> workers;

  std::filesystem::path config(const std::string& host) const { return dir / host / "cmup.toml"; }

  void write_files() {
    for (const auto& h : kHosts) std::filesystem::create_directories(dir / h);
    nlohmann::json sim;
    sim["bots"] = {
        {{"id", kDeliveryBotId}, {"username", "cmup_hosts_bot"}, {"token", token_of(kDeliveryBotId)}}};
    std::vector<std::string> admins = {"cmup_hosts_bot"};
    for (const auto& [acct, id] : kAccountBot) {
      sim["bots"].push_back({{"id", id}, {"username", acct + "_up_bot"}, {"token", token_of(id)}});
      admins.push_back(acct + "_up_bot");
    }
    sim["channels"] = nlohmann::json::array();
    for (auto id : kMovieChannels)
      sim["channels"].push_back({{"id", id}, {"title", "movies"}, {"admins", admins}});
    sim["channels"].push_back({{"id", kTvChannel}, {"title", "tv"}, {"admins", admins}});
    sim["channels"].push_back({{"id", -1002000000099}, {"title", "index"}, {"admins", admins}});
    sim["users"] = {{{"id", 5001}, {"first_name", "Viewer"}}};
    std::ofstream(dir / "sim-telegram.json") << sim.dump(2);

    for (const auto& h : kHosts) {
      std::ofstream c(config(h));
      c << "[general]\ndata_dir = \"" << (dir / h).string() << "\"\nlog_level = \"info\"\n"
        << "[database]\npath = \"" << db_path.string() << "\"\n"
        << "[cm]\nbase_url = \"" << cm_url << "\"\nusername = \"cmup\"\npassword = \"hosts-pass\"\n"
        << "[telegram]\nbot_api_url = \"" << tg_url << "\"\nindex_chat_id = -1002000000099\n"
        << "[queue]\nlease_s = 8\nheartbeat_s = 2\nbackoff_base_s = 1\nbackoff_max_s = 4\n"
        << "progress_interval_ms = 200\n"
        << "[coordinator]\nlisten = \"" << main_ip << ":8081\"\ntokens = \""
        << "rora=" << worker_tokens.at("rora") << ",lukas=" << worker_tokens.at("lukas") << "\"\n"
        << "[web]\nlisten = \"" << main_ip << ":8080\"\nadmin_token = \"admin-hosts-token\"\n"
        << "[bot]\ntoken = \"" << token_of(kDeliveryBotId) << "\"\nusername = \"cmup_hosts_bot\"\n"
        << "index_chat_id = -1002000000099\nwebhook_listen = \"127.0.0.1:0\"\n";
      for (const auto& [acct, id] : kAccountBot) {
        if (h != "ember" && acct != h) continue;  // a worker host knows its own account only
        c << "[[accounts]]\nname = \"" << acct << "\"\nbackend = \"botapi\"\nkind = \"local_bot\"\ntoken = \""
          << token_of(id) << "\"\nmax_upload_bytes = 5242880\n";
      }
      if (h == "ember") {
        for (auto id : kMovieChannels) c << "[[channels]]\nchat_id = " << id << "\nkind = \"movie\"\n";
        c << "[[channels]]\nchat_id = " << kTvChannel << "\nkind = \"tv\"\n";
      }
    }
  }

  std::vector<std::string> in(const std::string& host, std::vector<std::string> argv) const {
    auto p = lab.exec_in(host);
    p.insert(p.end(), argv.begin(), argv.end());
    return p;
  }

  void start_sims() {
    sim_cm = std::make_unique<Process>(
        in("ember", {test::sim_cm_binary(), "--listen", main_ip + ":8090", "--username", "cmup", "--password",
                     "hosts-pass", "--movies", "24", "--shows", "3", "--episodes-per-show", "6", "--seed",
                     "9", "--media-dir", (dir / "media").string(), "--control"}),
        std::map<std::string, std::string>{}, dir / "sim-cm.log");
    sim_tg = std::make_unique<Process>(
        in("ember", {test::sim_telegram_binary(), "--listen", main_ip + ":8091", "--config",
                     (dir / "sim-telegram.json").string(), "--data-dir", (dir / "sim-tg").string(),
                     "--control", "--throttle-bps", "4000000",
                     // Telegram's rate limits on (1/s per chat, 20/min per channel, per bot), every
                     // window at a quarter so the run stays within its bounds; a 429 they cause is
                     // the account's flood wait like any other.
                     "--enforce-rate-limits", "--rate-window-scale", "0.25"}),
        std::map<std::string, std::string>{}, dir / "sim-tg.log");
    ASSERT_TRUE(
        test::wait_until([&] { return sim_cm->log().find("listening on") != std::string::npos; }, 180s))
        << sim_cm->log();
    ASSERT_TRUE(
        test::wait_until([&] { return sim_tg->log().find("listening on") != std::string::npos; }, 60s))
        << sim_tg->log();
  }

  void start_serve() {
    serve =
        std::make_unique<Process>(in("ember", {test::cmup_binary(), "--config", config("ember"), "serve"}),
                                  std::map<std::string, std::string>{}, dir / "serve.log");
    ASSERT_TRUE(test::wait_until([&] { return serve->log().find("serving on") != std::string::npos; }, 60s))
        << serve->log();
  }

  void start_worker(const std::string& acct, std::map<std::string, std::string> env = {}) {
    std::vector<std::string> argv = {test::cmup_binary(), "--config", config(acct), "worker",
                                     "--account",         acct};
    if (acct != "ember") {
      argv.insert(argv.end(), {"--coordinator", coord_url});
      env["CMUP_COORDINATOR_TOKEN"] = worker_tokens.at(acct);
    }
    workers[acct] = std::make_unique<Process>(in(acct, argv), env, dir / ("worker-" + acct + ".log"));
  }

  // A control call to a simulator, made from inside the main host's namespace.
  std::string control(const std::string& method, const std::string& url, const std::string& body = "") const {
    std::vector<std::string> argv = {"/usr/bin/curl", "-s", "-X", method, url};
    if (!body.empty()) argv.insert(argv.end(), {"-H", "Content-Type: application/json", "-d", body});
    auto r = test::run(in("ember", argv), {}, 30s);
    return r.output;
  }

  std::unique_ptr<SQLite::Database> db() const {
    return db::open(db_path, {.read_only = true, .migrate = false});
  }
  int count(const std::string& sql) const { return db()->execAndGet(sql).getInt(); }
};

TEST(ThreeHosts, ReferenceDeploymentSurvivesItsFaults) {
  if (auto why = test::NetnsLab::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  Cluster c;
  c.write_files();
  c.start_sims();
  if (HasFatalFailure()) return;

  auto imp = test::run(c.in("ember", {test::cmup_binary(), "--config", c.config("ember").string(), "import"}),
                       {}, 300s);
  ASSERT_EQ(imp.exit_code, 0) << imp.output;
  int total = c.count("SELECT count(*) FROM upload_variants");
  ASSERT_GE(total, 60) << "the catalog must hold at least 60 variants";
  c.start_serve();
  if (HasFatalFailure()) return;

  // Bounds of the waits below: a worker's job may first spend one stall window
  // (media.low_speed_s = 30 s) on a faulty source link (the simulated CM has some) before
  // it fails over, and a loaded 2-core machine (other builds) can make every step several
  // times slower than on a quiet one. Each bound leaves room for both.

  // 1. No duplicates, ever: rora dies right after Telegram accepted a part, before the
  //    write-back (a test-only fault point). The next attempt must adopt that message.
  c.start_worker("rora", {{"CMUP_FAULT", "exit_after_upload"}});
  EXPECT_EQ(c.workers["rora"]->wait(180s), 137) << c.workers["rora"]->log();

  // 2. All three hosts work. rora's and lukas's uploads are slowed down, so that "the middle
  //    of an upload" lasts long enough to be seen and hit (steps 3 and 4) whichever job they
  //    drew. Steps 3 and 4 start while the queue is still full: the queue empties in a few
  //    minutes, and neither step may depend on what is left by then.
  for (const char* slow : {"rora", "lukas"})
    c.control("POST", c.tg_url + "/control/throttle",
              nlohmann::json{{"bytes_per_second", 200000}, {"token", token_of(kAccountBot.at(slow))}}.dump());
  c.start_worker("ember");
  c.start_worker("rora");
  c.start_worker("lukas");
  auto left = [&] {
    return c.count("SELECT count(*) FROM upload_variants WHERE state NOT IN ('done','dead')");
  };
  // A variant `acct` is uploading right now (0 when there is none). The simulator reads an
  // upload's body at the slowed rate and picks a fault once the body has arrived, so a
  // fault injected now reaches this upload (the worker's own byte count runs ahead of the
  // simulator's: the kernel buffers much of the body, so it tells only that sending began).
  auto mid_upload = [&](const std::string& acct) -> std::int64_t {
    auto db = c.db();
    SQLite::Statement q(*db,
                        "SELECT id FROM upload_variants WHERE state = 'claimed' AND lease_account = ? "
                        "AND json_extract(progress, '$.stage') = 'upload' AND "
                        "json_extract(progress, '$.bytes_done') > 0");
    q.bind(1, acct);
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
  };

  // 3. SIGKILL worker A (rora) in the middle of an upload. (That its job is finished by
  //    another worker is checked after step 4, which runs meanwhile.)
  std::int64_t killed_variant = 0;
  ASSERT_TRUE(test::wait_until([&] { return (killed_variant = mid_upload("rora")) != 0; }, 180s))
      << "rora never reached an upload (" << left() << " variants left)\n"
      << c.workers["rora"]->log();
  c.workers["rora"]->signal(SIGKILL);
  c.workers["rora"]->wait(10s);

  // 4. FloodWait of 20 s for worker B's account (lukas): only lukas pauses. The 429 is armed
  //    while lukas is in the middle of an upload, so it answers that very upload (the
  //    simulator picks a fault once a call's body has arrived), whatever job lukas drew.
  auto lukas_token = token_of(kAccountBot.at("lukas"));
  ASSERT_TRUE(test::wait_until([&] { return mid_upload("lukas") != 0; }, 180s))
      << "lukas never reached an upload (" << left() << " variants left)\n"
      << c.workers["lukas"]->log();
  c.control(
      "POST", c.tg_url + "/control/faults",
      nlohmann::json{
          {"token", lukas_token}, {"kind", "429"}, {"method", "sendVideo"}, {"retry_after", 20}, {"count", 1}}
          .dump());
  // The refused upload is at most one part (5 MiB) at the slowed 200 kB/s.
  ASSERT_TRUE(test::wait_until(
      [&] {
        return c.count("SELECT flood_until > " + std::to_string(now_ms()) +
                       " FROM accounts WHERE name = 'lukas'") == 1;
      },
      120s))
      << "lukas never hit the FloodWait (" << left() << " variants left)\n"
      << c.workers["lukas"]->log();
  auto flood_seen = now_ms();
  auto done_before = c.count("SELECT count(*) FROM upload_variants WHERE state = 'done'");
  // While lukas waits, the others finish uploads...
  bool others_progress = test::wait_until(
      [&] {
        return c.count("SELECT count(*) FROM upload_variants WHERE state = 'done'") > done_before ||
               c.count("SELECT count(*) FROM upload_variants WHERE state NOT IN ('done','dead')") == 0;
      },
      60s);
  EXPECT_TRUE(others_progress) << "ember stopped while lukas was in flood wait";
  // ...and lukas starts no upload until its wait is over.
  auto flood_until = c.db()->execAndGet("SELECT flood_until FROM accounts WHERE name = 'lukas'").getInt64();
  EXPECT_EQ(c.count("SELECT count(*) FROM upload_attempts WHERE account = 'lukas' AND started_at > " +
                    std::to_string(flood_seen) + " AND started_at < " + std::to_string(flood_until - 500)),
            0);
  for (const char* slow : {"rora", "lukas"})
    c.control("POST", c.tg_url + "/control/throttle",
              nlohmann::json{{"bytes_per_second", 0}, {"token", token_of(kAccountBot.at(slow))}}.dump());

  // 3 (end). rora comes back while there is work left, and the job it was killed in is
  //    finished (by whichever worker claimed it once the lease expired).
  c.start_worker("rora");
  ASSERT_TRUE(test::wait_until(
      [&] {
        return c.count("SELECT count(*) FROM upload_variants WHERE state = 'done' AND id = " +
                       std::to_string(killed_variant)) == 1;
      },
      180s))
      << "the killed worker's job was not finished";

  // 5. The coordinator restarts mid-run: workers reconnect and finish.
  c.serve->signal(SIGTERM);
  EXPECT_GE(c.serve->wait(60s), 0);
  c.start_serve();
  if (HasFatalFailure()) return;

  ASSERT_TRUE(test::wait_until(
      [&] { return c.count("SELECT count(*) FROM upload_variants WHERE state NOT IN ('done','dead')") == 0; },
      400s))
      << "not every variant finished: "
      << c.count("SELECT count(*) FROM upload_variants WHERE state NOT IN ('done','dead')") << " left";

  // Every variant done; every part stored exactly once, in telegram_objects and in the channels.
  EXPECT_EQ(c.count("SELECT count(*) FROM upload_variants WHERE state = 'done'"), total);
  int parts = c.count("SELECT count(*) FROM telegram_objects");
  EXPECT_EQ(c.count("SELECT count(DISTINCT variant_id || '/' || part_no) FROM telegram_objects"), parts);
  int in_channels = 0;
  std::vector<long long> channels(std::begin(kMovieChannels), std::end(kMovieChannels));
  channels.push_back(kTvChannel);
  std::set<std::string> captions;
  for (auto ch : channels) {
    auto body = c.control("GET", c.tg_url + "/control/chats/" + std::to_string(ch) + "/messages");
    auto j = nlohmann::json::parse(body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << body;
    auto& list = j.is_array() ? j : j["messages"];
    for (auto& m : list) {
      ++in_channels;
      auto cap = m.value("caption", std::string());
      auto name = cap.substr(0, cap.find(' '));
      EXPECT_TRUE(captions.insert(name).second) << "stored twice: " << name;
    }
  }
  EXPECT_EQ(in_channels, parts) << "the channels hold a different number of files than telegram_objects";
  // The crash-window upload was adopted, not repeated.
  EXPECT_GE(c.count("SELECT count(*) FROM upload_attempts WHERE path = 'adopt' AND outcome = 'ok'"), 1);
  // Each of the three accounts did a share.
  for (const auto& acct : kHosts)
    EXPECT_GT(c.count("SELECT count(*) FROM telegram_objects WHERE account = '" + acct + "'"), 0) << acct;
  EXPECT_EQ(db::integrity_check(*c.db()), "ok");
}

}  // namespace
}  // namespace cmup
