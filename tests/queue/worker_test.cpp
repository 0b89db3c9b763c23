// The worker pipeline with fake Telegram and fake media: overlap, adoption, flood wait,
// too big, rights, shutdown.
#include "queue/worker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "fakes.hpp"
#include "queue/sqlite_job_store.hpp"
#include "queue_fixture.hpp"
#include "support/test_support.hpp"
#include "telegram/storage_channels.hpp"

namespace cmup {
namespace {

using namespace std::chrono_literals;
using test::scalar;
using test::text;

WorkerOptions wopts(const std::string& account, bool exit_when_idle = true) {
  WorkerOptions o;
  o.account = account;
  o.worker_id = "test:" + account;
  o.host = "test";
  o.heartbeat_ms = 50;
  o.idle_poll_ms = 10;
  o.progress_interval_ms = 0;
  o.shutdown_grace_ms = 5000;
  o.exit_when_idle = exit_when_idle;
  return o;
}

// Retries due in 30 s: a failed job stays retrying for the rest of the test.
QueueOptions slow_retries() {
  auto o = test::fast_options();
  o.backoff = {30, 3600, 0};
  return o;
}

struct WorkerTest : ::testing::Test {
  test::TempDir dir;
  std::filesystem::path path = dir / "cmup.db";
  std::unique_ptr<SQLite::Database> db = db::open(path);
  test::EventLog log;
  test::FakeChannel channel;
  std::function<void(test::FakePreparer&)> configure_preparer = [](test::FakePreparer&) {};

