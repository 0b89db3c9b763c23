#include "store.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cmup::simtg {

namespace {

using nlohmann::json;

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json to_json(const Message& m) {
  return {{"message_id", m.message_id},
          {"chat_id", m.chat.chat_id},
          {"bot_id", m.chat.bot_id},
          {"date", m.date},
          {"edit_date", m.edit_date},
          {"sender_kind", m.sender_kind},
          {"sender_id", m.sender_id},
          {"text", m.text},
          {"caption", m.caption},
          {"has_caption", m.has_caption},
          {"media",
           {{"kind", m.media.kind},
            {"file_seq", m.media.file_seq},
            {"thumb_seq", m.media.thumb_seq},
            {"duration", m.media.duration},
            {"width", m.media.width},
            {"height", m.media.height},
            {"supports_streaming", m.media.supports_streaming}}},
          {"reply_markup", m.reply_markup},
          {"forward_origin", m.forward_origin},
          {"media_group_id", m.media_group_id},
          {"reply_to_message_id", m.reply_to_message_id},
          {"protect_content", m.protect_content},
          {"deleted", m.deleted},
          {"via_bot_id", m.via_bot_id}};
}

Message message_from(const json& j) {
  Message m;
  m.message_id = j.at("message_id");
  m.chat = {j.at("chat_id"), j.at("bot_id")};
  m.date = j.at("date");
  m.edit_date = j.at("edit_date");
  m.sender_kind = j.at("sender_kind");
  m.sender_id = j.at("sender_id");
  m.text = j.at("text");
  m.caption = j.at("caption");
  m.has_caption = j.at("has_caption");
  const auto& md = j.at("media");
  m.media.kind = md.at("kind");
  m.media.file_seq = md.at("file_seq");
  m.media.thumb_seq = md.at("thumb_seq");
  m.media.duration = md.at("duration");
  m.media.width = md.at("width");
  m.media.height = md.at("height");
  m.media.supports_streaming = md.at("supports_streaming");
  m.reply_markup = j.at("reply_markup");
  m.forward_origin = j.at("forward_origin");
  m.media_group_id = j.at("media_group_id");
  m.reply_to_message_id = j.at("reply_to_message_id");
  m.protect_content = j.at("protect_content");
  m.deleted = j.at("deleted");
  m.via_bot_id = j.value("via_bot_id", std::int64_t{0});
  return m;
}

json state_to_json(const State& st) {
  json files = json::array();
  for (const auto& [seq, f] : st.files) {
    files.push_back({{"seq", f.seq},
                     {"path", f.path},
                     {"size", f.size},
                     {"sha256", f.sha256},
                     {"file_name", f.file_name},
                     {"mime_type", f.mime_type},
                     {"width", f.width},
                     {"height", f.height},
                     {"duration", f.duration},
                     {"thumb_seq", f.thumb_seq}});
  }
  json chats = json::array();
  for (const auto& [key, c] : st.chats) {
    json msgs = json::array();
    for (const auto& m : c.messages) msgs.push_back(to_json(m));
    chats.push_back({{"chat_id", key.chat_id},
                     {"bot_id", key.bot_id},
                     {"type", c.type},
                     {"next_message_id", c.next_message_id},
                     {"blocked", c.blocked},
                     {"messages", msgs}});
  }
  json users = json::array();
  for (const auto& [id, u] : st.users) {
    users.push_back({{"id", u.id}, {"first_name", u.first_name}, {"username", u.username}});
  }
  json bots = json::array();
  for (const auto& [id, b] : st.bots) {
    bots.push_back({{"id", id},
                    {"next_update_id", b.next_update_id},
                    {"updates", json(b.updates)},
                    {"allowed_updates", b.allowed_updates},
                    {"webhook_url", b.webhook_url},
                    {"webhook_secret", b.webhook_secret},
                    {"commands", b.commands}});
  }
  json callbacks = json::array();
  for (const auto& [id, c] : st.callbacks) {
    callbacks.push_back({{"id", c.id},
                         {"bot_id", c.bot_id},
                         {"user_id", c.user_id},
                         {"message_id", c.message_id},
                         {"data", c.data},
                         {"answered", c.answered},
                         {"answer", c.answer}});
  }
  return {{"version", 1},
          {"next_file_seq", st.next_file_seq},
          {"next_media_group", st.next_media_group},
          {"next_callback", st.next_callback},
          {"files", files},
          {"chats", chats},
          {"users", users},
          {"bots", bots},
          {"callbacks", callbacks}};
}

void state_from_json(const json& j, State& st) {
  st.next_file_seq = j.at("next_file_seq");
  st.next_media_group = j.at("next_media_group");
  st.next_callback = j.at("next_callback");
  for (const auto& f : j.at("files")) {
    StoredFile s;
    s.seq = f.at("seq");
    s.path = f.at("path");
    s.size = f.at("size");
    s.sha256 = f.at("sha256");
    s.file_name = f.at("file_name");
    s.mime_type = f.at("mime_type");
    s.width = f.at("width");
    s.height = f.at("height");
    s.duration = f.at("duration");
    s.thumb_seq = f.at("thumb_seq");
    st.files[s.seq] = s;
  }
  for (const auto& c : j.at("chats")) {
    Chat chat;
    chat.key = {c.at("chat_id"), c.at("bot_id")};
    chat.type = c.at("type");
    chat.next_message_id = c.at("next_message_id");
    chat.blocked = c.value("blocked", false);
    for (const auto& m : c.at("messages")) chat.messages.push_back(message_from(m));
    st.chats[chat.key] = std::move(chat);
  }
  for (const auto& u : j.at("users")) st.users[u.at("id")] = UserInfo{u.at("id"), u.at("first_name"), u.at("username")};
  for (const auto& b : j.at("bots")) {
    BotState& bs = st.bots[b.at("id").get<std::int64_t>()];
    bs.next_update_id = b.at("next_update_id");
    for (const auto& u : b.at("updates")) bs.updates.push_back(u);
    bs.allowed_updates = b.at("allowed_updates").get<std::vector<std::string>>();
    bs.webhook_url = b.at("webhook_url");
    bs.webhook_secret = b.at("webhook_secret");
    bs.commands = b.at("commands");
  }
  for (const auto& c : j.at("callbacks")) {
    CallbackQuery q;
    q.id = c.at("id");
    q.bot_id = c.at("bot_id");
    q.user_id = c.at("user_id");
    q.message_id = c.at("message_id");
    q.data = c.at("data");
    q.answered = c.at("answered");
    q.answer = c.at("answer");
    st.callbacks[q.id] = q;
  }
}

// Telegram's default when allowed_updates was never given: everything except these.
bool allowed_by_default(const std::string& type) {
  return type != "chat_member" && type != "message_reaction" && type != "message_reaction_count";
}

}  // namespace

