#include "bot/file_id_harvester.hpp"

#include <spdlog/spdlog.h>

#include "bot/file_id_learning.hpp"
#include "db/database.hpp"
#include "util/clock.hpp"

namespace cmup::bot {

bool FileIdHarvester::record_channel_post(SQLite::Database& db, const Update& u) {
  if (u.kind != Update::Kind::ChannelPost || !u.file) return false;
  bool matched = store_bot_file_id(db, u.chat_id, u.message_id, u.file->file_unique_id, u.file->file_id);
  if (matched) spdlog::debug("bot: learnt own file id for message {} in {}", u.message_id, u.chat_id);
  return matched;
}

std::string FileIdHarvester::learn(SQLite::Database& db, const StoredObject& o,
                                   const std::atomic<bool>* stop) {
  if (!can_harvest() || (stop && stop->load())) return {};
  // Recorded before the forward leaves: whatever happens next, no one forwards it again
  // until this attempt's outcome is written (or is known to be lost).
  if (!learning::claim(db, o.id, now_ms())) return {};
  auto give_up = [&](const std::string& why) {
    try {
      learning::failed(db, o.id, now_ms(), why, retry_);
    } catch (const std::exception& e) {
      spdlog::error("bot: cannot record a failed file id lookup of object {}: {}", o.id, e.what());
    }
    return std::string();
  };
  try {
    auto msg = api_.send(index_chat_id_, "forwardMessage",
                         {{"chat_id", index_chat_id_},
                          {"from_chat_id", o.channel_id},
                          {"message_id", o.message_id},
                          {"disable_notification", true}},
                         stop);
    auto file = message_file(msg);
    if (!file) {
      spdlog::warn("bot: message {} in channel {} carries no file; is it still the stored upload?",
                   o.message_id, o.channel_id);
      return give_up("the stored message carries no file");
    }
    std::string id = db::write_tx(db, [&] {
      if (!store_bot_file_id(db, o.channel_id, o.message_id, o.file_unique_id, file->file_id))
        return std::string();
      learning::learnt(db, o.id);
      return file->file_id;
    });
    if (id.empty()) {
      spdlog::warn("bot: message {} in channel {} now holds a different file than recorded", o.message_id,
                   o.channel_id);
      return give_up("the stored message holds a different file than recorded");
    }
    return id;
  } catch (const BotApiError& e) {
    if (!(stop && stop->load()))
      spdlog::warn(
          "bot: cannot forward message {} of channel {} into index chat {}: {}. Check that the bot is an "
          "admin "
          "of both; it is tried again later, and delivered by copyMessage meanwhile.",
          o.message_id, o.channel_id, index_chat_id_, e.what());
    return give_up(e.what());
  }
}

FileIdHarvester::Round FileIdHarvester::learn_due(SQLite::Database& db, int limit,
                                                  const std::atomic<bool>& stop) {
  Round r;
  if (!can_harvest()) return r;
  for (const auto& o : objects_due_for_learning(db, now_ms(), limit)) {
    if (stop.load()) break;
    ++r.tried;
    if (!learn(db, o, &stop).empty()) ++r.learnt;
  }
  return r;
}

}  // namespace cmup::bot
