// sendMessage, sendVideo, sendDocument, sendMediaGroup.
#include "access.hpp"
#include "api_error.hpp"
#include "files.hpp"
#include "methods.hpp"
#include "posting.hpp"
#include "render.hpp"

namespace cmup::simtg {

using nlohmann::json;

namespace {

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

ChatKey chat_for_post(Sim& sim, const BotInfo& bot, const Params& p) {
  std::lock_guard lk(sim.store.mu);
  return resolve_chat(sim.store, bot, p, "chat_id", Need::post);
}

std::int64_t thumbnail_of(Sim& sim, Params& p, const json& item = nullptr) {
  for (const char* name : {"thumbnail", "thumb"}) {
    if (!item.is_null()) {
      if (item.contains(name) && item[name].is_string()) return resolve_thumbnail(sim, p, item[name].get<std::string>());
      continue;
    }
    if (p.upload(name)) return resolve_thumbnail(sim, p, name);
    const std::string v = p.str(name);
    if (!v.empty()) return resolve_thumbnail(sim, p, v);
  }
  return 0;
}

// Telegram keeps a video's attributes and thumbnail with the file: a re-send by file_id
// without them shows the first ones.
void remember_attributes(Store& store, Media& media) {
  StoredFile& f = store.st.files.at(media.file_seq);
  if (f.duration == 0 && f.width == 0 && f.thumb_seq == 0) {
    f.duration = media.duration;
    f.width = media.width;
    f.height = media.height;
    f.thumb_seq = media.thumb_seq;
    return;
  }
  if (media.duration == 0) media.duration = f.duration;
  if (media.width == 0 && media.height == 0) {
    media.width = f.width;
    media.height = f.height;
  }
  if (media.thumb_seq == 0) media.thumb_seq = f.thumb_seq;
}

json send_media(Sim& sim, const BotInfo& bot, Params& p, const std::string& field) {
  const ChatKey key = chat_for_post(sim, bot, p);
  Message m = bot_draft(bot, key, p);
  if (p.has("caption")) {
    m.caption = p.str("caption");
    m.has_caption = !m.caption.empty();
    check_caption(m.caption);
  }
  m.media.file_seq = resolve_input_file(sim, bot, p, field, p.upload(field) ? "" : p.str(field));
  m.media.thumb_seq = thumbnail_of(sim, p);
  if (field == "video") {
    m.media.duration = static_cast<int>(p.int64("duration").value_or(0));
    m.media.width = static_cast<int>(p.int64("width").value_or(0));
    m.media.height = static_cast<int>(p.int64("height").value_or(0));
    m.media.supports_streaming = p.boolean("supports_streaming");
    std::lock_guard lk(sim.store.mu);
    m.media.kind = video_kind(sim.store, m.media.file_seq);
  } else {
    m.media.kind = "document";
  }
  {
    std::lock_guard lk(sim.store.mu);
    remember_attributes(sim.store, m.media);
  }
  return post_messages(sim, bot, {m}).at(0);
}

}  // namespace

Message bot_draft(const BotInfo& bot, const ChatKey& key, const Params& p) {
  Message m;
  m.chat = key;
  m.sender_kind = "bot";
  m.sender_id = bot.id;
  m.protect_content = p.boolean("protect_content");
  m.reply_markup = p.json_value("reply_markup");
  if (auto r = p.int64("reply_to_message_id")) m.reply_to_message_id = *r;
  const json rp = p.json_value("reply_parameters");
  if (rp.is_object() && rp.contains("message_id")) m.reply_to_message_id = rp["message_id"].get<std::int64_t>();
  return m;
}

void check_caption(const std::string& caption) {
  if (utf8_length(caption) > kMaxCaptionLength) throw bad_request("message caption is too long");
}

std::string video_kind(Store& store, std::int64_t file_seq) {
  const StoredFile& f = store.st.files.at(file_seq);
  return f.mime_type == "video/mp4" ? "video" : "document";
}

json post_messages(Sim& sim, const BotInfo& bot, std::vector<Message> drafts) {
  std::lock_guard lk(sim.store.mu);
  json out = json::array();
  for (auto& d : drafts) {
    if (d.reply_to_message_id && !sim.store.find_message(d.chat, d.reply_to_message_id)) {
      throw bad_request("message to be replied not found");
    }
  }
  // Rendered one by one: a later append may move earlier messages in memory.
  for (auto& d : drafts) out.push_back(message_json(sim.store, sim.store.append(std::move(d)), bot.id));
  sim.store.save_locked();
  return out;
}

json send_message(Sim& sim, const BotInfo& bot, Params& p) {
  const ChatKey key = chat_for_post(sim, bot, p);
  Message m = bot_draft(bot, key, p);
  m.text = p.str("text");
  if (m.text.empty()) throw bad_request("message text is empty");
  if (utf8_length(m.text) > kMaxTextLength) throw bad_request("message is too long");
  return post_messages(sim, bot, {m}).at(0);
}

json send_video(Sim& sim, const BotInfo& bot, Params& p) { return send_media(sim, bot, p, "video"); }
json send_document(Sim& sim, const BotInfo& bot, Params& p) { return send_media(sim, bot, p, "document"); }

json send_media_group(Sim& sim, const BotInfo& bot, Params& p) {
  const ChatKey key = chat_for_post(sim, bot, p);
  const json media = p.json_value("media");
  if (!media.is_array() || media.size() < 2 || media.size() > 10) {
    throw bad_request("media must include 2-10 items");
  }
  bool any_document = false;
  bool any_other = false;
  for (const auto& item : media) {
    const std::string type = item.is_object() ? item.value("type", "") : "";
    if (type != "video" && type != "document") throw bad_request("unsupported media type");
    (type == "document" ? any_document : any_other) = true;
  }
  if (any_document && any_other) throw bad_request("can't use the media of the specified type in the album");
  std::vector<Message> drafts;
  std::string group_id;
  {
    std::lock_guard lk(sim.store.mu);
    group_id = std::to_string(13000000000000000000ull + static_cast<std::uint64_t>(sim.store.st.next_media_group++));
  }
  for (const auto& item : media) {
    Message m = bot_draft(bot, key, p);
    m.reply_markup = nullptr;  // albums carry no keyboard
    m.media_group_id = group_id;
    const std::string type = item.value("type", "");
    if (item.contains("caption")) {
      m.caption = item["caption"].get<std::string>();
      m.has_caption = !m.caption.empty();
      check_caption(m.caption);
    }
    const std::string value = item.contains("media") && item["media"].is_string() ? item["media"].get<std::string>() : "";
    if (value.empty()) throw bad_request("media not found");
    m.media.file_seq = resolve_input_file(sim, bot, p, "media", value);
    m.media.thumb_seq = thumbnail_of(sim, p, item);
    if (type == "video") {
      m.media.duration = item.value("duration", 0);
      m.media.width = item.value("width", 0);
      m.media.height = item.value("height", 0);
      m.media.supports_streaming = item.value("supports_streaming", false);
      std::lock_guard lk(sim.store.mu);
      m.media.kind = video_kind(sim.store, m.media.file_seq);
    } else {
      m.media.kind = "document";
    }
    {
      std::lock_guard lk(sim.store.mu);
      remember_attributes(sim.store, m.media);
    }
    drafts.push_back(std::move(m));
  }
  return post_messages(sim, bot, std::move(drafts));
}

}  // namespace cmup::simtg