Store::Store(const SimWorld& w, std::filesystem::path data_dir) : world(w), data_dir_(std::move(data_dir)) {
  std::filesystem::create_directories(files_dir());
  std::filesystem::create_directories(tmp_dir());
  // Leftovers of uploads cut short by a previous stop.
  for (const auto& e : std::filesystem::directory_iterator(tmp_dir())) std::filesystem::remove_all(e.path());
  for (const auto& u : world.users) st.users[u.id] = u;
  for (const auto& c : world.channels) st.chats[ChatKey{c.id, 0}] = Chat{ChatKey{c.id, 0}, "channel", 1, {}};
  for (const auto& b : world.bots) st.bots[b.id];
  load();
}

void Store::load() {
  const auto path = data_dir_ / "state.json";
  if (!std::filesystem::exists(path)) return;
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    State loaded = st;
    state_from_json(json::parse(ss.str()), loaded);
    st = std::move(loaded);
  } catch (const std::exception& e) {
    throw std::runtime_error("simulator state " + path.string() + " is unreadable (" + e.what() +
                             "); remove it or use a fresh --data-dir");
  }
}

void Store::save_locked() {
  const auto path = data_dir_ / "state.json";
  const auto tmp = data_dir_ / "state.json.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << state_to_json(st).dump();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, path);
}

Chat& Store::chat(const ChatKey& key) {
  auto it = st.chats.find(key);
  if (it != st.chats.end()) return it->second;
  Chat c{key, key.bot_id == 0 ? "channel" : "private", 1, {}};
  return st.chats.emplace(key, std::move(c)).first->second;
}

Chat* Store::find_chat(const ChatKey& key) {
  auto it = st.chats.find(key);
  return it == st.chats.end() ? nullptr : &it->second;
}

Message* Store::find_message(const ChatKey& key, std::int64_t message_id) {
  Chat* c = find_chat(key);
  if (!c || message_id < 1 || message_id > static_cast<std::int64_t>(c->messages.size())) return nullptr;
  Message& m = c->messages[static_cast<std::size_t>(message_id - 1)];
  return m.deleted ? nullptr : &m;
}

Message& Store::append(Message draft) {
  Chat& c = chat(draft.chat);
  draft.message_id = c.next_message_id++;
  draft.date = now_s();
  c.messages.push_back(std::move(draft));
  return c.messages.back();
}

const StoredFile& Store::adopt_file(const std::filesystem::path& tmp, std::uint64_t size, const std::string& sha256,
                                    const std::string& file_name, const std::string& mime_type) {
  StoredFile f;
  f.seq = st.next_file_seq++;
  f.path = (files_dir() / std::to_string(f.seq)).string();
  std::filesystem::rename(tmp, f.path);
  f.size = size;
  f.sha256 = sha256;
  f.file_name = file_name;
  f.mime_type = mime_type;
  return st.files.emplace(f.seq, f).first->second;
}

nlohmann::json Store::push_update(std::int64_t bot_id, const std::string& type, nlohmann::json payload) {
  BotState& b = st.bots[bot_id];
  const bool allowed = b.allowed_updates.empty()
                           ? allowed_by_default(type)
                           : std::find(b.allowed_updates.begin(), b.allowed_updates.end(), type) !=
                                 b.allowed_updates.end();
  if (!allowed) return nullptr;
  json u = {{"update_id", b.next_update_id++}, {type, std::move(payload)}};
  b.updates.push_back(u);
  updates_cv.notify_all();
  return u;
}

const UserInfo& Store::user(std::int64_t id) {
  auto it = st.users.find(id);
  if (it != st.users.end()) return it->second;
  return st.users.emplace(id, UserInfo{id, "User " + std::to_string(id), ""}).first->second;
}

bool Store::private_chat_started(std::int64_t bot_id, std::int64_t user_id) const {
  return st.chats.count(ChatKey{user_id, bot_id}) > 0;
}

}  // namespace cmup::simtg
