// JobStore: the worker's only view of the upload queue (DESIGN.md §3).
//
// Two implementations behave the same: SqliteJobStore (the database, on the main host) and
// CoordinatorJobStore (the coordinator's HTTP API, on other hosts). The transitions are the
// ones drawn in db/job_state.hpp; each call is one transaction.
//
// Contract:
//  - claim() atomically takes the next eligible job for `account` and returns it with a fresh
//    lease (token, expiry) and a new upload_attempts row (attempt id, nonce). A worker first
//    re-takes its own still-live leases (it restarted), then the best of: pending, retrying
//    whose next_attempt_at has passed, claimed whose lease expired; best = highest priority,
//    then oldest. Nothing is claimed while the account's flood_until is in the future, or the
//    account is disabled. nullopt = nothing to do now. No job is ever leased to two workers.
//  - Every call taking a LeaseRef is fenced: it throws LeaseLost (and changes nothing) when
//    the variant's current lease token is not the one given (the lease expired and another
//    worker took the job, an operator requeued it, or the job already ended). heartbeat()
//    reports the same as `false` instead of throwing.
//  - complete(), fail() and release() are idempotent for the same lease: repeating one after
//    a lost answer returns the first result instead of LeaseLost.
//  - JobStoreError: a request the store refuses for another reason (complete with parts
//    missing, no storage channel of that kind, unknown account); the message says what to do.
//  - StoreUnavailable: the store cannot be reached and the caller asked to stop waiting
//    (CoordinatorJobStore retries an unreachable coordinator with backoff until then).
// Thread-safety: every method may be called from several threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/job_state.hpp"
#include "media/preparer.hpp"  // SourceFailure
#include "queue/job.hpp"
#include "util/backoff.hpp"
#include "util/progress.hpp"

namespace cmup {

class Config;

class LeaseLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
class JobStoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
class StoreUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a fenced write names: the job and the lease it holds.
struct LeaseRef {
  std::int64_t variant_id = 0;
  std::string token;
  std::int64_t attempt_id = 0;
};
inline LeaseRef lease_of(const Job& j) { return {j.variant_id, j.lease_token, j.attempt_id}; }

// A worker introduces itself (and its account's limits) before claiming. The account row is
// created with these values if missing; an existing row (operator settings) is kept.
struct WorkerInfo {
  std::string worker_id;  // stable across restarts of the same worker (host:account by default)
  std::string account;
  std::string host;
  std::string backend = "botapi";  // accounts.backend
  std::string kind = "local_bot";  // accounts.kind
  std::int64_t max_upload_bytes = 0;
};

struct CompleteInfo {
  std::string path;            // "direct", "remux", "split", "adopt"
  std::int64_t source_id = 0;  // 0 = none (every part adopted)
  std::optional<std::string> probed_quality;
  std::int64_t bytes_moved = 0;
  std::vector<SourceFailure> source_failures;  // sources that failed before one worked
};

struct FailInfo {
  std::string error;                           // for the operator: what failed and what to do
  std::vector<SourceFailure> source_failures;  // each counts once against its source link
  bool retryable = true;                       // false: dead now, whatever attempts are left
  std::string path;                            // as far as known; empty = none
  std::int64_t source_id = 0;
  std::int64_t channel_failure = 0;  // a storage channel refused us (Rights)
  std::int64_t bytes_moved = 0;
};

struct FailResult {
  JobState state = JobState::Retrying;  // Retrying or Dead
  std::int64_t next_attempt_at = 0;
  std::string dead_reason;
};

enum class ReleaseReason { Shutdown, FloodWait };

// Settings of the queue ([queue] in config/20-queue.toml).
struct QueueOptions {
  std::int64_t lease_ms = 600'000;
  int max_attempts = 8;
  BackoffPolicy backoff;
  int source_max_failures = 3;
  // Rights / not-found failures in a row after which a storage channel is disabled
  // (telegram.channel_max_rights_failures); a stored file clears the count.
  int channel_max_rights_failures = 3;
  static QueueOptions from_config(const Config& cfg);
};

class JobStore {
 public:
  virtual ~JobStore() = default;

  virtual void register_worker(const WorkerInfo& w) = 0;
  virtual std::optional<Job> claim(const std::string& worker_id, const std::string& account) = 0;
  // Renews the lease for another lease period; false when it was lost (stop working on it).
  virtual bool heartbeat(const LeaseRef& lease) = 0;
  virtual void progress(const LeaseRef& lease, const Progress& p) = 0;
  // The variant's storage channel: the one already used, or the least filled enabled
  // channel of `kind` ("movie" | "tv"), remembered on the variant. Also marks this attempt
  // as one that may upload (its nonce will be searched for if it does not finish).
  virtual std::int64_t choose_channel(const LeaseRef& lease, const std::string& kind) = 0;
  // Writes the telegram_objects row at once, so a resumed job never uploads this part again.
  // Recording the same part with the same message twice is a no-op.
  virtual void record_part(const LeaseRef& lease, const StoredPart& part) = 0;
  // All parts present -> done (size, part count), attempt ok, storage channel counters.
  virtual void complete(const LeaseRef& lease, const CompleteInfo& info) = 0;
  virtual FailResult fail(const LeaseRef& lease, const FailInfo& info) = 0;
  // Gives the job back untouched (shutdown, long flood wait): pending again, the attempt
  // not counted.
  virtual void release(const LeaseRef& lease, ReleaseReason why) = 0;
  // The account may not upload before until_ms (Unix ms); later values win.
  virtual void set_flood(const std::string& account, std::int64_t until_ms) = 0;
  virtual std::int64_t flood_until(const std::string& account) = 0;
  // Stop waiting for an unreachable store (shutdown): calls in progress and later calls
  // throw StoreUnavailable. A no-op for stores that never wait.
  virtual void cancel_waits() {}
};

}  // namespace cmup
