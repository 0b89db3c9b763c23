// SqliteJobStore: claiming, leases, fencing, retries, dead sources, completion.
#include <gtest/gtest.h>

#include "queue/sqlite_job_store.hpp"
#include "queue_fixture.hpp"
#include "support/test_support.hpp"

namespace cmup {
namespace {

using test::fake_part;
using test::scalar;
using test::text;

FailInfo failure(std::string error, std::vector<SourceFailure> sources = {}) {
  FailInfo f;
  f.error = std::move(error);
  f.source_failures = std::move(sources);
  return f;
}

struct StoreTest : ::testing::Test {
  test::TempDir dir;
  std::filesystem::path path = dir / "cmup.db";
  std::unique_ptr<SQLite::Database> db = db::open(path);

  std::unique_ptr<SqliteJobStore> store(QueueOptions o = test::fast_options()) {
    auto s = std::make_unique<SqliteJobStore>(path, o);
    for (auto acc : {"ember", "rora", "lukas"}) s->register_worker({std::string("w-") + acc, acc, "h", "botapi", "local_bot", 0});
    return s;
  }
};

TEST_F(StoreTest, ClaimTakesHighestPriorityThenOldestAndNeverTheSameJobTwice) {
  auto seeded = test::seed_queue(*db, 4, 1, 1, [](int i) { return i == 2 ? 5 : 0; });
  auto s = store();
  auto a = s->claim("w-ember", "ember");
  auto b = s->claim("w-ember2", "ember");
  auto c = s->claim("w-rora", "rora");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->variant_id, seeded.variants[2]);  // priority 5 first
  EXPECT_EQ(b->variant_id, seeded.variants[0]);  // then by age
  EXPECT_EQ(c->variant_id, seeded.variants[1]);
  EXPECT_NE(a->lease_token, b->lease_token);
  EXPECT_EQ(a->nonce.size(), 12u);
  EXPECT_EQ(a->kind, "movie");
  ASSERT_EQ(a->sources.size(), 1u);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_attempts WHERE outcome = 'running'"), 3);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_variants WHERE state = 'claimed'"), 3);
}

TEST_F(StoreTest, RestartedWorkerRetakesItsOwnLiveLeaseWithANewToken) {
  auto seeded = test::seed_queue(*db, 3);
  auto s = store();
  auto first = s->claim("w-ember", "ember");
  ASSERT_TRUE(first);
  auto second = s->claim("w-ember", "ember");  // still running: a lease it holds is not re-taken
  ASSERT_TRUE(second);
  EXPECT_NE(second->variant_id, first->variant_id);
  s->register_worker({"w-ember", "ember", "h", "botapi", "local_bot", 0});  // the worker restarted
  auto again = s->claim("w-ember", "ember");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->variant_id, first->variant_id);
  EXPECT_NE(again->lease_token, first->lease_token);
  EXPECT_EQ(text(*db, "SELECT outcome FROM upload_attempts WHERE id = " + std::to_string(first->attempt_id)),
            "abandoned");
  EXPECT_THROW(s->complete(lease_of(*first), {}), LeaseLost);
}

TEST_F(StoreTest, StaleWorkerCannotWriteAfterItsLeaseExpiredAndWasTaken) {
  test::seed_queue(*db, 1);
  auto s = store(test::fast_options(/*lease_ms=*/200));
  auto stale = s->claim("w-ember", "ember");
  ASSERT_TRUE(stale);
  std::optional<Job> fresh;
  ASSERT_TRUE(test::wait_until([&] { return (fresh = s->claim("w-rora", "rora")).has_value(); },
                               std::chrono::seconds(10)));
  EXPECT_EQ(fresh->variant_id, stale->variant_id);
  auto l = lease_of(*stale);
  EXPECT_FALSE(s->heartbeat(l));
  EXPECT_THROW(s->progress(l, Progress{"upload"}), LeaseLost);
  EXPECT_THROW(s->choose_channel(l, "movie"), LeaseLost);
  EXPECT_THROW(s->record_part(l, fake_part(stale->variant_id, 1, 1, 77)), LeaseLost);
  EXPECT_THROW(s->complete(l, {"remux", 0, std::nullopt, 0, {}}), LeaseLost);
  EXPECT_THROW(s->fail(l, failure("boom")), LeaseLost);
  EXPECT_THROW(s->release(l, ReleaseReason::Shutdown), LeaseLost);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM telegram_objects"), 0);
  // The new holder finishes normally.
  auto f = lease_of(*fresh);
  EXPECT_TRUE(s->heartbeat(f));
  EXPECT_EQ(s->choose_channel(f, "movie"), test::kMovieChannel);
  s->record_part(f, fake_part(fresh->variant_id, 1, 1, 78));
  s->complete(f, {"remux", fresh->sources[0].source_id, std::nullopt, 1000, {}});
  EXPECT_EQ(text(*db, "SELECT state FROM upload_variants"), "done");
  EXPECT_EQ(scalar(*db, "SELECT message_id FROM telegram_objects"), 78);
}

