// copyMessages: several messages of one chat copied into another in one call (Bot API 7.0),
// as tdlib/telegram-bot-api does it: 1-100 ids in strictly increasing order; messages that
// cannot be found are skipped, and only when none is left does the call fail; album grouping
// is kept (sources that shared a media_group_id share a new one), while separate messages stay
// separate; captions are copied unless remove_caption. Returns [{"message_id": N}, ...].
#include "access.hpp"
#include "api_error.hpp"
#include "methods.hpp"
#include "posting.hpp"

namespace cmup::simtg {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxCopiedMessages = 100;

std::vector<std::int64_t> message_ids_of(const Params& p) {
  if (!p.has("message_ids")) throw bad_request("message identifiers are not specified");
  const json ids = p.json_value("message_ids");
  if (!ids.is_array()) throw bad_request("expected an Array of message identifiers");
  if (ids.size() > kMaxCopiedMessages) throw bad_request("too many message identifiers specified");
  if (ids.empty()) throw bad_request("message identifiers are not specified");
  std::vector<std::int64_t> out;
  for (const auto& v : ids) {
    std::int64_t id = 0;
    if (v.is_number_integer()) {
      id = v.get<std::int64_t>();
    } else if (v.is_string()) {
      try {
        id = std::stoll(v.get<std::string>());
      } catch (const std::exception&) {
        throw bad_request("can't parse message identifier as a Number");
      }
    } else {
      throw bad_request("message identifier must be a Number");
    }
    if (id <= 0) throw bad_request("invalid message identifier specified");
    if (!out.empty() && id <= out.back())
      throw bad_request("message identifiers must be in a strictly increasing order");
    out.push_back(id);
  }
  return out;
}

}  // namespace

json copy_messages(Sim& sim, const BotInfo& bot, Params& p) {
  const std::vector<std::int64_t> ids = message_ids_of(p);
  const bool remove_caption = p.boolean("remove_caption");
  std::vector<Message> drafts;
  {
    std::lock_guard lk(sim.store.mu);
    const ChatKey from = resolve_chat(sim.store, bot, p, "from_chat_id", Need::read);
    const ChatKey dest = resolve_chat(sim.store, bot, p, "chat_id", Need::post);
    std::map<std::string, std::string> new_group;  // source media_group_id -> the copies' one
    for (std::int64_t id : ids) {
      const Message* src = sim.store.find_message(from, id);
      if (!src || src->protect_content) continue;  // skipped, as Telegram does
      Message m = bot_draft(bot, dest, p);
      m.text = src->text;
      m.media = src->media;
      if (!remove_caption) {
        m.caption = src->caption;
        m.has_caption = src->has_caption;
      }
      if (!src->media_group_id.empty()) {
        auto& g = new_group[src->media_group_id];
        if (g.empty())
          g = std::to_string(13000000000000000000ull +
                             static_cast<std::uint64_t>(sim.store.st.next_media_group++));
        m.media_group_id = g;
      }
      drafts.push_back(std::move(m));
    }
  }
  if (drafts.empty()) throw bad_request("messages can't be forwarded");
  const json posted = post_messages(sim, bot, std::move(drafts));
  json out = json::array();
  for (const auto& m : posted) out.push_back({{"message_id", m.at("message_id")}});
  return out;
}

}  // namespace cmup::simtg
