// getMe, getChat, getChatMember, getChatAdministrators, set/getMyCommands, getFile,
// answerCallbackQuery.
#include "access.hpp"
#include "api_error.hpp"
#include "file_ids.hpp"
#include "files.hpp"
#include "methods.hpp"
#include "render.hpp"

namespace cmup::simtg {

using nlohmann::json;

json get_me(Sim&, const BotInfo& bot, Params&) {
  json j = bot_user_json(bot);
  j["can_join_groups"] = true;
  j["can_read_all_group_messages"] = false;
  j["supports_inline_queries"] = false;
  j["can_connect_to_business"] = false;
  j["has_main_web_app"] = false;
  return j;
}

json get_chat(Sim& sim, const BotInfo& bot, Params& p) {
  std::lock_guard lk(sim.store.mu);
  const ChatKey key = resolve_chat(sim.store, bot, p, "chat_id", Need::read);
  json j = chat_json(sim.store, key);
  j["accent_color_id"] = 0;
  j["max_reaction_count"] = 11;
  return j;
}

json get_chat_member(Sim& sim, const BotInfo& bot, Params& p) {
  std::lock_guard lk(sim.store.mu);
  const ChatKey key = resolve_chat(sim.store, bot, p, "chat_id", Need::read);
  const auto user_id = p.int64("user_id");
  if (!user_id) throw bad_request("user_id is empty");  // real: "invalid user_id specified" for junk
  const BotInfo* as_bot = sim.world.bot_by_id(*user_id);
  const bool known_user = sim.store.st.users.count(*user_id) > 0;
  if (!as_bot && !known_user) throw bad_request("user not found");
  const json user = as_bot ? bot_user_json(*as_bot) : user_json(sim.store.user(*user_id));
  if (key.bot_id != 0) {  // private chat: its two members
    const bool member = *user_id == key.chat_id || *user_id == bot.id;
    return {{"status", member ? "member" : "left"}, {"user", user}};
  }
  const ChannelInfo* c = sim.world.channel(key.chat_id);
  if (as_bot) {
    if (const AdminRights* r = admin_rights(sim.world, c->id, as_bot->id)) return admin_member_json(*as_bot, *r);
  }
  if (*user_id == c->owner_user_id) return {{"status", "creator"}, {"user", user}, {"is_anonymous", false}};
  if (c->members.count(*user_id)) return {{"status", "member"}, {"user", user}};
  return {{"status", "left"}, {"user", user}};
}

json get_chat_administrators(Sim& sim, const BotInfo& bot, Params& p) {
  std::lock_guard lk(sim.store.mu);
  const ChatKey key = resolve_chat(sim.store, bot, p, "chat_id", Need::read);
  if (key.bot_id != 0) throw bad_request("there are no administrators in the private chat");
  const ChannelInfo* c = sim.world.channel(key.chat_id);
  json out = json::array();
  if (c->owner_user_id) {
    out.push_back({{"status", "creator"}, {"user", user_json(sim.store.user(c->owner_user_id))}, {"is_anonymous", false}});
  }
  for (const auto& [id, rights] : c->admins) {
    if (const BotInfo* b = sim.world.bot_by_id(id)) out.push_back(admin_member_json(*b, rights));
  }
  return out;
}

json set_my_commands(Sim& sim, const BotInfo& bot, Params& p) {
  const json commands = p.json_value("commands");
  if (!commands.is_array()) throw bad_request("can't parse commands JSON object");
  for (const auto& c : commands) {
    if (!c.is_object() || !c.contains("command") || !c.contains("description")) {
      throw bad_request("can't parse BotCommand JSON object");
    }
  }
  std::lock_guard lk(sim.store.mu);
  sim.store.st.bots[bot.id].commands = commands;
  sim.store.save_locked();
  return true;
}

json get_my_commands(Sim& sim, const BotInfo& bot, Params&) {
  std::lock_guard lk(sim.store.mu);
  return sim.store.st.bots[bot.id].commands;
}

json get_file(Sim& sim, const BotInfo& bot, Params& p) {
  const std::string file_id = p.str("file_id");
  if (file_id.empty()) throw bad_request("file_id not specified");
  const auto id = parse_file_id(file_id);
  std::lock_guard lk(sim.store.mu);
  if (!id || id->bot_id != bot.id || !sim.store.st.files.count(id->file_seq)) {
    throw bad_request("wrong file_id or the file is temporarily unavailable");
  }
  const StoredFile& f = sim.store.st.files.at(id->file_seq);
  if (!bot.local_mode && f.size > kCloudDownloadCap) throw bad_request(text::kFileTooBig);
  return {{"file_id", file_id},
          {"file_unique_id", make_file_unique_id(f.seq)},
          {"file_size", f.size},
          {"file_path", file_path_for(sim, bot, f)}};
}

json answer_callback_query(Sim& sim, const BotInfo& bot, Params& p) {
  const std::string id = p.str("callback_query_id");
  std::lock_guard lk(sim.store.mu);
  auto it = sim.store.st.callbacks.find(id);
  if (it == sim.store.st.callbacks.end() || it->second.bot_id != bot.id || it->second.answered) {
    throw bad_request("query is too old and response timeout expired or query ID is invalid");
  }
  it->second.answered = true;
  json answer = json::object();
  for (const char* k : {"text", "show_alert", "url", "cache_time"}) {
    if (p.has(k)) answer[k] = p.values.at(k);
  }
  it->second.answer = answer;
  sim.store.save_locked();
  return true;
}

}  // namespace cmup::simtg