  PreparerFactory preparers() {
    return [this] {
      auto p = std::make_unique<test::FakePreparer>(&log);
      configure_preparer(*p);
      return p;
    };
  }
};

TEST_F(WorkerTest, PreparesTheNextJobsWhileTheCurrentOneUploadsButOnlyPrepareAheadOfThem) {
  test::seed_queue(*db, 4);
  SqliteJobStore store(path, test::fast_options());
  test::FakeUploader up("ember", channel, &log);
  bool next_prepared_during_upload = false;
  up.before_upload = [&](const UploadFile& f) {
    if (f.file_name == "CM_M000001_1080P.mp4")
      next_prepared_during_upload = log.wait_for("prepare-end CM_M000003_1080P", 10s);
  };
  auto o = wopts("ember");
  o.prepare_ahead = 2;
  Worker w(store, up, preparers(), o);
  w.run();
  EXPECT_TRUE(next_prepared_during_upload);
  EXPECT_LT(log.index_of("prepare-end CM_M000002_1080P"), log.index_of("upload-end CM_M000001_1080P.mp4"));
  EXPECT_LT(log.index_of("prepare-end CM_M000003_1080P"), log.index_of("upload-end CM_M000001_1080P.mp4"));
  // At most two ahead: job 4 is prepared only once job 2 has left for the upload.
  EXPECT_GT(log.index_of("prepare-start CM_M000004_1080P"), log.index_of("upload-end CM_M000001_1080P.mp4"));
  // Uploaded in claim order.
  EXPECT_LT(log.index_of("upload-start CM_M000002_1080P.mp4"),
            log.index_of("upload-start CM_M000003_1080P.mp4"));
  EXPECT_EQ(test::state_counts(*db)["done"], 4);
  EXPECT_EQ(w.stats().parts_uploaded, 4);
}

// Both links busy (issue 16): a job prepared while an upload runs goes to the spool even
// when it could stream; only a job prepared for an idle uploader streams.
TEST_F(WorkerTest, JobPreparedDuringAnUploadIsSpooledNotStreamed) {
  test::seed_queue(*db, 3);
  SqliteJobStore store(path, test::fast_options());
  configure_preparer = [](test::FakePreparer& p) { p.direct = true; };
  test::FakeUploader up("ember", channel, &log);
  // Each upload is held until the next job's preparation is over, so "while an upload runs"
  // is a fact of the test, not a race between an instant fake upload and the next claim.
  up.before_upload = [&](const UploadFile& f) {
    if (f.file_name == "CM_M000001_1080P.mp4") log.wait_for("prepare-end CM_M000002_1080P", 10s);
    if (f.file_name == "CM_M000002_1080P.mp4") log.wait_for("prepare-end CM_M000003_1080P", 10s);
  };
  Worker w(store, up, preparers(), wopts("ember"));
  w.run();
  std::string events;
  for (const auto& e : log.events()) events += e + "; ";
  EXPECT_TRUE(log.has("prepare-hint CM_M000001_1080P stream")) << "the uploader was idle: job 1 may stream\n"
                                                               << events;
  EXPECT_TRUE(log.has("prepare-hint CM_M000002_1080P spool"))
      << "job 1 was uploading: job 2 is fetched ahead";
  EXPECT_TRUE(log.has("prepare-hint CM_M000003_1080P spool"))
      << "job 2 was uploading: job 3 is fetched ahead";
  auto path_of = [&](const std::string& coded) {
    return text(*db,
                "SELECT a.path FROM upload_attempts a JOIN upload_variants v ON v.id = a.variant_id "
                "WHERE v.coded_name = '" +
                    coded + "' AND a.outcome = 'ok'");
  };
  EXPECT_EQ(path_of("CM_M000001_1080P"), "direct");
  EXPECT_EQ(path_of("CM_M000002_1080P"), "remux");
  EXPECT_EQ(test::state_counts(*db)["done"], 3);
}

// Three stages (issue 16): while job 1's upload is held, jobs 2 and 3 are downloaded and
// processed. Bounded: with prepare_ahead = 2 waiting, besides one being processed, job 5 is
// claimed only once job 2 has left for the upload. The next test holds a remux.
TEST_F(WorkerTest, WhileOneJobUploadsTheNextIsProcessedAndTheOneAfterDownloads) {
  test::seed_queue(*db, 5);
  SqliteJobStore store(path, test::fast_options());
  configure_preparer = [](test::FakePreparer& p) { p.two_stage = true; };
  test::FakeUploader up("ember", channel, &log);
  bool both_prepared_during_upload = false;
  up.before_upload = [&](const UploadFile& f) {
    if (f.file_name == "CM_M000001_1080P.mp4")
      both_prepared_during_upload = log.wait_for("process-end CM_M000002_1080P", 10s) &&
                                    log.wait_for("process-end CM_M000003_1080P", 10s);
  };
  auto o = wopts("ember");
  o.prepare_ahead = 2;
  Worker w(store, up, preparers(), o);
  w.run();
  std::string events;
  for (const auto& e : log.events()) events += e + "; ";
  EXPECT_TRUE(both_prepared_during_upload) << events;
  EXPECT_GT(log.index_of("download-start CM_M000005_1080P"), log.index_of("upload-end CM_M000001_1080P.mp4"))
      << events;
  for (int i = 2; i <= 5; ++i) {  // uploaded in claim order
    auto name = [](int n) { return "upload-start CM_M00000" + std::to_string(n) + "_1080P.mp4"; };
    EXPECT_LT(log.index_of(name(i - 1)), log.index_of(name(i)));
  }
  EXPECT_EQ(test::state_counts(*db)["done"], 5);
}

// The source link never waits on ffmpeg: while job 2's remux is held, job 3 downloads.
// (With one prepare thread, download then remux, job 3 would start only after it.)
TEST_F(WorkerTest, ASlowRemuxDoesNotHoldBackTheNextDownload) {
  test::seed_queue(*db, 3);
  SqliteJobStore store(path, test::fast_options());
  std::atomic<bool> next_downloaded_during_remux{false};
  configure_preparer = [&](test::FakePreparer& p) {
    p.two_stage = true;
    p.before_process = [&](const media::PrepareRequest& job) {
      if (job.coded_name == "CM_M000002_1080P")
        next_downloaded_during_remux = log.wait_for("download-end CM_M000003_1080P", 10s);
    };
  };
  test::FakeUploader up("ember", channel, &log);
  Worker w(store, up, preparers(), wopts("ember"));
  w.run();
  std::string events;
  for (const auto& e : log.events()) events += e + "; ";
  EXPECT_TRUE(next_downloaded_during_remux) << events;
  EXPECT_LT(log.index_of("download-end CM_M000003_1080P"), log.index_of("process-end CM_M000002_1080P"));
  EXPECT_EQ(test::state_counts(*db)["done"], 3);
  EXPECT_EQ(w.stats().parts_uploaded, 3);
}

TEST_F(WorkerTest, AdoptsWhatACrashedAttemptUploadedAndUploadsOnlyTheMissingPart) {
  test::seed_queue(*db, 1);
  configure_preparer = [](test::FakePreparer& p) {
    p.parts_for = [](const media::PrepareRequest&, std::int64_t) { return 3; };
  };
  SqliteJobStore store(path, test::fast_options());
  store.register_worker({"test:ember", "ember", "test", "botapi", "local_bot", 0});
  // The attempt that "crashed": part 1 recorded, part 2 accepted by Telegram but not recorded.
  auto j = store.claim("test:ember", "ember");
  auto l = lease_of(*j);
  auto ch = store.choose_channel(l, "movie");
  auto m1 = channel.post(ch, "CM_M000001_1080P_P1of3 #" + j->nonce, 1000, "ember");
  auto p1 = test::fake_part(j->variant_id, 1, 3, m1.message_id, ch);
  store.record_part(l, p1);
  channel.post(ch, "CM_M000001_1080P_P2of3 #" + j->nonce, 1000, "ember");

  // The same worker restarts: it re-takes its lease, adopts part 2, uploads part 3 only.
  test::FakeUploader up("ember", channel, &log);
  Worker w(store, up, preparers(), wopts("ember"));
  w.run();
  EXPECT_EQ(text(*db, "SELECT state FROM upload_variants"), "done");
  EXPECT_EQ(channel.messages().size(), 3u);  // nothing uploaded twice
  EXPECT_FALSE(log.has("upload-start CM_M000001_1080P_P1of3.mp4"));
  EXPECT_FALSE(log.has("upload-start CM_M000001_1080P_P2of3.mp4"));
  EXPECT_TRUE(log.has("upload-start CM_M000001_1080P_P3of3.mp4"));
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM telegram_objects"), 3);
  EXPECT_EQ(scalar(*db, "SELECT message_id FROM telegram_objects WHERE part_no = 2"), 2);
  EXPECT_EQ(w.stats().parts_adopted, 1);
  EXPECT_EQ(w.stats().parts_uploaded, 1);
}

TEST_F(WorkerTest, AdoptionAloneCompletesAJobWithoutPreparingOrUploading) {
  test::seed_queue(*db, 1);
  SqliteJobStore store(path, test::fast_options());
  store.register_worker({"test:ember", "ember", "test", "botapi", "local_bot", 0});
  auto j = store.claim("test:ember", "ember");
  auto ch = store.choose_channel(lease_of(*j), "movie");
  channel.post(ch, "CM_M000001_1080P #" + j->nonce, 1000, "ember");
  test::FakeUploader up("ember", channel, &log);
  Worker w(store, up, preparers(), wopts("ember"));
  w.run();
  EXPECT_EQ(text(*db, "SELECT state FROM upload_variants"), "done");
  EXPECT_EQ(channel.messages().size(), 1u);
  EXPECT_FALSE(log.has("upload-start CM_M000001_1080P.mp4"));
  EXPECT_FALSE(log.has("prepare-start CM_M000001_1080P"));
  EXPECT_EQ(text(*db, "SELECT path FROM upload_attempts WHERE outcome = 'ok'"), "adopt");
  // The only part was found: the probe stops there (each probe forwards into one chat).
  auto events = log.events();
  EXPECT_EQ(std::count(events.begin(), events.end(), "find " + j->nonce), 1);
}

TEST_F(WorkerTest, FloodWaitOnOneOfThreeAccountsLeavesTheOtherTwoClaiming) {
  test::seed_queue(*db, 30);
  std::vector<std::unique_ptr<SqliteJobStore>> stores;
  std::vector<std::unique_ptr<test::FakeUploader>> ups;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::thread> threads;
  // Every account reaches its first upload before any of them goes on, so the test does not
  // depend on which thread the scheduler starts first (under load one worker could otherwise
  // finish all 30 jobs before the others claim one).
  std::mutex mu;
  std::condition_variable cv;
  std::set<std::string> arrived;
  auto first_upload_barrier = [&](const std::string& acc) {
    std::unique_lock lk(mu);
    arrived.insert(acc);
    cv.notify_all();
    cv.wait_for(lk, 30s, [&] { return arrived.size() == 3; });
  };
  for (std::string acc : {"ember", "rora", "lukas"}) {
    stores.push_back(std::make_unique<SqliteJobStore>(path, test::fast_options()));
    ups.push_back(std::make_unique<test::FakeUploader>(acc, channel, nullptr));
    if (acc == "rora")  // Telegram: "Too Many Requests: retry after 600" (longer than flood_hold_max)
      ups.back()->before_upload = [&, acc](const UploadFile&) {
        first_upload_barrier(acc);
        throw UploadError(UploadError::Kind::FloodWait, "Too Many Requests: retry after 600", 600);
      };
    else
      ups.back()->before_upload = [&, acc](const UploadFile&) { first_upload_barrier(acc); };
    auto o = wopts(acc, /*exit_when_idle=*/false);
    o.flood_hold_max_ms = 60'000;
    workers.push_back(std::make_unique<Worker>(*stores.back(), *ups.back(), preparers(), o));
  }
  for (auto& w : workers) threads.emplace_back([&w] { w->run(); });
  EXPECT_TRUE(test::wait_until([&] { return test::state_counts(*db)["done"] == 30; }, 60s));
  for (auto& w : workers) w->stop();
  for (auto& t : threads) t.join();

  EXPECT_GT(scalar(*db, "SELECT flood_until FROM accounts WHERE name = 'rora'"), now_ms() + 500'000);
  EXPECT_EQ(scalar(*db, "SELECT flood_until FROM accounts WHERE name = 'ember'"), 0);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM telegram_objects WHERE account = 'rora'"), 0);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM telegram_objects WHERE account IN ('ember', 'lukas')"), 30);
  // rora tried once, gave its job(s) back, and claimed nothing during the wait.
  EXPECT_EQ(
      scalar(*db, "SELECT count(*) FROM upload_attempts WHERE account = 'rora' AND outcome <> 'flood_wait'"),
      0);
  EXPECT_EQ(workers[1]->stats().flood_waits, 1);
  EXPECT_GT(workers[0]->stats().jobs_done, 0);
  EXPECT_GT(workers[2]->stats().jobs_done, 0);
  EXPECT_EQ(channel.messages().size(), 30u);
}

// A job whose preparation ends after its account entered a long FloodWait is given back at
// once, not queued behind an uploader that waits out the flood (it would sit claimed for the
// whole wait while other accounts could take it).
TEST_F(WorkerTest, AJobPreparedDuringALongFloodWaitIsGivenBackNotHeld) {
  test::seed_queue(*db, 2);
  SqliteJobStore store(path, test::fast_options());
  test::FakeUploader up("ember", channel, &log);
  up.before_upload = [&](const UploadFile& f) {
    if (f.file_name != "CM_M000001_1080P.mp4") return;
    ASSERT_TRUE(log.wait_for("prepare-start CM_M000002_1080P", 10s));  // job 2 is being prepared
    throw UploadError(UploadError::Kind::FloodWait, "Too Many Requests: retry after 600", 600);
  };
  configure_preparer = [&](test::FakePreparer& p) {
    p.before_prepare = [&](const media::PrepareRequest& job) {
      if (job.coded_name != "CM_M000002_1080P") return;
      // Finish only after the uploader has handed back what was queued for the flood wait.
      auto own = db::open(path);
      EXPECT_TRUE(test::wait_until(
          [&] {
            return scalar(*own, "SELECT count(*) FROM upload_attempts WHERE outcome = 'flood_wait'") > 0;
          },
          10s));
    };
  };
  auto o = wopts("ember", /*exit_when_idle=*/false);
  o.flood_hold_max_ms = 60'000;
  Worker w(store, up, preparers(), o);
  std::thread t([&] { w.run(); });
  // Both jobs given back for the flood wait (not failed), and claimable by other accounts.
  bool both_back = test::wait_until(
      [&] {
        return scalar(*db, "SELECT count(*) FROM upload_attempts WHERE outcome = 'flood_wait'") == 2 &&
               test::state_counts(*db)["pending"] == 2;
      },
      10s);
  w.stop();
  t.join();
  EXPECT_TRUE(both_back) << "claimed: " << test::state_counts(*db)["claimed"];
  EXPECT_TRUE(channel.messages().empty());
}

TEST_F(WorkerTest, ShortFloodWaitKeepsTheJobAndRetriesTheSamePart) {
  test::seed_queue(*db, 1);
  SqliteJobStore store(path, test::fast_options());
  test::FakeUploader up("ember", channel, &log);
  int calls = 0;
  up.before_upload = [&](const UploadFile&) {
    if (calls++ == 0) throw UploadError(UploadError::Kind::FloodWait, "retry after 1", 1);
  };
  Worker w(store, up, preparers(), wopts("ember"));
  w.run();
  EXPECT_EQ(text(*db, "SELECT state || '/' || attempts FROM upload_variants"), "done/1");
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_attempts"), 1);
  EXPECT_EQ(channel.messages().size(), 1u);
  EXPECT_GT(scalar(*db, "SELECT flood_until FROM accounts WHERE name = 'ember'"), 0);
}

TEST_F(WorkerTest, TooBigIsPreparedAgainWithTheReportedLimit) {
  test::seed_queue(*db, 1);
  configure_preparer = [](test::FakePreparer& p) {
    p.parts_for = [](const media::PrepareRequest&, std::int64_t limit) { return limit >= 5000 ? 1 : 3; };
  };
  SqliteJobStore store(path, test::fast_options());
  test::FakeUploader up("ember", channel, &log, /*max_bytes=*/5000);
  up.before_upload = [](const UploadFile& f) {
    if (f.file_name == "CM_M000001_1080P.mp4")
      throw UploadError(UploadError::Kind::TooBig, "Request Entity Too Large", 0, 2000);
  };
  Worker w(store, up, preparers(), wopts("ember"));
  w.run();
  EXPECT_EQ(text(*db, "SELECT state || '/' || part_count FROM upload_variants"), "done/3");
  EXPECT_EQ(text(*db, "SELECT path FROM upload_attempts"), "split");
}

TEST_F(WorkerTest, MissingChannelRightsFailTheJobWithAnOperatorMessage) {
  test::seed_queue(*db, 1);
  SqliteJobStore store(path, slow_retries());
  test::FakeUploader up("ember", channel, &log);
  up.before_upload = [](const UploadFile&) {
    throw UploadError(UploadError::Kind::Rights, "Forbidden: bot is not a member of the channel chat");
  };
  auto o = wopts("ember");
  Worker w(store, up, preparers(), o);
  w.run();
  EXPECT_EQ(text(*db, "SELECT state FROM upload_variants"), "retrying");
  auto err = text(*db, "SELECT last_error FROM upload_variants");
  EXPECT_NE(err.find("account ember cannot post in storage channel " + std::to_string(test::kMovieChannel)),
            std::string::npos)
      << err;
  EXPECT_EQ(scalar(*db, "SELECT failures FROM storage_channels WHERE chat_id = " +
                            std::to_string(test::kMovieChannel)),
            1);
}

// A movie channel where the account may not post (the least filled, so picked first) and a
// second one that works: after channel_max_rights_failures refusals the first is disabled
// with a reason that says what to do, and every job is stored in the second.
TEST_F(WorkerTest, AChannelWithoutRightsIsDisabledAndJobsMoveToAnotherChannel) {
  constexpr std::int64_t kSpare = -1001000000077;
  test::seed_queue(*db, 4);
  db->exec("INSERT INTO storage_channels(chat_id, kind, bytes_stored, updated_at) VALUES (" +
           std::to_string(kSpare) + ", 'movie', 1, 0)");
  auto opts = test::fast_options();
  opts.max_attempts = 5;
  opts.channel_max_rights_failures = 2;
  SqliteJobStore store(path, opts);
  test::FakeUploader up("ember", channel, &log);
  up.refused_channels = {test::kMovieChannel};
  Worker w(store, up, preparers(), wopts("ember", /*exit_when_idle=*/false));
  std::thread t([&] { w.run(); });
  EXPECT_TRUE(test::wait_until([&] { return test::state_counts(*db)["done"] == 4; }, 30s));
  w.stop();
  t.join();

  const auto bad = std::to_string(test::kMovieChannel);
  EXPECT_EQ(scalar(*db, "SELECT enabled FROM storage_channels WHERE chat_id = " + bad), 0);
  auto reason = text(*db, "SELECT disabled_reason FROM storage_channels WHERE chat_id = " + bad);
  EXPECT_NE(reason.find("not a member"), std::string::npos) << reason;
  auto fix = channel_fix(*find_channel(*db, test::kMovieChannel));
  EXPECT_NE(fix.find("cmup doctor --enable " + bad), std::string::npos) << fix;
  // Exactly N refusals: once disabled, nothing is sent there again.
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_attempts WHERE outcome = 'failed'"), 2);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM telegram_objects WHERE channel_id = " + std::to_string(kSpare)),
            4);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_variants WHERE channel_id = " + std::to_string(kSpare)),
            4);
  // The working channel's stored files keep its own count at zero.
  EXPECT_EQ(scalar(*db, "SELECT failures FROM storage_channels WHERE chat_id = " + std::to_string(kSpare)),
            0);
  EXPECT_EQ(
      scalar(*db, "SELECT files_stored FROM storage_channels WHERE chat_id = " + std::to_string(kSpare)), 4);
}

