// Learning the delivery bot's own file ids for stored messages (DESIGN.md §6), in the
// background: a delivery never waits for it (it copies from the storage channel meanwhile).
//
// File ids belong to the bot that received them. The bot learns its own id (1) from the
// channel_post update of a storage channel it administers (record_channel_post), or (2) for
// files another bot or account uploaded, by forwarding the stored message into its own index
// chat and reading the file from the returned Message (learn). copyMessage cannot teach it:
// it returns only a message id.
//
// Contract: learn() forwards only with a claim from file_id_learning (so each stored message
// is forwarded at most once, across threads and restarts, unless Telegram refused it or its
// outcome was lost); it records the outcome: the id, or the failure with its retry time. It
// returns the new id, or empty (no index chat, not granted, refused: logged, not thrown).
// learn_due() learns up to `limit` due objects and checks `stop` before each forward (and the
// forward itself is abandoned when `stop` turns true). record_channel_post() and learn() write
// telegram_objects.bot_file_id only when the message's file_unique_id matches the stored one.
// Thread-safe as long as each caller passes its own connection.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "bot/api_sender.hpp"
#include "bot/bot_catalog.hpp"
#include "bot/update.hpp"
#include "util/backoff.hpp"

namespace cmup::bot {

class FileIdHarvester {
 public:
  FileIdHarvester(ApiSender& api, std::int64_t index_chat_id, BackoffPolicy retry = {60, 6 * 3600, 0.25})
      : api_(api), index_chat_id_(index_chat_id), retry_(retry) {}

  // A channel_post the bot saw: returns whether it matched a stored object.
  bool record_channel_post(SQLite::Database& db, const Update& u);
  // Forwards the stored message into the index chat (if granted) and stores the file id.
  std::string learn(SQLite::Database& db, const StoredObject& o, const std::atomic<bool>* stop = nullptr);
  struct Round {
    int tried = 0;
    int learnt = 0;
  };
  // learn() for up to `limit` due objects.
  Round learn_due(SQLite::Database& db, int limit, const std::atomic<bool>& stop);

  bool can_harvest() const { return index_chat_id_ != 0; }

 private:
  ApiSender& api_;
  std::int64_t index_chat_id_;
  BackoffPolicy retry_;
};

}  // namespace cmup::bot
