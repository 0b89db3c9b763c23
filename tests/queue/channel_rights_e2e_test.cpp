// Real `cmup worker` processes against cmup-sim-telegram with Telegram's rate limits on
// (~1 message/s per chat, 20 per minute into a channel; --rate-window-scale shrinks the
// windows so the test runs in seconds):
// - a storage channel where the account may not post: Telegram refuses every upload there,
//   the channel is disabled after telegram.channel_max_rights_failures refusals, the jobs
//   move to the other channel and all complete; `cmup status` names the channel and the fix,
//   and `cmup doctor --enable` brings it back only once the rights are there;
// - a worker that dies between Telegram's answer and the write-back: the next run finds the
//   upload by its nonce (the probe forwards into the index chat, paced) and stores no copy.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "db/database.hpp"
#include "util/child_process.hpp"
#include "queue_fixture.hpp"
#include "common/media_server.hpp"
#include "support/test_support.hpp"

namespace cmup {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::scalar;
using test::text;

constexpr std::int64_t kGood = test::kMovieChannel;  // -1001000000001
constexpr std::int64_t kBad = -1001000000009;        // the least-filled tie goes to the smaller id: picked first
constexpr std::int64_t kIndex = -1002000000099;
constexpr std::int64_t kBotId = 7400000001;
const std::string kToken = "7400000001:AAchannelRightsE2eToken";

json world(bool bad_channel_rights) {
  // Without rights: a plain member of the channel (it may read, not post), which Telegram
  // answers with 400 "Bad Request: need administrator rights in the channel chat".
  json bad = {{"id", kBad}, {"title", "movies 2"}, {"admins", json::array()}, {"readers", {"ember_up_bot"}}};
  if (bad_channel_rights) bad = {{"id", kBad}, {"title", "movies 2"}, {"admins", {"ember_up_bot"}}};
  return {{"bots", {{{"id", kBotId}, {"username", "ember_up_bot"}, {"token", kToken}}}},
          {"channels",
           {bad,
            {{"id", kGood}, {"title", "movies 1"}, {"admins", {"ember_up_bot"}}},
            {{"id", kIndex}, {"title", "index"}, {"admins", {"ember_up_bot"}}}}},
          {"users", json::array()}};
}

class World {
 public:
  // bad_channel_rights: whether the account may post in kBad from the start.
  World(int variants, bool bad_channel_rights) {
    make_clip();
    sim::mount_media_routes(media_, "/media", sim::MediaServerOptions{dir_ / "media", 0});
    media_port_ = media_.bind_to_any_port("127.0.0.1");
    media_thread_ = std::thread([this] { media_.listen_after_bind(); });
    tg_port_ = test::free_port();
    start_sim(bad_channel_rights);
    write_config();
    auto db = db::open(db_path());
    test::seed_queue(*db, variants);
    const std::string url = "http://127.0.0.1:" + std::to_string(media_port_) + "/media/clip.mp4";
    // One file serves every job (url_norm stays unique per title as it is).
    SQLite::Statement q(*db, "UPDATE source_links SET url = ?1");
    q.bind(1, url);
    q.exec();
  }
  ~World() {
    media_.stop();
    if (media_thread_.joinable()) media_thread_.join();
  }

  std::filesystem::path db_path() const { return dir_ / "cmup.db"; }
  std::unique_ptr<SQLite::Database> db() const { return db::open(db_path()); }

  void start_sim(bool bad_channel_rights) {
    if (sim_) {
      sim_->signal(SIGTERM);
      sim_->wait(10s);
    }
    std::ofstream(dir_ / "sim.json") << world(bad_channel_rights).dump(2);
    sim_ = std::make_unique<test::Process>(
        std::vector<std::string>{test::sim_telegram_binary(), "--listen", "127.0.0.1:" + std::to_string(tg_port_),
                                 "--config", (dir_ / "sim.json").string(), "--data-dir", (dir_ / "simdata").string(),
                                 "--control", "--enforce-rate-limits", "--rate-window-scale", "0.1"},
        std::map<std::string, std::string>{}, dir_ / "sim.log");
    ASSERT_TRUE(test::wait_until([&] { return sim_->log().find("listening on") != std::string::npos; }, 20s))
        << sim_->log();
  }

