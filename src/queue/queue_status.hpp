// What the queue is doing, for operators: the one reader behind `cmup status` and the /admin
// dashboard and /metrics (web/admin_stats.cpp). Read-only queries; nothing here changes the
// database.
//
// Contract: read_queue_status() reads one consistent snapshot (one read transaction, or the
// caller's when it already holds one) of counts per state (every JobState, 0 when none), per
// account (configured or having uploaded: uploads and bytes in total and since 00:00 UTC,
// throughput over kThroughputWindowMs, flood wait, its workers with their current job and
// progress), the most recent attempts that did not end well (failed, flood wait, lease lost,
// abandoned), the most recent dead variants with their reasons, and every storage channel
// (kind, fill, enabled or why not, Rights refusals in a row). Throws SQLite::Exception
// on database errors. Thread-safety: use one connection per thread.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "telegram/storage_channels.hpp"

namespace cmup {

// Throughput (bytes stored per second) is measured over this window, everywhere.
inline constexpr std::int64_t kThroughputWindowMs = std::int64_t{3600} * 1000;

struct WorkerStatus {
  std::string id, account, host;
  std::int64_t last_seen_at = 0;
  std::int64_t current_variant = 0;  // the job in hand, 0 when idle
  std::string current;               // its coded name, empty when idle
  std::string progress;              // JSON as the worker reported it, may be empty
};

struct AccountStatus {
  std::string name, backend, kind;  // backend and kind empty for an account no longer configured
  bool enabled = true;
  std::int64_t flood_until = 0;
  std::int64_t uploads = 0, bytes = 0;  // files (parts) and bytes stored, in total
  std::int64_t files_today = 0, bytes_today = 0;
  std::int64_t bytes_window = 0;  // stored over the last kThroughputWindowMs
  double bytes_per_s = 0;         // bytes_window / the window
  std::vector<WorkerStatus> workers;
};

struct FailureStatus {
  std::int64_t variant_id = 0;
  std::string coded_name, account, worker, outcome, error;  // dead variants: error = dead_reason
  std::int64_t ended_at = 0;
};

struct QueueStatus {
  std::int64_t now = 0;
  std::map<std::string, std::int64_t> states;  // every state, 0 when none
  std::vector<AccountStatus> accounts;
  std::vector<FailureStatus> recent_failures;
  std::vector<FailureStatus> dead;  // the most recent dead variants, with dead_reason
  std::vector<StorageChannel> channels;  // by kind, then chat id
};

QueueStatus read_queue_status(SQLite::Database& db, std::int64_t now, int failures = 10);
nlohmann::json status_to_json(const QueueStatus& s);
// One storage channel as `cmup status --json` and /admin show it, with what re-enables it.
nlohmann::json channel_to_json(const StorageChannel& c);
// Human-readable tables, e.g. for a terminal.
std::string format_status(const QueueStatus& s);

}  // namespace cmup
