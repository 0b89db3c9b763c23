#include "methods.hpp"

#include <algorithm>
#include <array>

namespace cmup::simtg {

namespace {

constexpr std::array kMethods = {
    MethodEntry{"getMe", get_me, false},
    MethodEntry{"sendMessage", send_message, true},
    MethodEntry{"sendVideo", send_video, true},
    MethodEntry{"sendDocument", send_document, true},
    MethodEntry{"sendMediaGroup", send_media_group, true},
    MethodEntry{"copyMessage", copy_message, true},
    MethodEntry{"copyMessages", copy_messages, true},
    MethodEntry{"forwardMessage", forward_message, true},
    MethodEntry{"deleteMessage", delete_message, false},
    MethodEntry{"editMessageText", edit_message_text, false},
    MethodEntry{"answerCallbackQuery", answer_callback_query, false},
    MethodEntry{"answerInlineQuery", answer_inline_query, false},
    MethodEntry{"getUpdates", get_updates, false},
    MethodEntry{"setWebhook", set_webhook, false},
    MethodEntry{"deleteWebhook", delete_webhook, false},
    MethodEntry{"getWebhookInfo", get_webhook_info, false},
    MethodEntry{"getChat", get_chat, false},
    MethodEntry{"getChatMember", get_chat_member, false},
    MethodEntry{"getChatAdministrators", get_chat_administrators, false},
    MethodEntry{"setMyCommands", set_my_commands, false},
    MethodEntry{"getMyCommands", get_my_commands, false},
    MethodEntry{"getFile", get_file, false},
};

bool iequals(const std::string& a, const char* b) {
  const std::string bs(b);
  return a.size() == bs.size() && std::equal(a.begin(), a.end(), bs.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const MethodEntry* find_method(const std::string& name) {
  for (const auto& m : kMethods) {
    if (iequals(name, m.name)) return &m;
  }
  return nullptr;
}

}  // namespace cmup::simtg
