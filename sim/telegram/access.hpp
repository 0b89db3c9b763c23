// Who may do what in which chat, with Telegram's refusals.
//
// Contract: resolve_chat() turns a chat_id parameter (integer, numeric string or
// @channelusername) into the ChatKey `bot` sees, or throws the error the real server
// gives: 400 "chat not found" (unknown chat), 403 "bot is not a member of the channel
// chat" (not in the channel), 400 "need administrator rights in the channel chat"
// (member without the right), 403 "bot can't initiate conversation with a user" (user
// never wrote to the bot), 403 "bot was blocked by the user" (posting into a private chat
// whose user blocked the bot). Call with Store::mu held.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "request.hpp"
#include "store.hpp"

namespace cmup::simtg {

enum class Need { read, post, edit, remove };

ChatKey resolve_chat(Store& store, const BotInfo& bot, const Params& params, const std::string& field, Need need);

// The chat id a call names, for fault filters and rate limits; never throws.
std::optional<std::int64_t> chat_id_hint(const Params& params);

// The rights `bot` has in a channel, or nullptr when it is not an admin there.
const AdminRights* admin_rights(const SimWorld& world, std::int64_t channel_id, std::int64_t bot_id);

}  // namespace cmup::simtg
