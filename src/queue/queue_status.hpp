// What the queue is doing, for operators: `cmup status` (and the /admin dashboard may use
// the same reader). Read-only queries; nothing here changes the database.
//
// Contract: read_queue_status() reads one consistent snapshot (one read transaction) of
// counts per state, per account (uploads today since 00:00 UTC, recent throughput over the
// last 10 minutes, flood wait left, its workers and their current job and progress), and the
// most recent failed attempts with their reasons. Throws SQLite::Exception on database errors.
// Thread-safety: use one connection per thread.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cmup {

struct WorkerStatus {
  std::string id, host;
  std::int64_t last_seen_at = 0;
  std::string current;   // coded name of the job in hand, empty when idle
  std::string progress;  // JSON as the worker reported it, may be empty
};

struct AccountStatus {
  std::string name, kind;
  bool enabled = true;
  std::int64_t flood_until = 0;
  std::int64_t files_today = 0, bytes_today = 0;
  double bytes_per_s = 0;  // stored bytes over the last 10 minutes / 600 s
  std::vector<WorkerStatus> workers;
};

struct FailureStatus {
  std::string coded_name, account, worker, error;
  std::int64_t ended_at = 0;
};

struct QueueStatus {
  std::int64_t now = 0;
  std::map<std::string, std::int64_t> states;  // every state, 0 when none
  std::vector<AccountStatus> accounts;
  std::vector<FailureStatus> recent_failures;
  std::vector<FailureStatus> dead;  // the most recent dead variants, with dead_reason
};

QueueStatus read_queue_status(SQLite::Database& db, std::int64_t now, int failures = 10);
nlohmann::json status_to_json(const QueueStatus& s);
// Human-readable tables, e.g. for a terminal.
std::string format_status(const QueueStatus& s);

}  // namespace cmup