TEST_F(StoreTest, CompleteNeedsEveryPartAndUpdatesChannelCounters) {
  auto seeded = test::seed_queue(*db, 1);
  auto s = store();
  auto j = s->claim("w-ember", "ember");
  auto l = lease_of(*j);
  auto ch = s->choose_channel(l, "movie");
  s->record_part(l, fake_part(j->variant_id, 1, 2, 10, ch));
  s->record_part(l, fake_part(j->variant_id, 1, 2, 10, ch));  // a repeat is a no-op
  EXPECT_THROW(s->complete(l, {"split", 0, std::nullopt, 0, {}}), JobStoreError);
  EXPECT_EQ(text(*db, "SELECT state FROM upload_variants"), "claimed");
  s->record_part(l, fake_part(j->variant_id, 2, 2, 11, ch));
  s->complete(l, {"split", j->sources[0].source_id, std::string("720P"), 2000, {}});
  s->complete(l, {"split", j->sources[0].source_id, std::string("720P"), 2000, {}});  // idempotent
  EXPECT_EQ(text(*db, "SELECT state || '/' || part_count || '/' || size_bytes || '/' || probed_quality FROM upload_variants"),
            "done/2/2000/720P");
  EXPECT_EQ(text(*db, "SELECT outcome || '/' || path FROM upload_attempts"), "ok/split");
  EXPECT_EQ(scalar(*db, "SELECT files_stored FROM storage_channels WHERE chat_id = " + std::to_string(ch)), 2);
  EXPECT_EQ(scalar(*db, "SELECT bytes_stored FROM storage_channels WHERE chat_id = " + std::to_string(ch)), 2000);
  EXPECT_EQ(scalar(*db, "SELECT last_message_id FROM storage_channels WHERE chat_id = " + std::to_string(ch)), 11);
}

TEST_F(StoreTest, ChannelIsStickyAndTheLeastFilledIsChosenFirst) {
  test::seed_queue(*db, 2);
  db->exec("INSERT INTO storage_channels(chat_id, kind, bytes_stored, updated_at) VALUES (-1009, 'movie', 0, 0)");
  db->exec("UPDATE storage_channels SET bytes_stored = 500 WHERE chat_id = " + std::to_string(test::kMovieChannel));
  auto s = store();
  auto j = s->claim("w-ember", "ember");
  auto l = lease_of(*j);
  EXPECT_EQ(s->choose_channel(l, "movie"), -1009);
  db->exec("UPDATE storage_channels SET bytes_stored = 9999 WHERE chat_id = -1009");
  EXPECT_EQ(s->choose_channel(l, "movie"), -1009);  // sticky: all parts in one channel
  EXPECT_EQ(s->choose_channel(l, "movie"), -1009);
}

