// The Bot API methods the simulator implements, by (case-insensitive) name.
//
// Contract: a method takes the calling bot and its parameters and returns the `result`
// of a successful reply, or throws ApiError with Telegram's code and text. Methods lock
// Store::mu themselves (never held on entry) and save the state after a change.
// Thread-safe; getUpdates blocks its thread for up to `timeout` seconds.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "request.hpp"
#include "sim.hpp"

namespace cmup::simtg {

using MethodFn = nlohmann::json (*)(Sim& sim, const BotInfo& bot, Params& params);

struct MethodEntry {
  const char* name;  // canonical spelling, e.g. "sendVideo"
  MethodFn fn;
  bool sends;  // counts against the per-chat rate limits
};

// nullptr for an unknown method.
const MethodEntry* find_method(const std::string& name);

// methods_send.cpp
nlohmann::json send_message(Sim&, const BotInfo&, Params&);
nlohmann::json send_video(Sim&, const BotInfo&, Params&);
nlohmann::json send_document(Sim&, const BotInfo&, Params&);
nlohmann::json send_media_group(Sim&, const BotInfo&, Params&);
// methods_edit.cpp
nlohmann::json copy_message(Sim&, const BotInfo&, Params&);
nlohmann::json forward_message(Sim&, const BotInfo&, Params&);
nlohmann::json delete_message(Sim&, const BotInfo&, Params&);
nlohmann::json edit_message_text(Sim&, const BotInfo&, Params&);
// methods_copy_many.cpp
nlohmann::json copy_messages(Sim&, const BotInfo&, Params&);
// methods_info.cpp
nlohmann::json get_me(Sim&, const BotInfo&, Params&);
nlohmann::json get_chat(Sim&, const BotInfo&, Params&);
nlohmann::json get_chat_member(Sim&, const BotInfo&, Params&);
nlohmann::json get_chat_administrators(Sim&, const BotInfo&, Params&);
nlohmann::json set_my_commands(Sim&, const BotInfo&, Params&);
nlohmann::json get_my_commands(Sim&, const BotInfo&, Params&);
nlohmann::json get_file(Sim&, const BotInfo&, Params&);
nlohmann::json answer_callback_query(Sim&, const BotInfo&, Params&);
// methods_inline.cpp
nlohmann::json answer_inline_query(Sim&, const BotInfo&, Params&);
// methods_updates.cpp
nlohmann::json get_updates(Sim&, const BotInfo&, Params&);
nlohmann::json set_webhook(Sim&, const BotInfo&, Params&);
nlohmann::json delete_webhook(Sim&, const BotInfo&, Params&);
nlohmann::json get_webhook_info(Sim&, const BotInfo&, Params&);

}  // namespace cmup::simtg
