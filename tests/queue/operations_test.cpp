// Operator views and actions: status (counts, per-account numbers, failures), requeue and
// retry --dead.
#include <gtest/gtest.h>

#include "queue/queue_admin.hpp"
#include "queue/queue_status.hpp"
#include "queue/sqlite_job_store.hpp"
#include "queue_fixture.hpp"
#include "support/test_support.hpp"

namespace cmup {
namespace {

using test::scalar;
using test::text;

struct OpsTest : ::testing::Test {
  test::TempDir dir;
  std::filesystem::path path = dir / "cmup.db";
  std::unique_ptr<SQLite::Database> db = db::open(path);
  test::Seeded seeded = test::seed_queue(*db, 4);
  SqliteJobStore store{path, test::fast_options()};

  void SetUp() override {
    store.register_worker({"h:ember", "ember", "h", "botapi", "local_bot", 0});
    store.register_worker({"h:rora", "rora", "h", "botapi", "premium", 0});
  }
  Job finish_one(const std::string& account) {
    auto j = store.claim("h:" + account, account);
    auto l = lease_of(*j);
    auto ch = store.choose_channel(l, "movie");
    auto p = test::fake_part(j->variant_id, 1, 1, 100 + j->variant_id, ch);
    p.account = account;
    store.record_part(l, p);
    store.complete(l, {"remux", j->sources[0].source_id, std::nullopt, 1000, {}});
    return *j;
  }
  Job kill_one(const std::string& account) {
    auto j = store.claim("h:" + account, account);
    FailInfo f;
    f.error = "HTTP 404 from the source host";
    f.retryable = false;
    f.source_failures = {{j->sources[0].source_id, "HTTP 404"}};
    store.fail(lease_of(*j), f);
    return *j;
  }
};

TEST_F(OpsTest, StatusShowsStatesAccountsFloodAndFailures) {
  finish_one("ember");
  auto dead = kill_one("ember");
  auto held = store.claim("h:rora", "rora");
  store.progress(lease_of(*held), Progress{"upload", 500, 1000, 100, 5, 1, 1});
  store.set_flood("rora", now_ms() + 120'000);

  auto s = read_queue_status(*db, now_ms());
  EXPECT_EQ(s.states["done"], 1);
  EXPECT_EQ(s.states["dead"], 1);
  EXPECT_EQ(s.states["claimed"], 1);
  EXPECT_EQ(s.states["pending"], 1);
  EXPECT_EQ(s.states["retrying"], 0);
  ASSERT_EQ(s.accounts.size(), 2u);
  EXPECT_EQ(s.accounts[0].name, "ember");
  EXPECT_EQ(s.accounts[0].files_today, 1);
  EXPECT_EQ(s.accounts[0].bytes_today, 1000);
  EXPECT_EQ(s.accounts[1].name, "rora");
  EXPECT_GT(s.accounts[1].flood_until, now_ms());
  ASSERT_EQ(s.accounts[1].workers.size(), 1u);
  EXPECT_EQ(s.accounts[1].workers[0].current, held->coded_name);
  ASSERT_EQ(s.recent_failures.size(), 1u);
  EXPECT_EQ(s.recent_failures[0].coded_name, dead.coded_name);
  EXPECT_EQ(s.recent_failures[0].error, "HTTP 404 from the source host");

  auto j = status_to_json(s);
  EXPECT_EQ(j["states"]["done"], 1);
  EXPECT_GE(j["accounts"][1]["flood_wait_s"].get<int>(), 119);
  EXPECT_EQ(j["accounts"][1]["workers"][0]["progress"]["stage"], "upload");
  auto table = format_status(s);
  EXPECT_NE(table.find(held->coded_name + " (upload)"), std::string::npos) << table;
  EXPECT_NE(table.find("HTTP 404 from the source host"), std::string::npos) << table;
  EXPECT_NE(table.find("cmup retry --dead"), std::string::npos) << table;
}

// Each storage channel with its kind and fill; a channel disabled for rights says why and
// which command brings it back, in the table and in --json.
TEST_F(OpsTest, StatusListsStorageChannelsAndHowToEnableADisabledOne) {
  finish_one("ember");
  for (int i = 0; i < 2; ++i)
    note_channel_failure(*db, test::kTvChannel, "Bad Request: need administrator rights in the channel chat", 2);

  auto s = read_queue_status(*db, now_ms());
  ASSERT_EQ(s.channels.size(), 2u);
  const auto& movie = s.channels[0];
  const auto& tv = s.channels[1];
  EXPECT_EQ(movie.kind, "movie");
  EXPECT_TRUE(movie.enabled);
  EXPECT_EQ(movie.files_stored, 1);
  EXPECT_EQ(movie.bytes_stored, 1000);
  EXPECT_EQ(tv.kind, "tv");
  EXPECT_FALSE(tv.enabled);
  EXPECT_EQ(tv.failures, 2);

  const auto tv_id = std::to_string(test::kTvChannel);
  auto table = format_status(s);
  EXPECT_NE(table.find("Storage channels"), std::string::npos) << table;
  EXPECT_NE(table.find(tv_id + "   tv "), std::string::npos) << table;
  EXPECT_NE(table.find("DISABLED: refused uploads 2 times in a row; last: Bad Request: need administrator rights"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("fix: give every upload account \"Post messages\""), std::string::npos) << table;
  EXPECT_NE(table.find("`cmup doctor --enable " + tv_id + "`"), std::string::npos) << table;

  auto j = status_to_json(s);
  ASSERT_EQ(j["channels"].size(), 2u);
  EXPECT_EQ(j["channels"][0]["enabled"], true);
  EXPECT_EQ(j["channels"][0]["bytes_stored"], 1000);
  EXPECT_TRUE(j["channels"][0]["fix"].is_null());
  EXPECT_EQ(j["channels"][1]["chat_id"], test::kTvChannel);
  EXPECT_EQ(j["channels"][1]["enabled"], false);
  EXPECT_EQ(j["channels"][1]["rights_failures"], 2);
  EXPECT_NE(j["channels"][1]["fix"].get<std::string>().find("cmup doctor --enable " + tv_id), std::string::npos);

  // After the fix: enabled again, the count starts over, and no fix is shown.
  enable_channel(*db, test::kTvChannel);
  auto after = status_to_json(read_queue_status(*db, now_ms()));
  EXPECT_EQ(after["channels"][1]["enabled"], true);
  EXPECT_EQ(after["channels"][1]["rights_failures"], 0);
  EXPECT_TRUE(after["channels"][1]["disabled_reason"].is_null());
}

TEST_F(OpsTest, RetryDeadRevivesDeadVariantsAndTheirSources) {
  auto dead = kill_one("ember");
  db->exec("UPDATE source_links SET state = 'dead'");
  EXPECT_EQ(retry_dead_variants(*db), 1);
  EXPECT_EQ(text(*db, "SELECT state || '/' || attempts || '/' || ifnull(dead_reason, '-') FROM upload_variants WHERE id = " +
                          std::to_string(dead.variant_id)),
            "pending/0/-");
  EXPECT_EQ(text(*db, "SELECT state || '/' || failures FROM source_links WHERE id = " +
                          std::to_string(dead.sources[0].source_id)),
            "live/0");
  EXPECT_EQ(retry_dead_variants(*db), 0);
}

TEST_F(OpsTest, RequeueRefusesHeldAndDoneVariantsUnlessToldAndSaysWhy) {
  auto done = finish_one("ember");
  auto held = store.claim("h:rora", "rora");
  auto out = requeue_variants(*db, {done.coded_name, std::to_string(held->variant_id), "CM_M999999_1080P"}, false, false);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FALSE(out[0].requeued);
  EXPECT_NE(out[0].message.find("--reupload"), std::string::npos);
  EXPECT_FALSE(out[1].requeued);
  EXPECT_NE(out[1].message.find("--force"), std::string::npos);
  EXPECT_FALSE(out[2].requeued);
  EXPECT_EQ(text(*db, "SELECT state FROM upload_variants WHERE id = " + std::to_string(done.variant_id)), "done");

  std::string lower = done.coded_name;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out = requeue_variants(*db, {lower, std::to_string(held->variant_id)}, true, true);
  EXPECT_TRUE(out[0].requeued && out[1].requeued);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM telegram_objects"), 0);
  EXPECT_EQ(scalar(*db, "SELECT files_stored FROM storage_channels WHERE chat_id = " + std::to_string(test::kMovieChannel)), 0);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_variants WHERE state = 'pending'"), 4);
  // The worker that held it is fenced off.
  EXPECT_THROW(store.complete(lease_of(*held), {}), LeaseLost);
}

}  // namespace
}  // namespace cmup
