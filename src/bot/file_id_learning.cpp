#include "bot/file_id_learning.hpp"

namespace cmup::bot::learning {

bool claim(SQLite::Database& db, std::int64_t object_id, std::int64_t now_ms) {
  // One statement: the insert, or the update's WHERE, decides which caller wins; the object
  // must still lack a bot file id (a channel_post may have brought it meanwhile).
  SQLite::Statement q(
      db,
      "INSERT INTO bot_file_id_learning(object_id, state, attempts, claimed_at) "
      "SELECT id, 'forwarding', 1, ?2 FROM telegram_objects WHERE id = ?1 AND bot_file_id IS NULL "
      "ON CONFLICT(object_id) DO UPDATE SET state = 'forwarding', attempts = attempts + 1, "
      "claimed_at = excluded.claimed_at "
      "WHERE (state = 'failed' AND next_attempt_at <= excluded.claimed_at) "
      "   OR (state = 'forwarding' AND claimed_at <= excluded.claimed_at - ?3)");
  q.bind(1, static_cast<int64_t>(object_id));
  q.bind(2, static_cast<int64_t>(now_ms));
  q.bind(3, static_cast<int64_t>(kStaleClaimMs));
  return q.exec() > 0;
}

void learnt(SQLite::Database& db, std::int64_t object_id) {
  SQLite::Statement q(
      db,
      "UPDATE bot_file_id_learning SET state = 'learnt', next_attempt_at = 0, last_error = NULL "
      "WHERE object_id = ?");
  q.bind(1, static_cast<int64_t>(object_id));
  q.exec();
}

void failed(SQLite::Database& db, std::int64_t object_id, std::int64_t now_ms, const std::string& error,
            const BackoffPolicy& policy) {
  SQLite::Statement a(db, "SELECT attempts FROM bot_file_id_learning WHERE object_id = ?");
  a.bind(1, static_cast<int64_t>(object_id));
  int attempts = a.executeStep() ? a.getColumn(0).getInt() : 1;
  SQLite::Statement q(db,
                      "UPDATE bot_file_id_learning SET state = 'failed', next_attempt_at = ?, last_error = ? "
                      "WHERE object_id = ?");
  q.bind(1, static_cast<int64_t>(now_ms + backoff_delay_ms_random(policy, attempts)));
  q.bind(2, error.substr(0, 500));
  q.bind(3, static_cast<int64_t>(object_id));
  q.exec();
}

void relearn(SQLite::Database& db, std::int64_t object_id) {
  // The file id Telegram gave was rejected later: one new forward is allowed at once.
  SQLite::Statement q(db,
                      "UPDATE bot_file_id_learning SET state = 'failed', next_attempt_at = 0, "
                      "last_error = 'file id rejected; learning again' WHERE object_id = ?");
  q.bind(1, static_cast<int64_t>(object_id));
  q.exec();
}

Counts counts(SQLite::Database& db) {
  Counts c;
  SQLite::Statement q(db,
                      "SELECT "
                      " (SELECT COUNT(*) FROM bot_file_id_learning WHERE state = 'learnt'),"
                      " (SELECT COUNT(*) FROM bot_file_id_learning WHERE state = 'failed'),"
                      " (SELECT COUNT(*) FROM telegram_objects o WHERE o.bot_file_id IS NULL AND NOT EXISTS"
                      "   (SELECT 1 FROM bot_file_id_learning l WHERE l.object_id = o.id))");
  if (q.executeStep()) {
    c.learnt = q.getColumn(0).getInt64();
    c.failing = q.getColumn(1).getInt64();
    c.unknown = q.getColumn(2).getInt64();
  }
  return c;
}

}  // namespace cmup::bot::learning
