#include "telegram/storage_channels.hpp"

#include <SQLiteCpp/Statement.h>

#include <set>

#include "util/clock.hpp"
#include "util/config.hpp"

namespace cmup {

namespace {

constexpr const char* kNotInConfig = "not in config";

StorageChannel read_channel(SQLite::Statement& q) {
  StorageChannel c;
  c.chat_id = q.getColumn(0).getInt64();
  c.kind = q.getColumn(1).getString();
  c.enabled = q.getColumn(2).getInt() != 0;
  c.files_stored = q.getColumn(3).getInt64();
  c.bytes_stored = q.getColumn(4).getInt64();
  c.last_message_id = q.getColumn(5).getInt64();
  c.failures = q.getColumn(6).getInt();
  c.disabled_reason = q.getColumn(7).isNull() ? "" : q.getColumn(7).getString();
  return c;
}

constexpr const char* kColumns =
    "chat_id, kind, enabled, files_stored, bytes_stored, last_message_id, failures, disabled_reason";

}  // namespace

void sync_channels(SQLite::Database& db, const std::vector<ChannelConfig>& channels) {
  const auto now = now_ms();
  std::set<std::int64_t> configured;
  for (const auto& c : channels) {
    configured.insert(c.chat_id);
    SQLite::Statement up(
        db,
        "INSERT INTO storage_channels (chat_id, kind, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT(chat_id) DO UPDATE SET kind = excluded.kind, updated_at = excluded.updated_at, "
        "enabled = CASE WHEN disabled_reason = ? THEN 1 ELSE enabled END, "
        "disabled_reason = CASE WHEN disabled_reason = ? THEN NULL ELSE disabled_reason END");
    up.bind(1, c.chat_id);
    up.bind(2, c.kind);
    up.bind(3, now);
    up.bind(4, kNotInConfig);
    up.bind(5, kNotInConfig);
    up.exec();
  }
  SQLite::Statement all(db, "SELECT chat_id FROM storage_channels WHERE enabled = 1");
  std::vector<std::int64_t> gone;
  while (all.executeStep())
    if (!configured.count(all.getColumn(0).getInt64())) gone.push_back(all.getColumn(0).getInt64());
  for (auto id : gone) {
    SQLite::Statement off(db,
                          "UPDATE storage_channels SET enabled = 0, disabled_reason = ?, updated_at = ? "
                          "WHERE chat_id = ?");
    off.bind(1, kNotInConfig);
    off.bind(2, now);
    off.bind(3, id);
    off.exec();
  }
}

void sync_accounts(SQLite::Database& db, const std::vector<AccountConfig>& accounts) {
  const auto now = now_ms();
  std::set<std::string> configured;
  for (const auto& a : accounts) {
    configured.insert(a.name);
    std::int64_t limit = a.max_upload_bytes > 0 ? a.max_upload_bytes : account_kind_limit(a.kind);
    SQLite::Statement up(
        db,
        "INSERT INTO accounts (name, backend, kind, max_upload_bytes, concurrency, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET backend = excluded.backend, "
        "kind = excluded.kind, max_upload_bytes = excluded.max_upload_bytes, "
        "concurrency = excluded.concurrency, enabled = 1, updated_at = excluded.updated_at");
    up.bind(1, a.name);
    up.bind(2, a.backend);
    up.bind(3, a.kind);
    up.bind(4, limit);
    up.bind(5, a.concurrency);
    up.bind(6, now);
    up.exec();
  }
  SQLite::Statement all(db, "SELECT name FROM accounts WHERE enabled = 1");
  std::vector<std::string> gone;
  while (all.executeStep())
    if (!configured.count(all.getColumn(0).getString())) gone.push_back(all.getColumn(0).getString());
  for (const auto& name : gone) {
    SQLite::Statement off(db, "UPDATE accounts SET enabled = 0, updated_at = ? WHERE name = ?");
    off.bind(1, now);
    off.bind(2, name);
    off.exec();
  }
}

std::int64_t pick_storage_channel(SQLite::Database& db, const std::string& kind) {
  SQLite::Statement q(db,
                      "SELECT chat_id FROM storage_channels WHERE kind = ? AND enabled = 1 "
                      "ORDER BY bytes_stored, files_stored, chat_id LIMIT 1");
  q.bind(1, kind);
  if (q.executeStep()) return q.getColumn(0).getInt64();
  throw NoStorageChannel("no enabled storage channel of kind " + kind +
                         ": add a [[channels]] entry with kind = \"" + kind +
                         "\", or run `cmup doctor` to see why the configured ones are disabled");
}

void note_channel_success(SQLite::Database& db, std::int64_t chat_id, std::int64_t message_id,
                          std::int64_t size_bytes, std::int64_t files) {
  SQLite::Statement q(
      db,
      "UPDATE storage_channels SET files_stored = files_stored + ?, "
      "bytes_stored = bytes_stored + ?, last_message_id = max(last_message_id, ?), failures = 0, "
      "updated_at = ? WHERE chat_id = ?");
  q.bind(1, files);
  q.bind(2, size_bytes);
  q.bind(3, message_id);
  q.bind(4, now_ms());
  q.bind(5, chat_id);
  q.exec();
}

bool note_channel_failure(SQLite::Database& db, std::int64_t chat_id, const std::string& last_error,
                          int max_failures) {
  // The fix is not stored: channel_fix() says it wherever the reason is shown.
  const std::string reason =
      "refused uploads " + std::to_string(max_failures) + " times in a row; last: " + last_error;
  SQLite::Statement q(db,
                      "UPDATE storage_channels SET failures = failures + 1, updated_at = ?, "
                      "enabled = CASE WHEN failures + 1 >= ? THEN 0 ELSE enabled END, "
                      "disabled_reason = CASE WHEN failures + 1 >= ? THEN ? ELSE disabled_reason END "
                      "WHERE chat_id = ? RETURNING enabled");
  q.bind(1, now_ms());
  q.bind(2, max_failures);
  q.bind(3, max_failures);
  q.bind(4, reason);
  q.bind(5, chat_id);
  return q.executeStep() && q.getColumn(0).getInt() == 0;
}

void enable_channel(SQLite::Database& db, std::int64_t chat_id) {
  SQLite::Statement q(
      db,
      "UPDATE storage_channels SET enabled = 1, failures = 0, disabled_reason = NULL, updated_at = ? "
      "WHERE chat_id = ?");
  q.bind(1, now_ms());
  q.bind(2, chat_id);
  q.exec();
}

std::string channel_fix(const StorageChannel& c) {
  if (c.enabled) return "";
  if (c.disabled_reason == kNotInConfig) return "list it in [[channels]] again: the next start of `cmup serve` or `cmup worker` re-enables it";
  return "give every upload account \"Post messages\" in it (`cmup doctor` names what is missing), then run "
         "`cmup doctor --enable " +
         std::to_string(c.chat_id) + "`";
}

std::vector<StorageChannel> list_channels(SQLite::Database& db) {
  SQLite::Statement q(db,
                      std::string("SELECT ") + kColumns + " FROM storage_channels ORDER BY kind, chat_id");
  std::vector<StorageChannel> out;
  while (q.executeStep()) out.push_back(read_channel(q));
  return out;
}

std::optional<StorageChannel> find_channel(SQLite::Database& db, std::int64_t chat_id) {
  SQLite::Statement q(db, std::string("SELECT ") + kColumns + " FROM storage_channels WHERE chat_id = ?");
  q.bind(1, chat_id);
  if (q.executeStep()) return read_channel(q);
  return std::nullopt;
}

}  // namespace cmup