TEST_F(StoreTest, FailuresBackOffThenDieAfterMaxAttempts) {
  test::seed_queue(*db, 1, /*sources_each=*/1);
  QueueOptions o = test::fast_options();
  o.backoff = {30, 3600, 0};  // deterministic: 30 s, 60 s
  auto s = store(o);
  auto j = s->claim("w-ember", "ember");
  auto before = now_ms();
  auto r = s->fail(lease_of(*j), failure("HTTP 502 from Telegram"));
  EXPECT_EQ(r.state, JobState::Retrying);
  EXPECT_GE(r.next_attempt_at, before + 30'000);
  EXPECT_LE(r.next_attempt_at, now_ms() + 30'000);
  EXPECT_EQ(s->fail(lease_of(*j), failure("HTTP 502 from Telegram")).state, JobState::Retrying);  // idempotent
  EXPECT_FALSE(s->claim("w-ember", "ember"));  // not due yet
  db->exec("UPDATE upload_variants SET next_attempt_at = 0");
  for (int attempt = 2; attempt <= o.max_attempts; ++attempt) {
    auto k = s->claim("w-ember", "ember");
    ASSERT_TRUE(k) << attempt;
    EXPECT_EQ(k->attempts, attempt);
    r = s->fail(lease_of(*k), failure("HTTP 502 from Telegram"));
    db->exec("UPDATE upload_variants SET next_attempt_at = 0");
  }
  EXPECT_EQ(r.state, JobState::Dead);
  EXPECT_NE(r.dead_reason.find("gave up after 3 attempts"), std::string::npos) << r.dead_reason;
  EXPECT_EQ(text(*db, "SELECT state FROM upload_variants"), "dead");
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_attempts WHERE outcome = 'failed'"), 3);
}

TEST_F(StoreTest, SourceFailingTooOftenIsDeadAndTheJobMovesToTheNextSourceThenDies) {
  auto seeded = test::seed_queue(*db, 1, /*sources_each=*/2);
  auto s = store();  // source_max_failures = 2, max_attempts = 3
  auto v = seeded.variants[0];
  auto first = seeded.sources[v][0], second = seeded.sources[v][1];
  auto fail_source = [&](std::int64_t src) {
    db->exec("UPDATE upload_variants SET next_attempt_at = 0");
    auto j = s->claim("w-ember", "ember");
    EXPECT_TRUE(j);
    EXPECT_EQ(j->sources.front().source_id, src);
    return s->fail(lease_of(*j), failure("x", {{src, "HTTP 404 from the source host"}}));
  };
  fail_source(first);
  fail_source(first);
  EXPECT_EQ(text(*db, "SELECT state FROM source_links WHERE id = " + std::to_string(first)), "dead");
  db->exec("UPDATE upload_variants SET attempts = 0");  // isolate the source rule from max_attempts
  fail_source(second);
  auto r = fail_source(second);
  EXPECT_EQ(r.state, JobState::Dead);
  EXPECT_NE(r.dead_reason.find("every source is dead"), std::string::npos);
  EXPECT_EQ(text(*db, "SELECT last_error FROM source_links WHERE id = " + std::to_string(second)),
            "HTTP 404 from the source host");
}

TEST_F(StoreTest, ReleaseGivesTheJobBackWithoutCountingTheAttempt) {
  test::seed_queue(*db, 1);
  auto s = store();
  auto j = s->claim("w-ember", "ember");
  s->release(lease_of(*j), ReleaseReason::Shutdown);
  s->release(lease_of(*j), ReleaseReason::Shutdown);  // idempotent
  EXPECT_EQ(text(*db, "SELECT state || '/' || attempts FROM upload_variants"), "pending/0");
  EXPECT_EQ(text(*db, "SELECT outcome FROM upload_attempts"), "released");
  auto k = s->claim("w-rora", "rora");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->attempts, 1);
}

TEST_F(StoreTest, AccountInFloodWaitClaimsNothingWhileOthersDo) {
  test::seed_queue(*db, 3);
  auto s = store();
  s->set_flood("rora", now_ms() + 60'000);
  EXPECT_GT(s->flood_until("rora"), now_ms());
  EXPECT_FALSE(s->claim("w-rora", "rora"));
  EXPECT_TRUE(s->claim("w-ember", "ember"));
  EXPECT_TRUE(s->claim("w-lukas", "lukas"));
  s->set_flood("rora", now_ms() - 1);  // an earlier value does not shorten the wait
  EXPECT_FALSE(s->claim("w-rora", "rora"));
  EXPECT_THROW(s->set_flood("nobody", now_ms()), JobStoreError);
}

TEST_F(StoreTest, ResumedJobCarriesStoredPartsAndEarlierNoncesThatMayHaveUploaded) {
  test::seed_queue(*db, 1);
  auto s = store(test::fast_options(/*lease_ms=*/100));
  auto j = s->claim("w-ember", "ember");
  auto l = lease_of(*j);
  auto ch = s->choose_channel(l, "movie");
  s->record_part(l, fake_part(j->variant_id, 1, 3, 41, ch));
  // The worker dies; its lease expires and another worker takes the job.
  std::optional<Job> k;
  ASSERT_TRUE(test::wait_until([&] { return (k = s->claim("w-rora", "rora")).has_value(); }, std::chrono::seconds(10)));
  ASSERT_EQ(k->stored_parts.size(), 1u);
  EXPECT_EQ(k->stored_parts[0].part_no, 1);
  EXPECT_EQ(k->channel_id.value_or(0), ch);
  ASSERT_EQ(k->prior_uploads.size(), 1u);
  EXPECT_EQ(k->prior_uploads[0].nonce, j->nonce);
  EXPECT_EQ(k->prior_uploads[0].after_message_id, 0);  // the channel's last id when it began
  EXPECT_EQ(k->previous_nonces, std::vector<std::string>{j->nonce});
}

TEST(Backoff, FollowsTheDocumentedFormula) {
  BackoffPolicy p{30, 3600, 0.25};
  EXPECT_EQ(backoff_delay_ms(p, 1, 0.0), 30'000);
  EXPECT_EQ(backoff_delay_ms(p, 2, 0.0), 60'000);
  EXPECT_EQ(backoff_delay_ms(p, 3, 0.5), 135'000);  // 120 s * 1.125
  EXPECT_EQ(backoff_delay_ms(p, 20, 0.0), 3'600'000);
  EXPECT_EQ(backoff_delay_ms(p, 200, 0.999), static_cast<std::int64_t>(3600 * 1.24975 * 1000));
  EXPECT_EQ(std::string(state_name(JobState::Retrying)), "retrying");
  EXPECT_EQ(parse_state("dead"), JobState::Dead);
  EXPECT_FALSE(parse_state("running"));
}

}  // namespace
}  // namespace cmup
