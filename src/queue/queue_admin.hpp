// Operator actions on the queue: `cmup requeue VARIANT...` and `cmup retry --dead`.
//
// Contract: each variant is handled in its own IMMEDIATE transaction: back to pending with
// attempts 0, its error and dead reason cleared, its dead source links alive again (failures
// 0), any running attempt marked abandoned. Refused, with the reason, for:
//   - a claimed variant unless `force` (the worker holding it is then fenced off);
//   - a done variant unless `reupload` (its telegram_objects rows are deleted and the storage
//     channel counters reduced; the old messages stay in the channel).
// A variant is named by coded name (case-insensitive) or numeric id.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <vector>

namespace cmup {

struct RequeueOutcome {
  std::string variant;  // as given
  bool requeued = false;
  std::string message;  // what happened, or why not and what to do
};

std::vector<RequeueOutcome> requeue_variants(SQLite::Database& db, const std::vector<std::string>& variants,
                                             bool reupload, bool force);
// One variant as requeue_variants() does it, inside the caller's write transaction (for
// callers that record more in the same transaction, e.g. `cmup audit`).
RequeueOutcome requeue_variant_in_tx(SQLite::Database& db, const std::string& variant, bool reupload, bool force);
// Every dead variant back to pending (as requeue). Returns how many.
int retry_dead_variants(SQLite::Database& db);

}  // namespace cmup
