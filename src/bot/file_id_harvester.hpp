// Learning the delivery bot's own file ids for stored messages (DESIGN.md §6).
//
// File ids belong to the bot that received them. The bot learns its own id (1) from the
// channel_post update of a storage channel it administers (record_channel_post), or (2) for
// files another bot uploaded, which never reach it as channel_post, by forwarding the stored
// message once into its own index chat and reading the file from the returned Message
// (harvest). copyMessage cannot teach it: it returns only a message id.
//
// Contract: record_channel_post() and harvest() write telegram_objects.bot_file_id only when
// the message's file_unique_id matches the stored one; harvest() returns the new id, or empty
// when there is no index chat or Telegram refused (the error is logged, not thrown).
// Thread-safe as long as each caller passes its own connection.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>

#include "bot/api_sender.hpp"
#include "bot/bot_catalog.hpp"
#include "bot/update.hpp"

namespace cmup::bot {

class FileIdHarvester {
 public:
  FileIdHarvester(ApiSender& api, std::int64_t index_chat_id) : api_(api), index_chat_id_(index_chat_id) {}

  // A channel_post the bot saw: returns whether it matched a stored object.
  bool record_channel_post(SQLite::Database& db, const Update& u);
  // Forwards the stored message into the index chat and stores the file id it carries.
  std::string harvest(SQLite::Database& db, const StoredObject& o);
  // harvest() for up to `limit` objects without a bot file id; returns how many were learnt.
  int harvest_missing(SQLite::Database& db, int limit);

  bool can_harvest() const { return index_chat_id_ != 0; }

 private:
  ApiSender& api_;
  std::int64_t index_chat_id_;
};

}  // namespace cmup::bot
