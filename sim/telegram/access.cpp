#include "access.hpp"

#include "api_error.hpp"

namespace cmup::simtg {

namespace {

std::optional<std::int64_t> parse_chat_id(const SimWorld& world, const std::string& raw) {
  if (!raw.empty() && raw[0] == '@') {
    const ChannelInfo* c = world.channel_by_username(raw);
    if (!c) return std::nullopt;
    return c->id;
  }
  try {
    std::size_t used = 0;
    const long long v = std::stoll(raw, &used);
    if (used == raw.size()) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace

const AdminRights* admin_rights(const SimWorld& world, std::int64_t channel_id, std::int64_t bot_id) {
  const ChannelInfo* c = world.channel(channel_id);
  if (!c) return nullptr;
  auto it = c->admins.find(bot_id);
  return it == c->admins.end() ? nullptr : &it->second;
}

ChatKey resolve_chat(Store& store, const BotInfo& bot, const Params& params, const std::string& field, Need need) {
  const std::string raw = params.str(field);
  if (raw.empty()) throw bad_request(field + " is empty");
  const auto id = parse_chat_id(store.world, raw);
  if (!id) throw bad_request(text::kChatNotFound);
  if (*id < 0) {
    const ChannelInfo* c = store.world.channel(*id);
    if (!c) throw bad_request(text::kChatNotFound);
    const AdminRights* rights = admin_rights(store.world, *id, bot.id);
    if (!rights && !c->members.count(bot.id)) throw forbidden(text::kNotMember);
    if (need == Need::post && !(rights && rights->can_post_messages)) throw bad_request(text::kNeedAdmin);
    if ((need == Need::edit || need == Need::remove) && !rights) throw bad_request(text::kNeedAdmin);
    return ChatKey{*id, 0};
  }
  if (store.world.bot_by_id(*id)) {
    if (*id == bot.id) throw bad_request(text::kChatNotFound);
    throw forbidden("bot can't send messages to bots");
  }
  if (store.private_chat_started(bot.id, *id)) {
    const Chat* c = store.find_chat(ChatKey{*id, bot.id});
    if (need != Need::read && c && c->blocked) throw forbidden(text::kBlocked);
    return ChatKey{*id, bot.id};
  }
  if (need != Need::read && store.st.users.count(*id)) throw forbidden(text::kCantInitiate);
  throw bad_request(text::kChatNotFound);
}

std::optional<std::int64_t> chat_id_hint(const Params& params) {
  const std::string raw = params.str("chat_id");
  try {
    std::size_t used = 0;
    const long long v = std::stoll(raw, &used);
    if (used == raw.size()) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace cmup::simtg