  std::unique_ptr<test::Process> worker(std::map<std::string, std::string> env = {}) {
    return std::make_unique<test::Process>(
        std::vector<std::string>{test::cmup_binary(), "--config", (dir_ / "cmup.toml").string(), "worker",
                                 "--account", "ember"},
        env, dir_ / ("worker-" + std::to_string(++workers_) + ".log"));
  }
  test::RunResult cmup(std::vector<std::string> args) {
    std::vector<std::string> argv = {test::cmup_binary(), "--config", (dir_ / "cmup.toml").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run(argv, {}, 60s);
  }
  // The channel's messages as the simulator holds them.
  json messages(std::int64_t chat) {
    httplib::Client c("127.0.0.1", tg_port_);
    auto r = c.Get("/control/chats/" + std::to_string(chat) + "/messages");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : httplib::to_string(r.error()));
    json out = json::array();
    if (!r || r->status != 200) return out;
    const json chat = json::parse(r->body);
    for (const auto& m : chat["messages"])
      if (!m.value("deleted", false)) out.push_back(m);
    return out;
  }
  int count_done() const { return static_cast<int>(scalar(*db(), "SELECT count(*) FROM upload_variants WHERE state = 'done'")); }

 private:
  void make_clip() {
    std::filesystem::create_directories(dir_ / "media");
    auto r = run_program({"ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-f",
                                 "lavfi", "-i", "sine=frequency=440", "-t", "1", "-c:v", "libx264", "-preset",
                                 "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart",
                                 (dir_ / "media" / "clip.mp4").string()});
    if (r.exit_code != 0) throw std::runtime_error("ffmpeg could not make the test clip: " + r.stderr_tail);
  }
  void write_config() {
    std::ofstream c(dir_ / "cmup.toml");
    c << "[general]\ndata_dir = \"" << (dir_ / "data").string() << "\"\nlog_level = \"info\"\n"
      << "[database]\npath = \"" << db_path().string() << "\"\n"
      << "[queue]\nlease_s = 5\nheartbeat_s = 1\nmax_attempts = 5\nbackoff_base_s = 1\nbackoff_max_s = 1\n"
      << "idle_poll_ms = 100\nprogress_interval_ms = 200\nflood_hold_max_s = 30\nshutdown_grace_s = 5\n"
      << "[telegram]\nbot_api_url = \"http://127.0.0.1:" << tg_port_ << "\"\nindex_chat_id = " << kIndex << "\n"
      << "channel_max_rights_failures = 2\n"
      << "[[accounts]]\nname = \"ember\"\nbackend = \"botapi\"\nkind = \"cloud_bot\"\ntoken = \"" << kToken << "\"\n"
      << "[[channels]]\nchat_id = " << kGood << "\nkind = \"movie\"\n"
      << "[[channels]]\nchat_id = " << kBad << "\nkind = \"movie\"\n";
  }

