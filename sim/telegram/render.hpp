// Bot API object shapes (User, Chat, Message, Video, Document, ChatMember) as one bot
// sees them, plus the richer views the control API and chat viewer show.
//
// Contract: pure functions of the state; call with Store::mu held. File ids are rendered
// for `viewer_bot_id` (each bot gets its own file_id, the file_unique_id is shared).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "sim_config.hpp"
#include "store.hpp"

namespace cmup::simtg {

nlohmann::json bot_user_json(const BotInfo& bot);
nlohmann::json user_json(const UserInfo& user);
nlohmann::json chat_json(Store& store, const ChatKey& key);
nlohmann::json message_json(Store& store, const Message& m, std::int64_t viewer_bot_id, int depth = 0);
nlohmann::json admin_member_json(const BotInfo& bot, const AdminRights& r);

// Control / viewer: what a chat holds, with sizes, hashes and senders.
nlohmann::json control_chat_json(Store& store, const Chat& chat, bool with_messages);
nlohmann::json control_message_json(Store& store, const Message& m, std::size_t index);

}  // namespace cmup::simtg
