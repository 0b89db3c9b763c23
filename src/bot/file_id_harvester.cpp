#include "bot/file_id_harvester.hpp"

#include <spdlog/spdlog.h>

namespace cmup::bot {

bool FileIdHarvester::record_channel_post(SQLite::Database& db, const Update& u) {
  if (u.kind != Update::Kind::ChannelPost || !u.file) return false;
  bool matched = store_bot_file_id(db, u.chat_id, u.message_id, u.file->file_unique_id, u.file->file_id);
  if (matched) spdlog::debug("bot: learnt own file id for message {} in {}", u.message_id, u.chat_id);
  return matched;
}

std::string FileIdHarvester::harvest(SQLite::Database& db, const StoredObject& o) {
  if (!can_harvest()) return {};
  try {
    auto msg = api_.send(index_chat_id_, "forwardMessage",
                         {{"chat_id", index_chat_id_},
                          {"from_chat_id", o.channel_id},
                          {"message_id", o.message_id},
                          {"disable_notification", true}});
    auto file = message_file(msg);
    if (!file) {
      spdlog::warn("bot: message {} in channel {} carries no file; is it still the stored upload?",
                   o.message_id, o.channel_id);
      return {};
    }
    if (!store_bot_file_id(db, o.channel_id, o.message_id, o.file_unique_id, file->file_id)) {
      spdlog::warn("bot: message {} in channel {} now holds a different file than recorded", o.message_id,
                   o.channel_id);
      return {};
    }
    return file->file_id;
  } catch (const BotApiError& e) {
    spdlog::warn(
        "bot: cannot forward message {} of channel {} into index chat {}: {}. Check that the bot is "
        "an admin of both.",
        o.message_id, o.channel_id, index_chat_id_, e.what());
    return {};
  }
}

int FileIdHarvester::harvest_missing(SQLite::Database& db, int limit) {
  if (!can_harvest()) return 0;
  int learnt = 0;
  for (const auto& o : objects_without_bot_file_id(db, limit))
    if (!harvest(db, o).empty()) ++learnt;
  return learnt;
}

}  // namespace cmup::bot
