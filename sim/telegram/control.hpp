// Helpers of the control API (only with --control), shared by control.cpp and
// control_users.cpp. Shapes are documented in docs/sim-telegram.md.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "server.hpp"
#include "sim.hpp"

namespace cmup::simtg {

struct ControlError : std::runtime_error {
  ControlError(int status, const std::string& what) : std::runtime_error(what), status(status) {}
  int status;
};

inline nlohmann::json body_of(const httplib::Request& req) {
  if (req.body.empty()) return nlohmann::json::object();
  try {
    return nlohmann::json::parse(req.body);
  } catch (const std::exception&) {
    throw ControlError(400, "body is not valid JSON");
  }
}

inline const BotInfo& bot_of(Sim& sim, const nlohmann::json& body) {
  const std::string name = body.value("bot", "");
  const BotInfo* b = sim.world.bot_by_username(name);
  if (!b) throw ControlError(404, "no bot named '" + name + "' in the simulator config");
  return *b;
}

// Runs a control handler, turning errors into {"ok":false,"error":...}.
template <typename F>
httplib::Server::Handler control(Sim& sim, F f) {
  return [&sim, f](const httplib::Request& req, httplib::Response& res) {
    try {
      reply_json(res, 200, f(sim, req));
    } catch (const ControlError& e) {
      reply_json(res, e.status, {{"ok", false}, {"error", e.what()}});
    } catch (const std::exception& e) {
      reply_json(res, 400, {{"ok", false}, {"error", e.what()}});
    }
  };
}

inline void remember_user(Store& store, std::int64_t user_id, const nlohmann::json& body) {
  UserInfo& u = store.st.users[user_id];
  u.id = user_id;
  if (body.contains("first_name")) u.first_name = body["first_name"].get<std::string>();
  if (u.first_name.empty()) u.first_name = "User " + std::to_string(user_id);
  if (body.contains("username")) u.username = body["username"].get<std::string>();
}

// Blocks or unblocks the bot for a user (a private chat that exists), and tells the bot as
// Telegram does, with a my_chat_member update (kicked / member). No-op when unchanged.
// Call with Store::mu held.
void set_blocked_locked(Sim& sim, const BotInfo& bot, std::int64_t user_id, bool blocked);

// control_users.cpp: /control/block, /control/inline_query, /control/inline_queries/<id>,
// /control/choose_inline_result.
void install_user_control_routes(httplib::Server& http, Sim& sim);

}  // namespace cmup::simtg
