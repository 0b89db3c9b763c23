// Bookkeeping of the bot's file id learning (table bot_file_id_learning, migration 0010): which
// stored messages were forwarded into the index chat, which failed and when to try them again.
//
// Contract: claim() is the only way to get permission to forward a stored message; it is one
// atomic statement and grants it to one caller only: for an object never tried, or one whose
// last forward was refused and whose backoff has passed, or one left "forwarding" for longer
// than kStaleClaimMs (the process died with the forward's outcome unknown: it may have
// happened, so such a retry waits long enough to be rare). learnt() and failed() close a claim;
// relearn() re-opens a learnt object whose file id Telegram rejected. Which objects are due is
// objects_due_for_learning() (bot_catalog.hpp). All take the caller's connection; SQLite
// errors propagate.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>

#include "util/backoff.hpp"

namespace cmup::bot::learning {

// A forward whose outcome was never recorded (crash, kill) counts as unknown for this long.
inline constexpr std::int64_t kStaleClaimMs = std::int64_t{10} * 60 * 1000;

bool claim(SQLite::Database& db, std::int64_t object_id, std::int64_t now_ms);
void learnt(SQLite::Database& db, std::int64_t object_id);
// Refused or unknown outcome: the next attempt waits backoff_delay_ms(policy, attempts).
void failed(SQLite::Database& db, std::int64_t object_id, std::int64_t now_ms, const std::string& error,
            const BackoffPolicy& policy);
void relearn(SQLite::Database& db, std::int64_t object_id);

struct Counts {
  std::int64_t learnt = 0;   // forwarded once and known
  std::int64_t failing = 0;  // waiting for a retry
  std::int64_t unknown = 0;  // stored objects without a bot file id, never tried yet
};
Counts counts(SQLite::Database& db);

}  // namespace cmup::bot::learning
