// Worker processes that die: SIGKILL mid-job (the lease expires, another worker finishes,
// stored parts are not uploaded again) and death right after Telegram accepted a part but
// before it was recorded (the next attempt adopts the message: one copy in the channel).
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "fakes.hpp"
#include "queue/sqlite_job_store.hpp"
#include "queue/worker.hpp"
#include "queue_fixture.hpp"
#include "support/test_support.hpp"

namespace cmup {
namespace {

using namespace std::chrono_literals;
using test::scalar;
using test::text;

WorkerOptions opts_for(const std::string& account) {
  WorkerOptions o;
  o.account = account;
  o.worker_id = "test:" + account;
  o.host = "test";
  o.heartbeat_ms = 100;
  o.idle_poll_ms = 20;
  o.progress_interval_ms = 0;
  return o;
}

PreparerFactory parts(int n) {
  return [n] {
    auto p = std::make_unique<test::FakePreparer>();
    p->parts_for = [n](const media::PrepareRequest&, std::int64_t) { return n; };
    return p;
  };
}

// Runs a worker for `account` in this process until every variant is done.
void finish_queue(const std::filesystem::path& path, test::FakeChannel& channel, const std::string& account, int n,
                  std::int64_t lease_ms, test::EventLog* log = nullptr) {
  SqliteJobStore store(path, test::fast_options(lease_ms));
  test::FakeUploader up(account, channel, log);
  Worker w(store, up, parts(n), opts_for(account));
  std::thread t([&] { w.run(); });
  auto db = db::open(path);
  EXPECT_TRUE(test::wait_until([&] { return text(*db, "SELECT group_concat(DISTINCT state) FROM upload_variants") == "done"; },
                               30s));
  w.stop();
  t.join();
}

TEST(CrashRecovery, WorkerKilledMidJobIsFinishedByAnotherAfterLeaseExpiryWithoutReuploadingParts) {
  test::TempDir dir;
  auto path = dir / "cmup.db";
  { test::seed_queue(*db::open(path), 1); }
  auto channel_file = dir / "channel.tsv";
  auto blocked = dir / "blocked";
  constexpr std::int64_t kLeaseMs = 1500;

  pid_t child = test::fork_child([&] {
    SqliteJobStore store(path, test::fast_options(kLeaseMs));
    test::FakeChannel channel(channel_file);
    test::FakeUploader up("ember", channel);
    up.before_upload = [&](const UploadFile& f) {
      if (f.file_name.find("_P2of3") != std::string::npos) {
        std::ofstream(blocked) << "x";
        for (;;) ::pause();  // "uploading" part 2 until killed
      }
    };
    Worker w(store, up, parts(3), opts_for("ember"));
    w.run();
    return 0;
  });
  ASSERT_TRUE(test::wait_until([&] { return std::filesystem::exists(blocked); }, 30s));
  ::kill(child, SIGKILL);
  EXPECT_EQ(test::wait_child(child), 128 + SIGKILL);
  {
    auto db = db::open(path);
    EXPECT_EQ(text(*db, "SELECT state FROM upload_variants"), "claimed");
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM telegram_objects"), 1);
  }

  test::FakeChannel channel(channel_file);
  test::EventLog log;
  finish_queue(path, channel, "rora", 3, kLeaseMs, &log);

  auto db = db::open(path);
  EXPECT_EQ(text(*db, "SELECT state || '/' || part_count FROM upload_variants"), "done/3");
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM telegram_objects"), 3);
  EXPECT_EQ(text(*db, "SELECT account FROM telegram_objects WHERE part_no = 1"), "ember");
  EXPECT_EQ(text(*db, "SELECT group_concat(account) FROM telegram_objects WHERE part_no > 1"), "rora,rora");
  EXPECT_FALSE(log.has("upload-start CM_M000001_1080P_P1of3.mp4"));  // stored parts are not uploaded again
  EXPECT_EQ(channel.messages().size(), 3u);
  EXPECT_EQ(text(*db, "SELECT group_concat(outcome, ',') FROM (SELECT outcome FROM upload_attempts ORDER BY id)"),
            "lease_lost,ok");
}

TEST(CrashRecovery, JobWhoseWorkerIsKilledOnEveryAttemptEndsDeadAfterMaxAttempts) {
  test::TempDir dir;
  auto path = dir / "cmup.db";
  { test::seed_queue(*db::open(path), 1); }
  auto channel_file = dir / "channel.tsv";
  constexpr std::int64_t kLeaseMs = 400;
  const int max_attempts = test::fast_options().max_attempts;
  // A job that kills (or hangs) every worker that takes it: each attempt's worker is SIGKILLed
  // mid-upload. The lease expiry must count as a failed attempt, or it would loop forever.
  std::vector<std::string> accounts = {"ember", "rora", "lukas"};
  ASSERT_EQ(static_cast<int>(accounts.size()), max_attempts);
  for (const auto& account : accounts) {
    auto marker = dir / ("uploading-" + account);
    pid_t child = test::fork_child([&] {
      SqliteJobStore store(path, test::fast_options(kLeaseMs));
      test::FakeChannel channel(channel_file);
      test::FakeUploader up(account, channel);
      up.before_upload = [&](const UploadFile&) {
        std::ofstream(marker) << "x";
        for (;;) ::pause();  // the poisoned job: stuck until killed
      };
      Worker w(store, up, parts(1), opts_for(account));
      w.run();
      return 0;
    });
    ASSERT_TRUE(test::wait_until([&] { return std::filesystem::exists(marker); }, 30s)) << account;
    ::kill(child, SIGKILL);
    EXPECT_EQ(test::wait_child(child), 128 + SIGKILL);
  }
  // Any later claim (here: a healthy worker's) rescues the expired lease: no attempts are left.
  SqliteJobStore store(path, test::fast_options(kLeaseMs));
  std::optional<Job> claimed;
  auto db = db::open(path);
  ASSERT_TRUE(test::wait_until(
      [&] {
        claimed = store.claim("test:healthy", "ember");
        return claimed.has_value() || text(*db, "SELECT state FROM upload_variants") == "dead";
      },
      30s));
  EXPECT_FALSE(claimed.has_value());
  EXPECT_EQ(text(*db, "SELECT state || '/' || attempts FROM upload_variants"), "dead/" + std::to_string(max_attempts));
  auto reason = text(*db, "SELECT dead_reason FROM upload_variants");
  for (const auto& account : accounts) EXPECT_NE(reason.find("test:" + account), std::string::npos) << reason;
  EXPECT_EQ(text(*db, "SELECT group_concat(outcome, ',') FROM (SELECT outcome FROM upload_attempts ORDER BY id)"),
            "lease_lost,lease_lost,lease_lost");
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM telegram_objects"), 0);
}

TEST(CrashRecovery, DeathBetweenTelegramsAnswerAndTheWriteBackIsAdoptedNotUploadedAgain) {
  test::TempDir dir;
  auto path = dir / "cmup.db";
  { test::seed_queue(*db::open(path), 1); }
  auto channel_file = dir / "channel.tsv";
  constexpr std::int64_t kLeaseMs = 800;

  pid_t child = test::fork_child([&] {
    ::setenv("CMUP_FAULT", "exit_after_upload", 1);  // the test-only fault point
    SqliteJobStore store(path, test::fast_options(kLeaseMs));
    test::FakeChannel channel(channel_file);
    test::FakeUploader up("ember", channel);
    Worker w(store, up, parts(1), opts_for("ember"));
    w.run();
    return 0;
  });
  EXPECT_EQ(test::wait_child(child), 137);
  test::FakeChannel channel(channel_file);
  ASSERT_EQ(channel.messages().size(), 1u);  // Telegram has it ...
  {
    auto db = db::open(path);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM telegram_objects"), 0);  // ... the database does not
  }

  test::EventLog log;
  finish_queue(path, channel, "rora", 1, kLeaseMs, &log);

  auto db = db::open(path);
  EXPECT_EQ(channel.messages().size(), 1u);  // one copy in the channel
  EXPECT_FALSE(log.has("upload-start CM_M000001_1080P.mp4"));
  EXPECT_EQ(text(*db, "SELECT state FROM upload_variants"), "done");
  EXPECT_EQ(scalar(*db, "SELECT message_id FROM telegram_objects"), channel.messages()[0].message_id);
  EXPECT_EQ(text(*db, "SELECT path FROM upload_attempts WHERE outcome = 'ok'"), "adopt");
}

}  // namespace
}  // namespace cmup
