#include "bot/update_inbox.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "db/database.hpp"
#include "util/clock.hpp"
#include "util/safe_text.hpp"

namespace cmup::bot {
namespace {

constexpr const char* kOffsetKey = "bot.update_offset";

std::string inbox_key(std::int64_t update_id) { return fmt::format("bot.inbox.{:020}", update_id); }

void put(SQLite::Database& db, const std::string& key, const std::string& value) {
  SQLite::Statement q(
      db,
      "INSERT INTO kv(key, value, updated_at) VALUES (?, ?, ?) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
  q.bind(1, key);
  q.bind(2, value);
  q.bind(3, static_cast<int64_t>(now_ms()));
  q.exec();
}

}  // namespace

std::int64_t UpdateInbox::offset(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT value FROM kv WHERE key = ?");
  q.bind(1, kOffsetKey);
  if (!q.executeStep()) return 0;
  try {
    return std::stoll(q.getColumn(0).getString());
  } catch (const std::exception&) {
    return 0;  // a hand-edited value: start over from what Telegram still holds
  }
}

std::vector<Update> UpdateInbox::accept(SQLite::Database& db, const nlohmann::json& updates) {
  std::vector<Update> fresh;
  if (!updates.is_array()) return fresh;
  return db::write_tx(db, [&] {
    std::int64_t off = offset(db);
    std::int64_t next = off;
    for (const auto& raw : updates) {
      Update u = parse_update(raw);
      if (u.update_id < 0 || u.update_id < off) continue;  // unusable, or already taken
      next = std::max(next, u.update_id + 1);
      if (u.kind == Update::Kind::Ignored) continue;
      put(db, inbox_key(u.update_id), safe_dump(raw));
      fresh.push_back(std::move(u));
    }
    if (next != off) put(db, kOffsetKey, std::to_string(next));
    return fresh;
  });
}

std::vector<Update> UpdateInbox::pending(SQLite::Database& db) {
  std::vector<Update> out;
  SQLite::Statement q(db,
                      "SELECT value FROM kv WHERE key >= 'bot.inbox.' AND key < 'bot.inbox/' ORDER BY key");
  while (q.executeStep()) {
    Update u = parse_update_bytes(q.getColumn(0).getString());
    if (u.kind != Update::Kind::Ignored) out.push_back(std::move(u));
  }
  return out;
}

void UpdateInbox::done(SQLite::Database& db, std::int64_t update_id) {
  SQLite::Statement q(db, "DELETE FROM kv WHERE key = ?");
  q.bind(1, inbox_key(update_id));
  q.exec();
}

}  // namespace cmup::bot
