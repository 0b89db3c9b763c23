#include "bot/update.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "util/safe_text.hpp"

namespace cmup::bot {
namespace {

using nlohmann::json;

const json* field(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

// (An out-parameter rather than std::optional: GCC's -Wmaybe-uninitialized misfires on
// optional<int64_t> once these calls are inlined.)
bool int_field(const json* j, const char* key, std::int64_t& out) {
  const json* f = j ? field(*j, key) : nullptr;
  if (!f || !f->is_number_integer()) return false;
  out = f->get<std::int64_t>();
  return true;
}

std::optional<std::string> str_field(const json& j, const char* key) {
  const json* f = field(j, key);
  if (!f || !f->is_string()) return std::nullopt;
  return f->get<std::string>();
}

Update parse_message(const json& m, Update u) {
  const json* chat = field(m, "chat");
  const json* from = field(m, "from");
  std::int64_t chat_id = 0, user_id = 0;
  auto text = str_field(m, "text");
  if (!int_field(chat, "id", chat_id) || !int_field(from, "id", user_id) || !text) return u;
  // The bot answers people, never other bots (and so never loops with one).
  const json* is_bot = from ? field(*from, "is_bot") : nullptr;
  if (is_bot && is_bot->is_boolean() && is_bot->get<bool>()) return u;
  u.kind = Update::Kind::Text;
  u.chat_id = chat_id;
  u.user_id = user_id;
  u.text = std::string(cut_utf8(*text, kMaxTextBytes));
  return u;
}

Update parse_callback(const json& c, Update u) {
  auto id = str_field(c, "id");
  auto data = str_field(c, "data");
  const json* from = field(c, "from");
  std::int64_t user_id = 0;
  if (!id || !data || !int_field(from, "id", user_id) || data->size() > kMaxCallbackDataBytes) return u;
  // The keyboard's message may be missing (inline mode, or too old): then the answer goes
  // to the user's private chat, whose id is the user id.
  const json* msg = field(c, "message");
  std::int64_t chat_id = user_id;
  std::int64_t message_id = 0;
  if (msg) {
    int_field(field(*msg, "chat"), "id", chat_id);
    int_field(msg, "message_id", message_id);
  }
  u.kind = Update::Kind::Callback;
  u.callback_id = *id;
  u.callback_data = *data;
  u.user_id = user_id;
  u.chat_id = chat_id;
  u.message_id = message_id;
  return u;
}

Update parse_channel_post(const json& m, Update u) {
  const json* chat = field(m, "chat");
  std::int64_t chat_id = 0, message_id = 0;
  auto file = message_file(m);
  if (!int_field(chat, "id", chat_id) || !int_field(&m, "message_id", message_id) || !file) return u;
  u.kind = Update::Kind::ChannelPost;
  u.chat_id = chat_id;
  u.message_id = message_id;
  u.file = std::move(file);
  return u;
}

Update parse_inline_query(const json& q, Update u) {
  auto id = str_field(q, "id");
  auto query = str_field(q, "query");
  auto offset = str_field(q, "offset");
  std::int64_t user_id = 0;
  if (!id || id->empty() || id->size() > 64 || !query || !int_field(field(q, "from"), "id", user_id)) return u;
  u.kind = Update::Kind::InlineQuery;
  u.inline_query_id = *id;
  u.text = std::string(cut_utf8(*query, kMaxTextBytes));  // Telegram: at most 256 characters
  u.inline_offset = offset && offset->size() <= 64 ? *offset : "";
  u.user_id = user_id;
  u.chat_id = user_id;  // one user's queries are handled in order, like a chat
  return u;
}

// A user blocked or unblocked the bot (Bot API: my_chat_member in their private chat).
// Group and channel membership changes are not the bot's business here.
Update parse_my_chat_member(const json& m, Update u) {
  const json* chat = field(m, "chat");
  const json* member = field(m, "new_chat_member");
  std::int64_t chat_id = 0, user_id = 0;
  auto type = chat ? str_field(*chat, "type") : std::nullopt;
  auto status = member ? str_field(*member, "status") : std::nullopt;
  if (!int_field(chat, "id", chat_id) || !int_field(field(m, "from"), "id", user_id) || type != "private" ||
      !status || status->size() > 32)
    return u;
  u.kind = Update::Kind::ChatMember;
  u.chat_id = chat_id;
  u.user_id = user_id;
  u.member_status = *status;
  return u;
}

}  // namespace

std::optional<MessageFile> message_file(const nlohmann::json& message) {
  for (const char* key : {"video", "document"}) {
    const json* f = field(message, key);
    if (!f) continue;
    auto id = str_field(*f, "file_id");
    auto uid = str_field(*f, "file_unique_id");
    if (!id || !uid || id->empty() || id->size() > 1024 || uid->size() > 1024) continue;
    return MessageFile{*id, *uid, std::string(key) == "video"};
  }
  return std::nullopt;
}

Update parse_update(const nlohmann::json& j) {
  Update u;
  u.arrived = std::chrono::steady_clock::now();
  std::int64_t id = -1;
  if (!int_field(&j, "update_id", id) || id < 0) return u;
  u.update_id = id;
  if (const json* m = field(j, "message")) return parse_message(*m, u);
  if (const json* c = field(j, "callback_query")) return parse_callback(*c, u);
  if (const json* p = field(j, "channel_post")) return parse_channel_post(*p, u);
  if (const json* q = field(j, "inline_query")) return parse_inline_query(*q, u);
  if (const json* m = field(j, "my_chat_member")) return parse_my_chat_member(*m, u);
  return u;  // edited messages, member updates...: nothing to do
}

Update parse_update_bytes(std::string_view body) {
  auto j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Update{};
  return parse_update(j);
}

Command parse_command(const std::string& text) {
  Command c;
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos || text[start] != '/') return c;
  size_t end = text.find_first_of(" \t\r\n", start);
  std::string word = text.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
  if (auto at = word.find('@'); at != std::string::npos) word.resize(at);
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char ch) { return std::tolower(ch); });
  c.name = word;
  if (end != std::string::npos) {
    auto a = text.find_first_not_of(" \t\r\n", end);
    auto b = text.find_last_not_of(" \t\r\n");
    if (a != std::string::npos) c.args = text.substr(a, b - a + 1);
  }
  return c;
}

}  // namespace cmup::bot
