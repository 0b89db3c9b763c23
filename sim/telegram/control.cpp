// Control API (only with --control): inject what users do, read what chats hold, and
// steer faults and throttling. Shapes are documented in docs/sim-telegram.md.
#include <atomic>
#include <fstream>

#include "control.hpp"
#include "file_ids.hpp"
#include "files.hpp"
#include "posting.hpp"
#include "render.hpp"
#include "server.hpp"

namespace cmup::simtg {

using nlohmann::json;

namespace {

json user_message(Sim& sim, const httplib::Request& req) {
  const json body = body_of(req);
  const BotInfo& bot = bot_of(sim, body);
  const std::int64_t user_id = body.at("user_id").get<std::int64_t>();
  if (user_id <= 0 || sim.world.bot_by_id(user_id)) throw ControlError(400, "user_id must be a user's (positive) id");
  std::lock_guard lk(sim.store.mu);
  remember_user(sim.store, user_id, body);
  // A user who blocked the bot and writes again has unblocked it (the app's "Restart").
  set_blocked_locked(sim, bot, user_id, false);
  Message m;
  m.chat = ChatKey{user_id, bot.id};
  m.sender_kind = "user";
  m.sender_id = user_id;
  m.text = body.value("text", "");
  if (m.text.empty()) throw ControlError(400, "text is empty");
  const Message& stored = sim.store.append(m);
  const json msg = message_json(sim.store, stored, bot.id);
  const json update = sim.store.push_update(bot.id, "message", msg);
  sim.store.save_locked();
  return {{"ok", true}, {"message", msg}, {"update", update}};
}

json callback(Sim& sim, const httplib::Request& req) {
  const json body = body_of(req);
  const BotInfo& bot = bot_of(sim, body);
  const std::int64_t user_id = body.at("user_id").get<std::int64_t>();
  const std::int64_t message_id = body.at("message_id").get<std::int64_t>();
  std::lock_guard lk(sim.store.mu);
  const Message* m = sim.store.find_message(ChatKey{user_id, bot.id}, message_id);
  if (!m) throw ControlError(404, "no message " + std::to_string(message_id) + " in the private chat of this bot and user");
  CallbackQuery q;
  q.id = std::to_string(4000000000000000000ll + sim.store.st.next_callback++);
  q.bot_id = bot.id;
  q.user_id = user_id;
  q.message_id = message_id;
  q.data = body.value("data", "");
  sim.store.st.callbacks[q.id] = q;
  const json cq = {{"id", q.id},
                   {"from", user_json(sim.store.user(user_id))},
                   {"message", message_json(sim.store, *m, bot.id)},
                   {"chat_instance", std::to_string(bot.id * 31 + user_id)},
                   {"data", q.data}};
  const json update = sim.store.push_update(bot.id, "callback_query", cq);
  sim.store.save_locked();
  return {{"ok", true}, {"callback_query_id", q.id}, {"update", update}};
}

json callbacks(Sim& sim, const httplib::Request&) {
  std::lock_guard lk(sim.store.mu);
  json out = json::array();
  for (const auto& [id, q] : sim.store.st.callbacks) {
    const BotInfo* b = sim.world.bot_by_id(q.bot_id);
    out.push_back({{"id", id}, {"bot", b ? b->username : ""}, {"user_id", q.user_id}, {"message_id", q.message_id},
                   {"data", q.data}, {"answered", q.answered}, {"answer", q.answer}});
  }
  return out;
}

// Copies a file from the simulator's disk into the store, as a user account's upload.
std::int64_t store_user_file(Sim& sim, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ControlError(400, "cannot read file " + path);
  static std::atomic<std::uint64_t> counter{0};
  const auto tmp = sim.store.tmp_dir() / ("control-" + std::to_string(counter++));
  std::ofstream out(tmp, std::ios::binary);
  Sha256 h;
  std::uint64_t size = 0;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    out.write(buf.data(), static_cast<std::streamsize>(n));
    h.update(buf.data(), n);
    size += n;
  }
  out.close();
  const std::string name = std::filesystem::path(path).filename().string();
  std::lock_guard lk(sim.store.mu);
  return sim.store.adopt_file(tmp, size, h.hex_digest(), name, guess_mime(name, "")).seq;
}

json channel_post_as_user(Sim& sim, const httplib::Request& req) {
  const json body = body_of(req);
  const std::int64_t chat_id = body.at("chat_id").get<std::int64_t>();
  const std::int64_t user_id = body.at("user_id").get<std::int64_t>();
  const ChannelInfo* channel = sim.world.channel(chat_id);
  if (!channel) throw ControlError(404, "no channel " + std::to_string(chat_id) + " in the simulator config");
  Message m;
  m.chat = ChatKey{chat_id, 0};
  m.sender_kind = "user";
  m.sender_id = user_id;
  const std::string file = body.value("file", "");
  if (!file.empty()) {
    m.media.file_seq = store_user_file(sim, file);
    m.caption = body.value("caption", "");
    m.has_caption = !m.caption.empty();
    m.media.duration = body.value("duration", 0);
    m.media.width = body.value("width", 0);
    m.media.height = body.value("height", 0);
    m.media.supports_streaming = body.value("supports_streaming", false);
  } else {
    m.text = body.value("text", "");
    if (m.text.empty()) throw ControlError(400, "give text or file");
  }
  std::lock_guard lk(sim.store.mu);
  remember_user(sim.store, user_id, body);
  if (!file.empty()) {
    const std::string kind = body.value("kind", "");
    m.media.kind = kind.empty() ? video_kind(sim.store, m.media.file_seq) : kind;
  }
  const Message& stored = sim.store.append(m);
  // Posts by user accounts reach every admin bot as channel_post (with its own file_id).
  json updates = json::object();
  for (const auto& [bot_id, rights] : channel->admins) {
    const BotInfo* b = sim.world.bot_by_id(bot_id);
    if (!b) continue;
    updates[b->username] = sim.store.push_update(bot_id, "channel_post", message_json(sim.store, stored, bot_id));
  }
  sim.store.save_locked();
  const Chat& chat = *sim.store.find_chat(m.chat);
  return {{"ok", true}, {"message", control_message_json(sim.store, stored, chat.messages.size() - 1)},
          {"updates", updates}};
}

json chats(Sim& sim, const httplib::Request&) {
  std::lock_guard lk(sim.store.mu);
  json out = json::array();
  for (const auto& [key, chat] : sim.store.st.chats) out.push_back(control_chat_json(sim.store, chat, false));
  return out;
}

json chat_messages(Sim& sim, const httplib::Request& req) {
  const std::int64_t chat_id = std::stoll(req.matches[1].str());
  std::lock_guard lk(sim.store.mu);
  if (chat_id < 0) {
    const Chat* c = sim.store.find_chat(ChatKey{chat_id, 0});
    if (!c) throw ControlError(404, "no channel " + std::to_string(chat_id));
    return control_chat_json(sim.store, *c, true);
  }
  std::vector<const Chat*> found;
  const std::string bot = req.get_param_value("bot");
  for (const auto& [key, chat] : sim.store.st.chats) {
    if (key.chat_id != chat_id || key.bot_id == 0) continue;
    const BotInfo* b = sim.world.bot_by_id(key.bot_id);
    if (bot.empty() || (b && b->username == bot)) found.push_back(&chat);
  }
  if (found.empty()) throw ControlError(404, "no private chat with user " + std::to_string(chat_id));
  if (found.size() > 1) throw ControlError(400, "several bots talk with this user: add ?bot=<username>");
  return control_chat_json(sim.store, *found[0], true);
}

// A fault may name its bot by username ("bot") or by token ("token").
json fault_spec(Sim& sim, json f) {
  if (f.is_object() && f.contains("token")) {
    const BotInfo* b = sim.world.bot_by_token(f["token"].get<std::string>());
    if (!b) throw ControlError(404, "no bot with that token");
    f["bot"] = b->username;
    f.erase("token");
  }
  return f;
}

json add_faults(Sim& sim, const httplib::Request& req) {
  const json body = body_of(req);
  if (body.is_array()) {
    for (const auto& f : body) sim.faults.add(fault_spec(sim, f));
  } else {
    sim.faults.add(fault_spec(sim, body));
  }
  return {{"ok", true}, {"faults", sim.faults.list()}};
}

json throttle(Sim& sim, const httplib::Request& req) {
  const json body = body_of(req);
  const std::uint64_t bps = body.value("bytes_per_second", std::uint64_t{0});
  std::string bot = body.value("bot", "");
  if (body.contains("token")) {
    const BotInfo* b = sim.world.bot_by_token(body["token"].get<std::string>());
    if (!b) throw ControlError(404, "no bot with that token");
    bot = b->username;
  }
  if (bot.empty()) {
    sim.global_throttle.set(bps);
  } else {
    if (!sim.world.bot_by_username(bot)) throw ControlError(404, "no bot named '" + bot + "'");
    sim.bot_throttle(bot).set(bps);
  }
  return {{"ok", true}, {"bot", bot}, {"bytes_per_second", bps}};
}

json pending_updates(Sim& sim, const httplib::Request& req) {
  const BotInfo* b = sim.world.bot_by_username(req.matches[1].str());
  if (!b) throw ControlError(404, "no bot named '" + req.matches[1].str() + "'");
  std::lock_guard lk(sim.store.mu);
  return json(sim.store.st.bots[b->id].updates);
}

}  // namespace

