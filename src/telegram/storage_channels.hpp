// Storage channels and upload accounts as the database knows them (tables storage_channels
// and accounts, 0001_core.sql).
//
// Channel choice, the documented rule: a variant goes to the enabled channel of its kind
// ("movie" | "tv") with the fewest bytes stored; ties go to the fewest files, then the
// smallest chat id (so the choice is deterministic). All parts of a variant go to the same
// channel: the queue stores the pick on upload_variants.channel_id at the first part and
// never picks again for that variant.
//
// Contract:
// - sync_channels() makes storage_channels match [[channels]]: new ones are inserted
//   enabled; a changed kind is updated; channels no longer configured are disabled with
//   disabled_reason "not in config" (rows stay: telegram_objects point at them); a channel
//   that is configured again is re-enabled only if it was disabled for that reason (one
//   disabled for rights stays disabled until enable_channel(), e.g. from `cmup doctor --enable`).
// - sync_accounts() makes accounts match [[accounts]] (limit: max_upload_bytes, else the
//   kind's limit); accounts no longer configured are disabled, never deleted (workers refer
//   to them); flood_until is kept.
// - pick_storage_channel() returns a chat id, or throws NoStorageChannel with what to do.
// - note_channel_success() records stored files (files + `files`, bytes, last_message_id = max)
//   and clears the failure count; note_channel_failure() counts a Rights failure and
//   disables the channel when the count reaches max_failures (returns true then), with a
//   reason that quotes Telegram's last refusal and names the command that re-enables it.
// - channel_fix() says what brings a disabled channel back (empty while it is enabled).
// None of these opens a transaction: each is one or a few statements, so the queue may call
// them inside its own db::write_tx (e.g. together with the write-back). A connection is for
// one thread at a time (SQLiteCpp).
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cmup {

struct AccountConfig;
struct ChannelConfig;

class NoStorageChannel : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StorageChannel {
  std::int64_t chat_id = 0;
  std::string kind;
  bool enabled = true;
  std::int64_t files_stored = 0;
  std::int64_t bytes_stored = 0;
  std::int64_t last_message_id = 0;
  int failures = 0;
  std::string disabled_reason;
};

void sync_channels(SQLite::Database& db, const std::vector<ChannelConfig>& channels);
void sync_accounts(SQLite::Database& db, const std::vector<AccountConfig>& accounts);

std::int64_t pick_storage_channel(SQLite::Database& db, const std::string& kind);

void note_channel_success(SQLite::Database& db, std::int64_t chat_id, std::int64_t message_id,
                          std::int64_t size_bytes, std::int64_t files = 1);
bool note_channel_failure(SQLite::Database& db, std::int64_t chat_id, const std::string& last_error,
                          int max_failures);
void enable_channel(SQLite::Database& db, std::int64_t chat_id);
std::string channel_fix(const StorageChannel& c);

std::vector<StorageChannel> list_channels(SQLite::Database& db);
std::optional<StorageChannel> find_channel(SQLite::Database& db, std::int64_t chat_id);

}  // namespace cmup
