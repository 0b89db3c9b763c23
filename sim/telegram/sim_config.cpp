#include "sim_config.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace cmup::simtg {

namespace {

std::string strip_at(const std::string& s) { return !s.empty() && s[0] == '@' ? s.substr(1) : s; }

[[noreturn]] void fail(const std::string& origin, const std::string& what) {
  throw std::runtime_error("simulator config " + origin + ": " + what);
}

AdminRights parse_rights(const nlohmann::json& j) {
  AdminRights r;
  r.can_post_messages = j.value("can_post_messages", r.can_post_messages);
  r.can_edit_messages = j.value("can_edit_messages", r.can_edit_messages);
  r.can_delete_messages = j.value("can_delete_messages", r.can_delete_messages);
  r.can_invite_users = j.value("can_invite_users", r.can_invite_users);
  r.can_change_info = j.value("can_change_info", r.can_change_info);
  r.can_promote_members = j.value("can_promote_members", r.can_promote_members);
  r.can_restrict_members = j.value("can_restrict_members", r.can_restrict_members);
  r.can_manage_video_chats = j.value("can_manage_video_chats", r.can_manage_video_chats);
  return r;
}

}  // namespace

const BotInfo* SimWorld::bot_by_token(const std::string& token) const {
  for (const auto& b : bots) {
    if (b.token == token) return &b;
  }
  return nullptr;
}
const BotInfo* SimWorld::bot_by_id(std::int64_t id) const {
  for (const auto& b : bots) {
    if (b.id == id) return &b;
  }
  return nullptr;
}
const BotInfo* SimWorld::bot_by_username(const std::string& username) const {
  const std::string u = strip_at(username);
  for (const auto& b : bots) {
    if (b.username == u) return &b;
  }
  return nullptr;
}
const ChannelInfo* SimWorld::channel(std::int64_t id) const {
  for (const auto& c : channels) {
    if (c.id == id) return &c;
  }
  return nullptr;
}
const ChannelInfo* SimWorld::channel_by_username(const std::string& username) const {
  const std::string u = strip_at(username);
  for (const auto& c : channels) {
    if (!c.username.empty() && c.username == u) return &c;
  }
  return nullptr;
}
const UserInfo* SimWorld::user(std::int64_t id) const {
  for (const auto& u : users) {
    if (u.id == id) return &u;
  }
  return nullptr;
}

SimWorld parse_sim_config(const std::string& json_text, const std::string& origin) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const std::exception& e) {
    fail(origin, std::string("not valid JSON: ") + e.what());
  }
  SimWorld w;
  for (const auto& b : j.value("bots", nlohmann::json::array())) {
    BotInfo bot;
    bot.id = b.at("id").get<std::int64_t>();
    bot.username = strip_at(b.at("username").get<std::string>());
    bot.first_name = b.value("first_name", bot.username);
    bot.token = b.at("token").get<std::string>();
    bot.local_mode = b.value("local_mode", false);
    bot.inline_mode = b.value("inline_mode", false);
    if (b.contains("max_upload_bytes")) bot.max_upload_bytes = b["max_upload_bytes"].get<std::uint64_t>();
    if (bot.id <= 0) fail(origin, "bot " + bot.username + ": id must be positive");
    if (bot.token.empty()) fail(origin, "bot " + bot.username + ": token is empty");
    if (w.bot_by_id(bot.id) || w.bot_by_token(bot.token) || w.bot_by_username(bot.username)) {
      fail(origin, "bot " + bot.username + ": duplicate id, token or username");
    }
    w.bots.push_back(bot);
  }
  for (const auto& u : j.value("users", nlohmann::json::array())) {
    UserInfo user;
    user.id = u.at("id").get<std::int64_t>();
    user.first_name = u.value("first_name", "User " + std::to_string(user.id));
    user.username = strip_at(u.value("username", ""));
    if (user.id <= 0 || w.user(user.id) || w.bot_by_id(user.id)) {
      fail(origin, "user " + std::to_string(user.id) + ": id must be positive and unique");
    }
    w.users.push_back(user);
  }
  for (const auto& c : j.value("channels", nlohmann::json::array())) {
    ChannelInfo ch;
    ch.id = c.at("id").get<std::int64_t>();
    ch.title = c.value("title", "Channel " + std::to_string(ch.id));
    ch.username = strip_at(c.value("username", ""));
    ch.owner_user_id = c.value("owner", std::int64_t{0});
    if (ch.id > -1000000000000LL) fail(origin, "channel " + std::to_string(ch.id) + ": ids look like -100xxxxxxxxxx");
    if (w.channel(ch.id)) fail(origin, "channel " + std::to_string(ch.id) + ": duplicate id");
    for (const auto& a : c.value("admins", nlohmann::json::array())) {
      const std::string name = a.is_string() ? a.get<std::string>() : a.at("bot").get<std::string>();
      const BotInfo* bot = w.bot_by_username(name);
      if (!bot) fail(origin, "channel " + ch.title + ": admin '" + name + "' is not a configured bot");
      ch.admins[bot->id] = a.is_object() ? parse_rights(a) : AdminRights{};
    }
    for (const auto& r : c.value("readers", nlohmann::json::array())) {
      if (r.is_number_integer()) {
        ch.members.insert(r.get<std::int64_t>());
      } else {
        const BotInfo* bot = w.bot_by_username(r.get<std::string>());
        if (!bot) fail(origin, "channel " + ch.title + ": reader '" + r.get<std::string>() + "' is not a bot");
        ch.members.insert(bot->id);
      }
    }
    w.channels.push_back(ch);
  }
  return w;
}

SimWorld load_sim_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("simulator config " + path.string() + ": cannot open (check --config)");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_sim_config(ss.str(), path.string());
}

}  // namespace cmup::simtg
