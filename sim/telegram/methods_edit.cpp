// copyMessage, forwardMessage, deleteMessage, editMessageText: methods on messages that
// already exist.
#include "access.hpp"
#include "api_error.hpp"
#include "methods.hpp"
#include "posting.hpp"
#include "render.hpp"

namespace cmup::simtg {

using nlohmann::json;

namespace {

struct Source {
  ChatKey dest;
  Message copy;  // the source message, as a draft in `dest`
  json origin;   // forward_origin of the source
};

// Reads from_chat_id/message_id and chat_id; the bot must see the source and may post
// in the destination.
Source take_source(Sim& sim, const BotInfo& bot, const Params& p, const char* verb) {
  std::lock_guard lk(sim.store.mu);
  const ChatKey from = resolve_chat(sim.store, bot, p, "from_chat_id", Need::read);
  const ChatKey dest = resolve_chat(sim.store, bot, p, "chat_id", Need::post);
  const auto id = p.int64("message_id");
  if (!id) throw bad_request("message identifier is not specified");
  const Message* src = sim.store.find_message(from, *id);
  if (!src) throw bad_request(std::string("message to ") + verb + " not found");
  if (src->protect_content) throw bad_request(std::string("message has protected content and can't be ") + verb + "ed");
  Source s{dest, *src, nullptr};
  if (from.bot_id == 0) {
    s.origin = {{"type", "channel"}, {"chat", chat_json(sim.store, from)}, {"message_id", src->message_id},
                {"date", src->date}};
  } else if (src->sender_kind == "bot") {
    const BotInfo* b = sim.store.world.bot_by_id(src->sender_id);
    s.origin = {{"type", "user"}, {"sender_user", b ? bot_user_json(*b) : json{{"id", src->sender_id}}},
                {"date", src->date}};
  } else {
    s.origin = {{"type", "user"}, {"sender_user", user_json(sim.store.user(src->sender_id))}, {"date", src->date}};
  }
  if (!src->forward_origin.is_null()) s.origin = src->forward_origin;  // forwarding a forward keeps the origin
  return s;
}

Message redraft(const BotInfo& bot, const Source& s, const Params& p) {
  Message m = bot_draft(bot, s.dest, p);
  m.text = s.copy.text;
  m.caption = s.copy.caption;
  m.has_caption = s.copy.has_caption;
  m.media = s.copy.media;
  return m;
}

}  // namespace

json forward_message(Sim& sim, const BotInfo& bot, Params& p) {
  Source s = take_source(sim, bot, p, "forward");
  Message m = redraft(bot, s, p);
  m.reply_markup = nullptr;
  m.forward_origin = s.origin;
  return post_messages(sim, bot, {m}).at(0);
}

json copy_message(Sim& sim, const BotInfo& bot, Params& p) {
  Source s = take_source(sim, bot, p, "copy");
  Message m = redraft(bot, s, p);
  if (p.has("caption")) {
    m.caption = p.str("caption");
    m.has_caption = !m.caption.empty() && !m.media.kind.empty();
    check_caption(m.caption);
  }
  const json posted = post_messages(sim, bot, {m}).at(0);
  return {{"message_id", posted.at("message_id")}};
}

json delete_message(Sim& sim, const BotInfo& bot, Params& p) {
  std::lock_guard lk(sim.store.mu);
  const ChatKey key = resolve_chat(sim.store, bot, p, "chat_id", Need::read);
  const auto id = p.int64("message_id");
  if (!id) throw bad_request("message identifier is not specified");
  Message* m = sim.store.find_message(key, *id);
  if (!m) throw bad_request("message to delete not found");
  if (key.bot_id == 0) {
    const AdminRights* r = admin_rights(sim.world, key.chat_id, bot.id);
    const bool own = m->sender_kind == "bot" && m->sender_id == bot.id;
    if (!r || !(r->can_delete_messages || (own && r->can_post_messages))) throw bad_request("message can't be deleted");
  }
  m->deleted = true;
  sim.store.save_locked();
  return true;
}

json edit_message_text(Sim& sim, const BotInfo& bot, Params& p) {
  if (p.has("inline_message_id")) throw bad_request("inline messages are not simulated");
  std::lock_guard lk(sim.store.mu);
  const ChatKey key = resolve_chat(sim.store, bot, p, "chat_id", Need::read);
  const auto id = p.int64("message_id");
  if (!id) throw bad_request("message identifier is not specified");
  Message* m = sim.store.find_message(key, *id);
  if (!m) throw bad_request("message to edit not found");
  const bool own = m->sender_kind == "bot" && m->sender_id == bot.id;
  const AdminRights* r = key.bot_id == 0 ? admin_rights(sim.world, key.chat_id, bot.id) : nullptr;
  if (!own && !(r && r->can_edit_messages)) throw bad_request("message can't be edited");
  if (!m->media.kind.empty()) throw bad_request("there is no text in the message to edit");
  const std::string text = p.str("text");
  if (text.empty()) throw bad_request("message text is empty");
  const json markup = p.json_value("reply_markup");
  if (text == m->text && markup == m->reply_markup) {
    throw bad_request(
        "message is not modified: specified new message content and reply markup are exactly the same as a "
        "current content and reply markup of the message");
  }
  m->text = text;
  m->reply_markup = markup;
  m->edit_date = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  sim.store.save_locked();
  return message_json(sim.store, *m, bot.id);
}

}  // namespace cmup::simtg
