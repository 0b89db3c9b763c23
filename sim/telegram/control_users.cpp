// Control API for what users do beyond writing: block or unblock a bot, type an inline
// query (`@bot query`), and choose one of the bot's inline results. Shapes are in
// docs/sim-telegram.md.
#include <chrono>

#include "control.hpp"
#include "inline_results.hpp"
#include "render.hpp"

namespace cmup::simtg {

using nlohmann::json;

void set_blocked_locked(Sim& sim, const BotInfo& bot, std::int64_t user_id, bool blocked) {
  Chat* c = sim.store.find_chat(ChatKey{user_id, bot.id});
  if (!c || c->blocked == blocked) return;
  c->blocked = blocked;
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const json me = bot_user_json(bot);
  const json update = {{"chat", chat_json(sim.store, c->key)},
                       {"from", user_json(sim.store.user(user_id))},
                       {"date", now},
                       {"old_chat_member", {{"status", blocked ? "member" : "kicked"}, {"user", me}}},
                       {"new_chat_member", {{"status", blocked ? "kicked" : "member"}, {"user", me}}}};
  sim.store.push_update(bot.id, "my_chat_member", update);
}

namespace {

json block(Sim& sim, const httplib::Request& req) {
  const json body = body_of(req);
  const BotInfo& bot = bot_of(sim, body);
  const std::int64_t user_id = body.at("user_id").get<std::int64_t>();
  const bool blocked = body.value("blocked", true);
  std::lock_guard lk(sim.store.mu);
  if (!sim.store.private_chat_started(bot.id, user_id))
    throw ControlError(404, "user " + std::to_string(user_id) + " never wrote to this bot");
  set_blocked_locked(sim, bot, user_id, blocked);
  sim.store.save_locked();
  return {{"ok", true}, {"blocked", blocked}};
}

json inline_query(Sim& sim, const httplib::Request& req) {
  const json body = body_of(req);
  const BotInfo& bot = bot_of(sim, body);
  if (!bot.inline_mode)
    throw ControlError(400,
                       "@" + bot.username +
                           " has no inline mode: users cannot type '@bot query' until it is enabled with "
                           "@BotFather /setinline (\"inline_mode\": true in the simulator config)");
  const std::int64_t user_id = body.at("user_id").get<std::int64_t>();
  if (user_id <= 0 || sim.world.bot_by_id(user_id))
    throw ControlError(400, "user_id must be a user's (positive) id");
  std::lock_guard lk(sim.store.mu);
  remember_user(sim.store, user_id, body);
  InlineQuery q;
  q.id = std::to_string(5000000000000000000ll + sim.store.st.next_inline++);
  q.bot_id = bot.id;
  q.user_id = user_id;
  q.query = body.value("query", "");
  q.offset = body.value("offset", "");
  q.created_ms = steady_now_ms();
  if (q.query.size() > 256) throw ControlError(400, "an inline query is at most 256 characters");
  sim.store.st.inline_queries[q.id] = q;
  const json iq = {{"id", q.id},
                   {"from", user_json(sim.store.user(user_id))},
                   {"query", q.query},
                   {"offset", q.offset},
                   {"chat_type", body.value("chat_type", "sender")}};
  const json update = sim.store.push_update(bot.id, "inline_query", iq);
  sim.store.save_locked();
  return {{"ok", true}, {"inline_query_id", q.id}, {"update", update}};
}

json inline_query_state(Sim& sim, const httplib::Request& req) {
  std::lock_guard lk(sim.store.mu);
  auto it = sim.store.st.inline_queries.find(req.matches[1].str());
  if (it == sim.store.st.inline_queries.end())
    throw ControlError(404, "no inline query " + req.matches[1].str());
  const InlineQuery& q = it->second;
  return {
      {"id", q.id}, {"query", q.query}, {"offset", q.offset}, {"answered", q.answered}, {"answer", q.answer}};
}

// The user taps a result: the client sends its message into the user's chat (here: the
// user's private chat with the bot), "via @bot", with the cached file: no upload.
json choose_inline_result(Sim& sim, const httplib::Request& req) {
  const json body = body_of(req);
  const std::string qid = body.value("inline_query_id", "");
  const std::string rid = body.value("result_id", "");
  std::lock_guard lk(sim.store.mu);
  auto it = sim.store.st.inline_queries.find(qid);
  if (it == sim.store.st.inline_queries.end()) throw ControlError(404, "no inline query " + qid);
  const InlineQuery& q = it->second;
  if (!q.answered) throw ControlError(409, "the bot has not answered inline query " + qid);
  const json* chosen = nullptr;
  for (const auto& r : q.answer["results"])
    if (r.value("id", "") == rid) chosen = &r;
  if (!chosen) throw ControlError(404, "inline query " + qid + " has no result '" + rid + "'");
  const BotInfo* bot = sim.world.bot_by_id(q.bot_id);
  const InlineResultFile f = inline_result_file(sim.store, *bot, *chosen);
  Message m;
  m.chat = ChatKey{q.user_id, q.bot_id};
  m.sender_kind = "user";
  m.sender_id = q.user_id;
  m.via_bot_id = q.bot_id;
  m.media.kind = f.kind;
  m.media.file_seq = f.file_seq;
  const StoredFile& sf = sim.store.st.files.at(f.file_seq);
  m.media.duration = sf.duration;
  m.media.width = sf.width;
  m.media.height = sf.height;
  m.media.thumb_seq = sf.thumb_seq;
  m.caption = chosen->value("caption", "");
  m.has_caption = !m.caption.empty();
  const Message& stored = sim.store.append(m);
  const Chat& chat = *sim.store.find_chat(m.chat);
  const json out = control_message_json(sim.store, stored, chat.messages.size() - 1);
  sim.store.save_locked();
  return {{"ok", true}, {"message", out}};
}

}  // namespace

void install_user_control_routes(httplib::Server& http, Sim& sim) {
  http.Post("/control/block", control(sim, block));
  http.Post("/control/inline_query", control(sim, inline_query));
  http.Get(R"(/control/inline_queries/(\d+))", control(sim, inline_query_state));
  http.Post("/control/choose_inline_result", control(sim, choose_inline_result));
}

}  // namespace cmup::simtg