// Telegram answers the adoption probe with "Too Many Requests: retry after 600": the job is
// given back without spending an attempt and only this account waits.
TEST_F(WorkerTest, AFloodWaitInTheNonceProbePausesOnlyThatAccount) {
  test::seed_queue(*db, 1);
  SqliteJobStore store(path, slow_retries());
  store.register_worker({"test:ember", "ember", "test", "botapi", "local_bot", 0});
  auto j = store.claim("test:ember", "ember");
  store.choose_channel(lease_of(*j), "movie");  // the crashed attempt may have uploaded
  test::FakeUploader up("ember", channel, &log);
  up.before_find = [](std::int64_t) {
    throw UploadError(UploadError::Kind::FloodWait, "Too Many Requests: retry after 600", 600);
  };
  Worker w(store, up, preparers(), wopts("ember", /*exit_when_idle=*/false));
  std::thread t([&] { w.run(); });
  EXPECT_TRUE(test::wait_until([&] { return w.stats().jobs_released == 1; }, 20s));
  w.stop();  // the account would sit out its 600 s
  t.join();
  EXPECT_TRUE(log.has("find " + j->nonce));
  EXPECT_EQ(text(*db, "SELECT state FROM upload_variants"), "pending");
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_attempts WHERE outcome = 'failed'"), 0);
  EXPECT_GT(scalar(*db, "SELECT flood_until FROM accounts WHERE name = 'ember'"), now_ms() + 500'000);
  EXPECT_EQ(scalar(*db, "SELECT ifnull(max(flood_until), 0) FROM accounts WHERE name <> 'ember'"), 0);
  EXPECT_EQ(w.stats().flood_waits, 1);
}

TEST_F(WorkerTest, FailedSourcesAreCountedAndTheJobRetries) {
  auto seeded = test::seed_queue(*db, 1, 2);
  configure_preparer = [](test::FakePreparer& p) {
    p.before_prepare = [](const media::PrepareRequest& j) {
      throw MediaError("every source failed",
                       {{j.sources[0].source_id, "HTTP 404"}, {j.sources[1].source_id, "timeout"}}, true);
    };
  };
  SqliteJobStore store(path, slow_retries());
  test::FakeUploader up("ember", channel, &log);
  Worker w(store, up, preparers(), wopts("ember"));
  w.run();
  EXPECT_EQ(scalar(*db, "SELECT sum(failures) FROM source_links"), 2);
  EXPECT_EQ(text(*db, "SELECT error FROM upload_attempts"), "every source failed");
  EXPECT_EQ(text(*db, "SELECT state FROM upload_variants"), "retrying");
}

TEST_F(WorkerTest, StopLetsAnUploadFinishWithinTheGracePeriod) {
  test::seed_queue(*db, 3);
  SqliteJobStore store(path, test::fast_options());
  test::FakeUploader up("ember", channel, &log);
  std::atomic<bool> stop_requested{false};
  up.before_upload = [&](const UploadFile&) {
    log.wait_for("prepare-end CM_M000002_1080P", 10s);  // the next job waits in the slot
    log.add("uploading");
    test::wait_until([&] { return stop_requested.load(); }, 10s);
  };
  auto o = wopts("ember", false);
  o.prepare_ahead = 1;  // exactly one job waits in the slot when stop comes
  Worker w(store, up, preparers(), o);
  std::thread t([&] { EXPECT_FALSE(w.run().upload_abandoned); });
  ASSERT_TRUE(log.wait_for("uploading", 10s));
  w.stop();
  stop_requested = true;
  t.join();
  auto c = test::state_counts(*db);
  EXPECT_EQ(c["done"], 1);
  EXPECT_EQ(c["pending"], 2);  // the job prepared ahead went back
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_attempts WHERE outcome = 'released'"), 1);
}

TEST_F(WorkerTest, StopGivesBackAnUploadThatOutlastsTheGracePeriod) {
  test::seed_queue(*db, 1);
  SqliteJobStore store(path, test::fast_options());
  test::FakeUploader up("ember", channel, &log);
  std::atomic<bool> let_go{false};
  up.before_upload = [&](const UploadFile&) {
    log.add("uploading");
    test::wait_until([&] { return let_go.load(); }, 20s);
  };
  auto o = wopts("ember", false);
  o.shutdown_grace_ms = 100;
  auto w = std::make_unique<Worker>(store, up, preparers(), o);
  ASSERT_FALSE(false);
  std::thread t([&] { EXPECT_TRUE(w->run().upload_abandoned); });
  ASSERT_TRUE(log.wait_for("uploading", 10s));
  w->stop();
  t.join();
  EXPECT_EQ(text(*db, "SELECT state || '/' || attempts FROM upload_variants"), "pending/0");
  EXPECT_EQ(text(*db, "SELECT outcome FROM upload_attempts"), "released");
  // The upload that still lands afterwards writes nothing: its lease is gone.
  let_go = true;
  w.reset();
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM telegram_objects"), 0);
  EXPECT_EQ(text(*db, "SELECT state FROM upload_variants"), "pending");
}

}  // namespace
}  // namespace cmup