  test::TempDir dir_;
  httplib::Server media_;
  int media_port_ = 0, tg_port_ = 0, workers_ = 0;
  std::thread media_thread_;
  std::unique_ptr<test::Process> sim_;
};

TEST(ChannelRights, AChannelTheAccountCannotPostInIsDisabledAfterNRefusalsAndTheJobsCompleteInAnother) {
  World w(4, /*bad_channel_rights=*/false);
  {
    auto worker = w.worker();
    ASSERT_TRUE(test::wait_until([&] { return w.count_done() == 4; }, 180s)) << worker->log();
    worker->signal(SIGTERM);
    EXPECT_EQ(worker->wait(30s), 0) << worker->log();
  }
  auto db = w.db();
  const auto bad = std::to_string(kBad);
  // Exactly N = 2 refusals, each Telegram's own answer; then the channel takes no more tries.
  EXPECT_EQ(scalar(*db, "SELECT enabled FROM storage_channels WHERE chat_id = " + bad), 0);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_attempts WHERE outcome = 'failed'"), 2);
  EXPECT_NE(text(*db, "SELECT disabled_reason FROM storage_channels WHERE chat_id = " + bad)
                .find("need administrator rights in the channel chat"),
            std::string::npos);
  // Every job is stored once, in the channel that works, and nothing reached the other.
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM telegram_objects WHERE channel_id = " + std::to_string(kGood)), 4);
  EXPECT_EQ(w.messages(kGood).size(), 4u);
  EXPECT_EQ(w.messages(kBad).size(), 0u);

  // The operator sees it: `cmup status` (text and --json) names the channel and the fix.
  auto table = w.cmup({"status"});
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("DISABLED: refused uploads 2 times in a row"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("`cmup doctor --enable " + bad + "`"), std::string::npos) << table.output;
  auto js = w.cmup({"status", "--json"});
  ASSERT_EQ(js.exit_code, 0) << js.output;
  json status = json::parse(js.output);
  json bad_row, good_row;
  for (const auto& c : status["channels"]) {
    if (c["chat_id"] == kBad) bad_row = c;
    if (c["chat_id"] == kGood) good_row = c;
  }
  EXPECT_EQ(bad_row["enabled"], false);
  EXPECT_EQ(bad_row["rights_failures"], 2);
  EXPECT_NE(bad_row["fix"].get<std::string>().find("cmup doctor --enable " + bad), std::string::npos);
  EXPECT_EQ(good_row["enabled"], true);
  EXPECT_EQ(good_row["files_stored"], 4);

  // `cmup doctor --enable` checks first: still no rights, so the channel stays disabled.
  auto refused = w.cmup({"doctor", "--enable", bad});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("stays disabled"), std::string::npos) << refused.output;
  EXPECT_EQ(scalar(*w.db(), "SELECT enabled FROM storage_channels WHERE chat_id = " + bad), 0);
  // A channel that is not configured is named as such.
  auto unknown = w.cmup({"doctor", "--enable", "-1001999999999"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("not a storage channel in the config"), std::string::npos) << unknown.output;
  // The rights are fixed (the account is made an admin): now it is enabled again.
  w.start_sim(true);
  auto fixed = w.cmup({"doctor", "--enable", bad});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_NE(fixed.output.find("channel " + bad + " enabled again"), std::string::npos) << fixed.output;
  EXPECT_EQ(text(*w.db(), "SELECT enabled || '/' || failures FROM storage_channels WHERE chat_id = " + bad), "1/0");
}

TEST(ChannelRights, AWorkerThatDiesAfterTelegramsAnswerIsAdoptedByTheNextRunWithRateLimitsOn) {
  World w(2, /*bad_channel_rights=*/true);
  {
    auto dying = w.worker({{"CMUP_FAULT", "exit_after_upload"}});
    EXPECT_EQ(dying->wait(120s), 137) << dying->log();
  }
  ASSERT_EQ(w.messages(kBad).size() + w.messages(kGood).size(), 1u);  // Telegram has it...
  EXPECT_EQ(scalar(*w.db(), "SELECT count(*) FROM telegram_objects"), 0);  // ...the database does not
  {
    auto worker = w.worker();
    ASSERT_TRUE(test::wait_until([&] { return w.count_done() == 2; }, 180s)) << worker->log();
    worker->signal(SIGTERM);
    EXPECT_EQ(worker->wait(30s), 0) << worker->log();
  }
  // One copy per job, and the first was adopted, not uploaded again.
  EXPECT_EQ(w.messages(kBad).size() + w.messages(kGood).size(), 2u);
  auto db = w.db();
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_attempts WHERE outcome = 'ok' AND path = 'adopt'"), 1);
  // No FloodWait came of it: the probe stayed within the index chat's limits.
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_attempts WHERE outcome = 'flood_wait'"), 0);
  EXPECT_EQ(scalar(*db, "SELECT flood_until FROM accounts WHERE name = 'ember'"), 0);
}

}  // namespace
}  // namespace cmup