void install_control_routes(httplib::Server& http, Sim& sim) {
  http.Post("/control/user_message", control(sim, user_message));
  http.Post("/control/callback", control(sim, callback));
  http.Get("/control/callbacks", control(sim, callbacks));
  http.Post("/control/channel_post_as_user", control(sim, channel_post_as_user));
  http.Get("/control/chats", control(sim, chats));
  http.Get(R"(/control/chats/(-?\d+)/messages)", control(sim, chat_messages));
  http.Post("/control/faults", control(sim, add_faults));
  http.Get("/control/faults", control(sim, [](Sim& s, const httplib::Request&) { return s.faults.list(); }));
  http.Delete("/control/faults", control(sim, [](Sim& s, const httplib::Request&) {
                s.faults.clear();
                return json{{"ok", true}};
              }));
  http.Post("/control/throttle", control(sim, throttle));
  http.Get("/control/stats", control(sim, [](Sim& s, const httplib::Request&) { return s.stats.json(); }));
  http.Get(R"(/control/updates/([A-Za-z0-9_]+))", control(sim, pending_updates));
  http.Get("/control/calls", control(sim, [](Sim& s, const httplib::Request&) { return s.calls.list(); }));
  http.Delete("/control/calls", control(sim, [](Sim& s, const httplib::Request&) {
                s.calls.clear();
                return json{{"ok", true}};
              }));
  install_user_control_routes(http, sim);
}

}  // namespace cmup::simtg
