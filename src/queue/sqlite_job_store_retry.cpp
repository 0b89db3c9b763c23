// SqliteJobStore's failure paths: fail (retry with backoff, or dead), release, and the
// account flood wait. The claim and write-back paths are in sqlite_job_store.cpp.
#include <openssl/rand.h>
#include <sqlite3.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "db/database.hpp"
#include "queue/job_json.hpp"
#include "queue/sqlite_job_store.hpp"
#include "queue/sqlite_job_store_tx.hpp"
#include "telegram/storage_channels.hpp"
#include "util/clock.hpp"

namespace cmup {

FailResult SqliteJobStore::fail(const LeaseRef& lease, const FailInfo& info) {
  std::lock_guard lk(mu_);
  auto now = now_ms();
  double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  return tx([&]() -> FailResult {
    if (attempt_outcome(lease) == "failed") {  // a repeated request after a lost answer
      auto& q =
          stmt("SELECT state, next_attempt_at, ifnull(dead_reason, '') FROM upload_variants WHERE id = ?");
      q.bind(1, static_cast<int64_t>(lease.variant_id));
      q.executeStep();
      return {parse_state(q.getColumn(0).getString()).value_or(JobState::Retrying), q.getColumn(1).getInt64(),
              q.getColumn(2).getString()};
    }
    auto f = fence(lease);
    count_source_failures(info.source_failures, now);
    if (info.channel_failure != 0) {
      note_channel_failure(*db_, info.channel_failure, info.error, opts_.channel_max_rights_failures);
      // With nothing stored there yet, the next attempt may pick another channel.
      auto& v = stmt(
          "UPDATE upload_variants SET channel_id = NULL WHERE id = ?1 "
          "AND NOT EXISTS (SELECT 1 FROM telegram_objects WHERE variant_id = ?1)");
      v.bind(1, static_cast<int64_t>(lease.variant_id));
      v.exec();
    }
    auto& live = stmt(
        "SELECT count(*) FROM variant_sources vs JOIN source_links s ON s.id = vs.source_id "
        "WHERE vs.variant_id = ? AND s.state = {source_live}");
    live.bind(1, static_cast<int64_t>(lease.variant_id));
    live.executeStep();
    int live_sources = live.getColumn(0).getInt();

    FailResult r;
    if (live_sources == 0) {
      r.state = JobState::Dead;
      r.dead_reason = "every source is dead; last error: " + info.error;
    } else if (!info.retryable) {
      r.state = JobState::Dead;
      r.dead_reason = "not retryable: " + info.error;
    } else if (f.attempts >= opts_.max_attempts) {
      r.state = JobState::Dead;
      r.dead_reason = "gave up after " + std::to_string(f.attempts) + " attempts; last error: " + info.error;
    } else {
      r.state = JobState::Retrying;
      r.next_attempt_at = now + backoff_delay_ms(opts_.backoff, f.attempts, u);
    }
    if (!transition_allowed(JobState::Claimed, r.state,
                            r.state == JobState::Dead ? JobEvent::FailDead : JobEvent::FailRetry))
      throw std::logic_error(std::string("fail: claimed -> ") + state_name(r.state) +
                             " is not a job transition");
    auto& v = stmt(
        "UPDATE upload_variants SET state = ?, lease_token = NULL, lease_worker = NULL, lease_account = "
        "NULL, "
        "lease_expires_at = NULL, next_attempt_at = ?, last_error = ?, dead_reason = ?, progress = NULL, "
        "updated_at = ? WHERE id = ?");
    v.bind(1, state_name(r.state));
    v.bind(2, static_cast<int64_t>(r.next_attempt_at));
    v.bind(3, info.error);
    if (r.state == JobState::Dead)
      v.bind(4, r.dead_reason);
    else
      v.bind(4);
    v.bind(5, static_cast<int64_t>(now));
    v.bind(6, static_cast<int64_t>(lease.variant_id));
    v.exec();

    auto& a = stmt(
        "UPDATE upload_attempts SET outcome = 'failed', error = ?, ended_at = ?, path = ?, source_id = ?, "
        "bytes_moved = max(bytes_moved, ?) WHERE id = ?");
    a.bind(1, info.error);
    a.bind(2, static_cast<int64_t>(now));
    bind_attempt_reach(a, 3, info);
    a.bind(6, static_cast<int64_t>(lease.attempt_id));
    a.exec();

    clear_worker_job(lease.variant_id);
    return r;
  });
}

void SqliteJobStore::rescue_expired_leases(std::int64_t now) {
  // A few per claim: enough to keep up (each claim rescues before it picks), never a long
  // transaction after an outage that left thousands expired.
  auto& q = stmt(
      "SELECT id, attempts FROM upload_variants WHERE state = {claimed} AND lease_expires_at <= ? "
      "ORDER BY lease_expires_at LIMIT 16");
  q.bind(1, static_cast<int64_t>(now));
  std::vector<std::pair<std::int64_t, int>> expired;
  while (q.executeStep()) expired.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getInt());
  q.reset();
  for (auto [id, attempts] : expired) end_lost_attempt(id, attempts, "lease expired", now);
}

