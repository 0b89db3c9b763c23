// Which kind of import `cmup import` runs, and the record of finished runs (migration 0007,
// table import_runs).
//
// Contract:
//   - plan_import(): a full sweep (every item; links CM no longer lists become 'gone') when
//     `force_full`, when no import ever finished, or when `full_every` runs or more finished
//     since the last full sweep; otherwise only what CM changed since the last finished
//     import started (CM's updated_since), less `overlap_s` so a change CM stamped while that
//     run was reading is not missed.
//   - record_import() stores a finished run; a run that failed is never recorded, so the next
//     one starts from the last run that did finish.
// Thread-safety: plain functions over one connection.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>

namespace cmup::cm {

struct ImportPlan {
  bool full = true;
  std::optional<std::int64_t> updated_since;  // Unix seconds, when !full
  int runs_since_full = 0;                    // finished incremental runs since the last sweep
  std::string describe() const;               // "full sweep" | "changes since <UTC time>"
};

ImportPlan plan_import(SQLite::Database& db, int full_every, bool force_full, std::int64_t overlap_s = 300);

// started_at: Unix seconds when the run began (before its first request to CM).
void record_import(SQLite::Database& db, const ImportPlan& plan, std::int64_t started_at, std::int64_t items);

}  // namespace cmup::cm
