// The bot's durable record of received updates, so a restart neither loses nor repeats one.
//
// getUpdates confirms everything below the offset it is given. The bot therefore writes, in
// ONE transaction, every actionable update of a batch into the kv table (key
// "bot.inbox.<update_id, zero-padded>") together with the next offset ("bot.update_offset"),
// before handling any of them; each is removed once handled. A restart first handles what
// is left in the inbox, then polls from the stored offset. The same applies to webhook
// updates, where the offset also drops Telegram's re-deliveries of an update already taken.
//
// Contract: accept() returns the updates that are new (update_id >= offset) and actionable;
// Ignored ones only move the offset. Throws SQLite::Exception when the database is unwritable
// (then nothing was accepted and Telegram will send the batch again). Thread-safe with one
// connection per caller.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <vector>

#include "bot/update.hpp"

namespace cmup::bot {

class UpdateInbox {
 public:
  static std::int64_t offset(SQLite::Database& db);
  // Parses, filters and stores a batch (the `result` array of getUpdates, or one webhook body).
  static std::vector<Update> accept(SQLite::Database& db, const nlohmann::json& updates);
  // Updates accepted but not yet handled (after a crash or stop), oldest first.
  static std::vector<Update> pending(SQLite::Database& db);
  static void done(SQLite::Database& db, std::int64_t update_id);
};

}  // namespace cmup::bot
