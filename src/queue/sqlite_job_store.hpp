// SqliteJobStore: the JobStore on the main host, straight on the database (DESIGN.md §3).
//
// Contract: as JobStore (queue/job_store.hpp). Each call is one short BEGIN IMMEDIATE
// transaction on this store's own connection (prepared statements, kept), so several
// processes can share one database file; SQLite's busy timeout orders them. The claim uses
// the partial indexes upload_variants_claimable and upload_variants_lease.
// Thread-safety: calls are serialized by an internal mutex.
//
// Storage channels: chosen, counted and disabled by the one rule in
// telegram/storage_channels.hpp (pick_storage_channel, note_channel_success/failure); a
// channel that refused us (FailInfo.channel_failure) is disabled after
// QueueOptions.channel_max_rights_failures in a row, and the variant, with nothing stored
// there yet, picks again at its next attempt.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>

#include "queue/job_store.hpp"
#include "util/config.hpp"

namespace cmup {

class SqliteJobStore : public JobStore {
 public:
  // Opens its own connection to `db_path` (migrating it if needed).
  SqliteJobStore(const std::filesystem::path& db_path, QueueOptions opts, int busy_timeout_ms = 10000);
  ~SqliteJobStore() override;

  void register_worker(const WorkerInfo& w) override;
  std::optional<Job> claim(const std::string& worker_id, const std::string& account) override;
  bool heartbeat(const LeaseRef& lease) override;
  void progress(const LeaseRef& lease, const Progress& p) override;
  std::int64_t choose_channel(const LeaseRef& lease, const std::string& kind) override;
  void record_part(const LeaseRef& lease, const StoredPart& part) override;
  void complete(const LeaseRef& lease, const CompleteInfo& info) override;
  FailResult fail(const LeaseRef& lease, const FailInfo& info) override;
  void release(const LeaseRef& lease, ReleaseReason why) override;
  void set_flood(const std::string& account, std::int64_t until_ms) override;
  std::int64_t flood_until(const std::string& account) override;

  const QueueOptions& options() const { return opts_; }
  struct BusyWait;  // the connection's busy handler state (sqlite_job_store.cpp)

 private:
  struct Fenced {
    int attempts = 0;
    std::string worker;
    std::optional<std::int64_t> channel_id;
  };
  template <typename F>
  auto tx(F&& f) -> decltype(f());  // one IMMEDIATE transaction
  // Cached prepared statement, reset and unbound; `sql` is a literal (the cache key is its
  // address) and may name states as `{claimed}` (db/job_state.hpp's state_sql()).
  SQLite::Statement& stmt(const char* sql);
  Fenced fence(const LeaseRef& lease);  // throws LeaseLost
  std::optional<std::int64_t> pick_candidate(const std::string& worker_id, const std::string& account,
                                             std::int64_t now);
  // The rescuer: every claimed row whose lease expired becomes retrying (backoff) or dead
  // (attempts exhausted, naming the lost workers); its running attempt becomes lease_lost.
  void rescue_expired_leases(std::int64_t now);
  // A failed attempt's next state: retrying at now + backoff, or dead when attempts are used up.
  void end_lost_attempt(std::int64_t variant_id, int attempts, const std::string& why, std::int64_t now);
  Job load_job(std::int64_t variant_id);
  std::string attempt_outcome(const LeaseRef& lease);
  void count_source_failures(const std::vector<SourceFailure>& failures, std::int64_t now);
  // The job left its worker's hands (complete, fail, release, lease rescue): the worker row
  // that names it is idle again; `seen_at` also records the worker as seen (complete).
  void clear_worker_job(std::int64_t variant_id, std::optional<std::int64_t> seen_at = std::nullopt);

  QueueOptions opts_;
  std::unique_ptr<BusyWait> busy_;  // outlives db_ (declared first)
  std::unique_ptr<SQLite::Database> db_;
  std::map<const char*, std::unique_ptr<SQLite::Statement>> stmts_;
  std::mutex mu_;
  std::mt19937_64 rng_;
};

}  // namespace cmup
