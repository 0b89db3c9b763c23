#include "render.hpp"

#include "file_ids.hpp"

namespace cmup::simtg {

using nlohmann::json;

json bot_user_json(const BotInfo& bot) {
  return {{"id", bot.id}, {"is_bot", true}, {"first_name", bot.first_name}, {"username", bot.username}};
}

json user_json(const UserInfo& user) {
  json j = {{"id", user.id}, {"is_bot", false}, {"first_name", user.first_name}};
  if (!user.username.empty()) j["username"] = user.username;
  return j;
}

json chat_json(Store& store, const ChatKey& key) {
  if (key.bot_id == 0) {
    const ChannelInfo* c = store.world.channel(key.chat_id);
    json j = {{"id", key.chat_id}, {"title", c ? c->title : ""}, {"type", "channel"}};
    if (c && !c->username.empty()) j["username"] = c->username;
    return j;
  }
  const UserInfo& u = store.user(key.chat_id);
  json j = {{"id", u.id}, {"first_name", u.first_name}, {"type", "private"}};
  if (!u.username.empty()) j["username"] = u.username;
  return j;
}

namespace {

json file_fields(Store& store, std::int64_t seq, std::int64_t viewer) {
  const StoredFile& f = store.st.files.at(seq);
  return {{"file_id", make_file_id(viewer, seq)}, {"file_unique_id", make_file_unique_id(seq)}, {"file_size", f.size}};
}

json thumb_json(Store& store, std::int64_t seq, std::int64_t viewer) {
  json t = file_fields(store, seq, viewer);
  const StoredFile& f = store.st.files.at(seq);
  t["width"] = f.width;
  t["height"] = f.height;
  return t;
}

}  // namespace

json message_json(Store& store, const Message& m, std::int64_t viewer, int depth) {
  json j = {{"message_id", m.message_id}};
  if (m.chat.bot_id == 0) {
    j["sender_chat"] = chat_json(store, m.chat);
  } else if (m.sender_kind == "bot") {
    const BotInfo* b = store.world.bot_by_id(m.sender_id);
    j["from"] = b ? bot_user_json(*b) : json{{"id", m.sender_id}, {"is_bot", true}};
  } else {
    j["from"] = user_json(store.user(m.sender_id));
  }
  j["chat"] = chat_json(store, m.chat);
  j["date"] = m.date;
  if (m.via_bot_id) {
    const BotInfo* b = store.world.bot_by_id(m.via_bot_id);
    j["via_bot"] = b ? bot_user_json(*b) : json{{"id", m.via_bot_id}, {"is_bot", true}};
  }
  if (m.edit_date) j["edit_date"] = m.edit_date;
  if (!m.forward_origin.is_null()) j["forward_origin"] = m.forward_origin;
  if (m.protect_content) j["has_protected_content"] = true;
  if (!m.media_group_id.empty()) j["media_group_id"] = m.media_group_id;
  if (m.reply_to_message_id && depth == 0) {
    if (const Message* r = store.find_message(m.chat, m.reply_to_message_id)) {
      j["reply_to_message"] = message_json(store, *r, viewer, depth + 1);
    }
  }
  if (m.media.kind.empty()) {
    j["text"] = m.text;
    if (!m.text.empty() && m.text[0] == '/') {
      const auto end = m.text.find(' ');
      const auto len = end == std::string::npos ? m.text.size() : end;
      j["entities"] = json::array({{{"offset", 0}, {"length", len}, {"type", "bot_command"}}});
    }
  } else {
    const StoredFile& f = store.st.files.at(m.media.file_seq);
    json media = file_fields(store, m.media.file_seq, viewer);
    if (!f.file_name.empty()) media["file_name"] = f.file_name;
    if (!f.mime_type.empty()) media["mime_type"] = f.mime_type;
    if (m.media.kind == "video") {
      media["duration"] = m.media.duration;
      media["width"] = m.media.width;
      media["height"] = m.media.height;
    }
    if (m.media.thumb_seq) {
      media["thumbnail"] = thumb_json(store, m.media.thumb_seq, viewer);
      media["thumb"] = media["thumbnail"];  // pre-6.6 name, still sent by the server
    }
    j[m.media.kind] = media;
    if (m.has_caption) j["caption"] = m.caption;
  }
  if (!m.reply_markup.is_null()) j["reply_markup"] = m.reply_markup;
  return j;
}

json admin_member_json(const BotInfo& bot, const AdminRights& r) {
  return {{"status", "administrator"},
          {"user", bot_user_json(bot)},
          {"can_be_edited", false},
          {"is_anonymous", false},
          {"can_manage_chat", true},
          {"can_delete_messages", r.can_delete_messages},
          {"can_manage_video_chats", r.can_manage_video_chats},
          {"can_restrict_members", r.can_restrict_members},
          {"can_promote_members", r.can_promote_members},
          {"can_change_info", r.can_change_info},
          {"can_invite_users", r.can_invite_users},
          {"can_post_stories", false},
          {"can_edit_stories", false},
          {"can_delete_stories", false},
          {"can_post_messages", r.can_post_messages},
          {"can_edit_messages", r.can_edit_messages}};
}

json control_message_json(Store& store, const Message& m, std::size_t index) {
  json j = {{"message_id", m.message_id}, {"index", index}, {"date", m.date}, {"deleted", m.deleted}};
  if (m.sender_kind == "bot") {
    const BotInfo* b = store.world.bot_by_id(m.sender_id);
    j["sender"] = {{"type", "bot"}, {"id", m.sender_id}, {"username", b ? b->username : ""}};
  } else {
    const UserInfo& u = store.user(m.sender_id);
    j["sender"] = {{"type", "user"}, {"id", u.id}, {"first_name", u.first_name}, {"username", u.username}};
  }
  if (m.via_bot_id) j["via_bot_id"] = m.via_bot_id;
  j["kind"] = m.media.kind.empty() ? "text" : m.media.kind;
  if (m.media.kind.empty()) j["text"] = m.text;
  if (m.has_caption) j["caption"] = m.caption;
  if (!m.media.kind.empty()) {
    const StoredFile& f = store.st.files.at(m.media.file_seq);
    json file = {{"file_name", f.file_name}, {"size", f.size}, {"sha256", f.sha256}, {"mime_type", f.mime_type},
                 {"file_unique_id", make_file_unique_id(f.seq)}, {"path", f.path},
                 {"duration", m.media.duration}, {"width", m.media.width}, {"height", m.media.height},
                 {"supports_streaming", m.media.supports_streaming}};
    if (m.media.thumb_seq) {
      const StoredFile& t = store.st.files.at(m.media.thumb_seq);
      file["thumbnail"] = {{"size", t.size}, {"sha256", t.sha256}, {"width", t.width}, {"height", t.height}};
    }
    j["file"] = file;
  }
  if (!m.media_group_id.empty()) j["media_group_id"] = m.media_group_id;
  if (!m.forward_origin.is_null()) j["forward_origin"] = m.forward_origin;
  if (!m.reply_markup.is_null()) j["reply_markup"] = m.reply_markup;
  if (m.edit_date) j["edit_date"] = m.edit_date;
  if (m.protect_content) j["protect_content"] = true;
  return j;
}

json control_chat_json(Store& store, const Chat& chat, bool with_messages) {
  json j = chat_json(store, chat.key);
  if (chat.key.bot_id != 0) {
    const BotInfo* b = store.world.bot_by_id(chat.key.bot_id);
    j["bot"] = b ? b->username : std::to_string(chat.key.bot_id);
  } else if (const ChannelInfo* c = store.world.channel(chat.key.chat_id)) {
    json admins = json::array();
    for (const auto& [id, r] : c->admins) {
      if (const BotInfo* b = store.world.bot_by_id(id)) admins.push_back(b->username);
    }
    j["admins"] = admins;
  }
  std::size_t live = 0;
  for (const auto& m : chat.messages) live += m.deleted ? 0 : 1;
  j["message_count"] = live;
  if (with_messages) {
    json msgs = json::array();
    for (std::size_t i = 0; i < chat.messages.size(); ++i) msgs.push_back(control_message_json(store, chat.messages[i], i));
    j["messages"] = msgs;
  }
  return j;
}

}  // namespace cmup::simtg