void SqliteJobStore::end_lost_attempt(std::int64_t variant_id, int attempts, const std::string& why,
                                      std::int64_t now) {
  auto& holder = stmt("SELECT ifnull(lease_worker, '?') FROM upload_variants WHERE id = ?");
  holder.bind(1, static_cast<int64_t>(variant_id));
  std::string worker = holder.executeStep() ? holder.getColumn(0).getString() : "?";
  holder.reset();
  std::string error = why + " (worker " + worker + " stopped renewing it)";
  auto& a = stmt(
      "UPDATE upload_attempts SET outcome = 'lease_lost', ended_at = ?, error = ifnull(error, ?) "
      "WHERE variant_id = ? AND outcome = 'running'");
  a.bind(1, static_cast<int64_t>(now));
  a.bind(2, error);
  a.bind(3, static_cast<int64_t>(variant_id));
  a.exec();

  JobState to = attempts >= opts_.max_attempts ? JobState::Dead : JobState::Retrying;
  if (!transition_allowed(JobState::Claimed, to, JobEvent::LeaseExpired))
    throw std::logic_error(std::string("lease expiry: claimed -> ") + state_name(to) +
                           " is not a job transition");
  std::string dead_reason;
  if (to == JobState::Dead) {
    // Name every worker that lost it: the operator's lead to a crash loop or a hang.
    auto& w = stmt(
        "SELECT group_concat(worker, ', ') FROM (SELECT DISTINCT worker FROM upload_attempts "
        "WHERE variant_id = ? AND outcome IN ('lease_lost', 'abandoned') ORDER BY worker)");
    w.bind(1, static_cast<int64_t>(variant_id));
    std::string lost = w.executeStep() && !w.getColumn(0).isNull() ? w.getColumn(0).getString() : worker;
    w.reset();
    dead_reason = "gave up after " + std::to_string(attempts) + " attempts; " + why +
                  "; workers that lost it: " + lost +
                  " (a crash or hang on this job? `cmup retry --dead` retries)";
  }
  double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  std::int64_t next =
      to == JobState::Retrying ? now + backoff_delay_ms(opts_.backoff, std::max(attempts, 1), u) : 0;
  auto& v = stmt(
      "UPDATE upload_variants SET state = ?, lease_token = NULL, lease_worker = NULL, lease_account = NULL, "
      "lease_expires_at = NULL, next_attempt_at = ?, last_error = ?, dead_reason = ?, progress = NULL, "
      "updated_at = ? WHERE id = ?");
  v.bind(1, state_name(to));
  v.bind(2, static_cast<int64_t>(next));
  v.bind(3, error);
  if (to == JobState::Dead)
    v.bind(4, dead_reason);
  else
    v.bind(4);
  v.bind(5, static_cast<int64_t>(now));
  v.bind(6, static_cast<int64_t>(variant_id));
  v.exec();
  clear_worker_job(variant_id);
}

void SqliteJobStore::release(const LeaseRef& lease, ReleaseReason why) {
  std::lock_guard lk(mu_);
  auto now = now_ms();
  const char* outcome = why == ReleaseReason::FloodWait ? "flood_wait" : "released";
  tx([&] {
    auto prev = attempt_outcome(lease);
    if (prev == "released" || prev == "flood_wait") return;  // a repeated request
    fence(lease);
    // Back where it was in line; the attempt did not fail, so it is not counted.
    auto& v = stmt(
        "UPDATE upload_variants SET state = {pending}, attempts = max(attempts - 1, 0), lease_token = NULL, "
        "lease_worker = NULL, lease_account = NULL, lease_expires_at = NULL, progress = NULL, updated_at = ? "
        "WHERE id = ?");
    v.bind(1, static_cast<int64_t>(now));
    v.bind(2, static_cast<int64_t>(lease.variant_id));
    v.exec();
    auto& a = stmt("UPDATE upload_attempts SET outcome = ?, ended_at = ? WHERE id = ?");
    a.bind(1, outcome);
    a.bind(2, static_cast<int64_t>(now));
    a.bind(3, static_cast<int64_t>(lease.attempt_id));
    a.exec();
    clear_worker_job(lease.variant_id);
  });
}

void SqliteJobStore::set_flood(const std::string& account, std::int64_t until_ms) {
  std::lock_guard lk(mu_);
  tx([&] {
    auto& q = stmt("UPDATE accounts SET flood_until = max(flood_until, ?), updated_at = ? WHERE name = ?");
    q.bind(1, static_cast<int64_t>(until_ms));
    q.bind(2, static_cast<int64_t>(now_ms()));
    q.bind(3, account);
    if (q.exec() == 0)
      throw JobStoreError("unknown account '" + account +
                          "': start its worker once (it registers the account)");
  });
}

std::int64_t SqliteJobStore::flood_until(const std::string& account) {
  std::lock_guard lk(mu_);
  auto& q = stmt("SELECT flood_until FROM accounts WHERE name = ?");
  q.bind(1, account);
  std::int64_t r = q.executeStep() ? q.getColumn(0).getInt64() : 0;
  q.reset();
  return r;
}

}  // namespace cmup
