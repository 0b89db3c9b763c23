#include "telegram/channel_check.hpp"

#include <nlohmann/json.hpp>

#include "telegram/bot_api.hpp"
#include "telegram/td_auth.hpp"
#include "telegram/td_client.hpp"
#include "telegram/td_requests.hpp"

namespace cmup {

namespace {

using nlohmann::json;

bool flag(const json& o, const char* key) { return o.is_object() && o.contains(key) && o[key] == true; }
std::string text(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : "";
}

RightsCheck fail(const std::string& who, std::int64_t chat, const std::string& role, std::string problem,
                 std::string fix) {
  return RightsCheck{who, chat, role, false, std::move(problem), std::move(fix)};
}

// Which of the needed rights a Bot API ChatMember lacks, as words for the operator.
std::vector<std::string> missing_bot_rights(const json& member, BotRole role, bool index) {
  std::vector<std::string> missing;
  const std::string status = text(member, "status");
  if (status == "creator") return missing;
  if (status != "administrator") {
    missing.push_back("administrator (it is " + (status.empty() ? std::string("unknown") : status) + ")");
    return missing;
  }
  if ((role == BotRole::Uploader || index) && !flag(member, "can_post_messages"))
    missing.push_back("Post messages");
  if (index && !flag(member, "can_delete_messages")) missing.push_back("Delete messages");
  return missing;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

RightsCheck check_bot_chat(BotApiClient& client, const std::string& who, std::int64_t bot_id, BotRole role,
                           std::int64_t chat, bool index) {
  const std::string r = index ? "index" : "storage";
  json chat_info;
  try {
    chat_info = client.call("getChat", {{"chat_id", chat}});
  } catch (const BotApiError& e) {
    return fail(who, chat, r, e.description,
                "add the bot to chat " + std::to_string(chat) + " as an administrator (or fix the chat id)");
  }
  // A private chat with a person (index chat) has no member rights to check.
  if (text(chat_info, "type") == "private") return RightsCheck{who, chat, r, true, "", ""};
  json member;
  try {
    member = client.call("getChatMember", {{"chat_id", chat}, {"user_id", bot_id}});
  } catch (const BotApiError& e) {
    return fail(who, chat, r, e.description, "make the bot an administrator of " + std::to_string(chat));
  }
  auto missing = missing_bot_rights(member, role, index);
  if (missing.empty()) return RightsCheck{who, chat, r, true, "", ""};
  return fail(who, chat, r, "missing: " + join(missing),
              "in the channel's settings, Administrators -> the bot: grant " + join(missing));
}

}  // namespace

std::vector<RightsCheck> check_bot(BotApiClient& client, const std::string& label, BotRole role,
                                   const std::vector<std::int64_t>& channels, std::int64_t index_chat_id) {
  std::vector<RightsCheck> out;
  json me;
  try {
    me = client.call("getMe", json::object());
  } catch (const BotApiError& e) {
    std::string fix = e.error_code == 401 ? "the token was refused: set the right one"
                                          : "check the Bot API URL and that the server is running";
    for (auto chat : channels) out.push_back(fail(label, chat, "storage", e.what(), fix));
    return out;
  }
  std::string who = label + " (@" + text(me, "username") + ")";
  std::int64_t bot_id = me.contains("id") && me["id"].is_number_integer() ? me["id"].get<std::int64_t>() : 0;
  for (auto chat : channels) out.push_back(check_bot_chat(client, who, bot_id, role, chat, false));
  if (index_chat_id != 0) out.push_back(check_bot_chat(client, who, bot_id, role, index_chat_id, true));
  return out;
}

std::vector<RightsCheck> check_tdlib(TdClient& client, const std::string& label,
                                     const std::vector<std::int64_t>& channels, double connect_timeout_s) {
  std::vector<RightsCheck> out;
  AuthLimits limits;
  limits.step_timeout_s = 30;
  limits.connect_timeout_s = connect_timeout_s;
  const std::string account = label.rfind("account ", 0) == 0 ? label.substr(8) : label;
  auto ask = [&](const json& query, const std::string& what) {
    return request_from_telegram(client, query, what, account, nullptr, limits);
  };
  json me;
  try {
    me = ask(td::get_me(), "asking who the account is");
  } catch (const std::exception& e) {
    for (auto chat : channels)
      out.push_back(fail(label, chat, "storage", e.what(), "run `cmup account login " + account + "`"));
    return out;
  }
  std::int64_t user_id = me.contains("id") && me["id"].is_number_integer() ? me["id"].get<std::int64_t>() : 0;
  std::string unreachable;  // once TDLib could not connect, the other chats fail the same way
  for (auto chat : channels) {
    if (!unreachable.empty()) {
      out.push_back(fail(label, chat, "storage", unreachable, "check this host's route to Telegram"));
      continue;
    }
    json member;
    try {
      try {
        ask(td::get_chat(chat), "looking up channel " + std::to_string(chat));
      } catch (const TdError&) {
        try {
          ask(td::load_chats(200), "loading the chat list");
        } catch (const TdError&) {
        }
      }
      member =
          ask(td::get_chat_member(chat, user_id), "checking the rights in channel " + std::to_string(chat));
    } catch (const TdAuthError& e) {
      unreachable = e.what();
      out.push_back(fail(label, chat, "storage", unreachable, "check this host's route to Telegram"));
      continue;
    } catch (const TdError& e) {
      out.push_back(fail(label, chat, "storage", e.message,
                         "add the account to channel " + std::to_string(chat) + " as an administrator"));
      continue;
    }
    const json status = member.contains("status") ? member["status"] : json();
    const std::string type = text(status, "@type");
    const json rights = status.contains("rights") ? status["rights"] : json();
    if (type == "chatMemberStatusCreator" ||
        (type == "chatMemberStatusAdministrator" && flag(rights, "can_post_messages"))) {
      out.push_back(RightsCheck{label, chat, "storage", true, "", ""});
    } else if (type == "chatMemberStatusAdministrator") {
      out.push_back(
          fail(label, chat, "storage", "missing: Post messages", "grant the account 'Post messages'"));
    } else {
      out.push_back(fail(label, chat, "storage", "missing: administrator (it is " + type + ")",
                         "make the account an administrator with 'Post messages'"));
    }
  }
  return out;
}

}  // namespace cmup
