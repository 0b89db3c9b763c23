#include "bot/conversation.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>

#include "bot/bot_catalog.hpp"
#include "bot/inline_query.hpp"
#include "bot/season_sender.hpp"
#include "bot/texts.hpp"

namespace cmup::bot {
namespace {

using nlohmann::json;

json button(const std::string& text, const std::string& data) {
  return {{"text", text}, {"callback_data", data}};
}

json keyboard(json rows) { return {{"inline_keyboard", std::move(rows)}}; }

// Parses the decimal numbers of "x:12:3" after the prefix; false on anything else.
bool parse_ids(std::string_view data, std::int64_t* out, int n) {
  for (int i = 0; i < n; ++i) {
    if (data.empty() || data.front() != ':') return false;
    data.remove_prefix(1);
    auto end = data.find(':');
    auto part = data.substr(0, end);
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), out[i]);
    if (ec != std::errc() || p != part.data() + part.size() || out[i] < 0) return false;
    data.remove_prefix(part.size());
  }
  return data.empty();
}

// "v123" -> 123 (deep-link payload); 0 when it is not one.
std::int64_t deep_link_variant(const std::string& payload) {
  if (payload.size() < 2 || payload.size() > 20 || payload[0] != 'v') return 0;
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(payload.data() + 1, payload.data() + payload.size(), id);
  if (ec != std::errc() || p != payload.data() + payload.size() || id <= 0) return 0;
  return id;
}

json quality_rows(const std::vector<QualityRow>& qs, const std::string& back_data) {
  json rows = json::array();
  for (const auto& q : qs)
    rows.push_back(json::array({button(texts::quality_button(q.quality, q.size_bytes, q.part_count),
                                       "v:" + std::to_string(q.variant_id))}));
  if (!back_data.empty()) rows.push_back(json::array({button(texts::back_button(), back_data)}));
  return rows;
}

}  // namespace

Conversation::Conversation(const BotOptions& opts, ResourcePool<SQLite::Database>& dbs, ApiSender& api,
                           Delivery& delivery)
    : opts_(opts), dbs_(dbs), api_(api), delivery_(delivery), harvester_(api, opts.index_chat_id) {}

void Conversation::handle(const Update& u) {
  ArrivalScope arrival(u.arrived);
  try {
    switch (u.kind) {
      case Update::Kind::Text:
        on_text(u);
        break;
      case Update::Kind::Callback:
        on_callback(u);
        break;
      case Update::Kind::ChannelPost: {
        auto db = dbs_.borrow();
        harvester_.record_channel_post(*db, u);
        break;
      }
      case Update::Kind::InlineQuery:
        if (inline_) inline_->answer(u);
        break;
      case Update::Kind::ChatMember:
        // Unblocked: the season sends a block stopped go on now, not at the next message.
        // (Blocking needs nothing here: the next send gets 403 and stops the send.)
        if (u.member_status == "member" && seasons_) seasons_->resume_chat(u.chat_id);
        break;
      case Update::Kind::Ignored:
        break;
    }
  } catch (const std::exception& e) {
    spdlog::warn("bot: update {} in chat {} not handled: {}", u.update_id, u.chat_id, e.what());
  }
}

void Conversation::say(std::int64_t chat_id, const std::string& text, const json& kb) {
  json p = {{"chat_id", chat_id}, {"text", text}};
  if (!kb.is_null()) p["reply_markup"] = kb;
  api_.send(chat_id, "sendMessage", p);
}

void Conversation::show(const Update& u, const std::string& text, const json& kb) {
  if (u.kind == Update::Kind::Callback && u.message_id > 0) {
    try {
      api_.send(u.chat_id, "editMessageText",
                {{"chat_id", u.chat_id}, {"message_id", u.message_id}, {"text", text}, {"reply_markup", kb}});
      return;
    } catch (const BotApiError& e) {
      // Too old to edit, deleted, or unchanged: a new message does the job.
      if (e.error_code != 400) throw;
    }
  }
  say(u.chat_id, text, kb);
}

void Conversation::on_text(const Update& u) {
  // A user who writes is not blocking the bot (any more): stopped season sends go on.
  if (seasons_) seasons_->resume_chat(u.chat_id);
  auto cmd = parse_command(u.text);
  if (cmd.name == "start") {
    if (auto id = deep_link_variant(cmd.args)) return deliver(u.user_id, u.chat_id, id, "deep_link");
    if (auto s = parse_season_start(cmd.args)) return send_season(u, *s, "deep_link");
    bool app = opts_.mini_app_url.rfind("https://", 0) == 0;
    json kb = nullptr;
    if (app)
      kb = keyboard(json::array({json::array(
          {{{"text", texts::open_catalog_button()}, {"web_app", {{"url", opts_.mini_app_url}}}}})}));
    return say(u.chat_id, texts::welcome(app), kb);
  }
  if (cmd.name == "help") return say(u.chat_id, texts::help());
  if (cmd.name == "search") {
    if (cmd.args.empty()) return say(u.chat_id, texts::search_prompt());
    return search(u, cmd.args);
  }
  if (!cmd.name.empty()) return say(u.chat_id, texts::unknown_input());
  auto a = u.text.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return say(u.chat_id, texts::unknown_input());
  search(u, u.text.substr(a, u.text.find_last_not_of(" \t\r\n") - a + 1));
}

void Conversation::search(const Update& u, const std::string& query) {
  std::vector<TitleRow> hits;
  {
    auto db = dbs_.borrow();
    hits = search_titles(*db, query, kSearchResults);
  }
  if (hits.empty()) return say(u.chat_id, texts::no_results(query));
  json rows = json::array();
  for (const auto& t : hits)
    rows.push_back(json::array({button(texts::title_button(t.title, t.year), "t:" + std::to_string(t.id))}));
  say(u.chat_id, texts::results_header(query), keyboard(rows));
}

void Conversation::deliver(std::int64_t user_id, std::int64_t chat_id, std::int64_t variant_id,
                           const char* via) {
  auto r = delivery_.deliver(DeliveryRequest{user_id, chat_id, variant_id, via});
  if (!r.message.empty()) say(chat_id, r.message);
}

void Conversation::send_season(const Update& u, const SeasonRef& s, const char* via) {
  if (!seasons_) return say(u.chat_id, texts::not_available());
  auto r = seasons_->request_season(SeasonAsk{u.user_id, u.chat_id, s, via});
  // Started or resumed: the sender already told the user what is coming.
  if (r.outcome != SeasonStart::Outcome::Started && r.outcome != SeasonStart::Outcome::Resumed)
    say(u.chat_id, r.message.empty() ? texts::not_available() : r.message);
}

void Conversation::on_callback(const Update& u) {
  // Answer at once so the user's button stops spinning; it posts nothing to the chat.
  try {
    api_.call("answerCallbackQuery", {{"callback_query_id", u.callback_id}});
  } catch (const BotApiError& e) {
    spdlog::debug("bot: answerCallbackQuery: {}", e.what());  // too old: harmless
  }
  const std::string& d = u.callback_data;
  std::int64_t ids[2] = {0, 0};
  if (d.rfind('v', 0) == 0 && parse_ids(std::string_view(d).substr(1), ids, 1))
    return deliver(u.user_id, u.chat_id, ids[0], "search");
  if (auto s = parse_season_callback(d)) return send_season(u, *s, "search");

  auto db = dbs_.borrow();
  if (d.rfind('t', 0) == 0 && parse_ids(std::string_view(d).substr(1), ids, 1)) {
    auto t = title_by_id(*db, ids[0]);
    if (!t) return say(u.chat_id, texts::not_available());
    auto name = texts::title_button(t->title, t->year);
    if (t->kind == "movie")
      return show(u, texts::choose_quality(name), keyboard(quality_rows(qualities(*db, t->id, 0), "")));
    json rows = json::array();
    for (int s : seasons(*db, t->id))
      rows.push_back(json::array({button(texts::season_button(s), fmt::format("s:{}:{}", t->id, s))}));
    if (rows.empty()) return say(u.chat_id, texts::not_available());
    return show(u, texts::choose_season(name), keyboard(rows));
  }
  if (d.rfind('s', 0) == 0 && parse_ids(std::string_view(d).substr(1), ids, 2)) {
    auto t = title_by_id(*db, ids[0]);
    if (!t || ids[1] > 9999) return say(u.chat_id, texts::not_available());
    json rows = json::array();
    for (const auto& e : episodes(*db, t->id, static_cast<int>(ids[1])))
      rows.push_back(json::array(
          {button(texts::episode_button(e.season, e.episode, e.name), "e:" + std::to_string(e.id))}));
    if (rows.empty()) return say(u.chat_id, texts::not_available());
    if (seasons_) {
      // The whole season at once: best of each episode, or one quality when there is a choice.
      SeasonRef all{t->id, static_cast<int>(ids[1]), ""};
      rows.push_back(json::array({button(texts::whole_season_button(""), season_callback_data(all))}));
      auto qs = season_qualities(stored_season(*db, t->id, all.season));
      if (qs.size() > 1)
        for (size_t i = 0; i < qs.size() && i < 3; ++i) {
          all.quality = qs[i];
          rows.push_back(json::array({button(texts::whole_season_button(qs[i]), season_callback_data(all))}));
        }
    }
    rows.push_back(json::array({button(texts::back_button(), "t:" + std::to_string(t->id))}));
    return show(u, texts::choose_episode(t->title, static_cast<int>(ids[1])), keyboard(rows));
  }
  if (d.rfind('e', 0) == 0 && parse_ids(std::string_view(d).substr(1), ids, 1)) {
    auto e = episode_by_id(*db, ids[0]);
    if (!e) return say(u.chat_id, texts::not_available());
    auto t = title_by_id(*db, e->title_id);
    auto what = (t ? t->title + " " : std::string()) + texts::episode_button(e->season, e->episode, "");
    auto qs = qualities(*db, t ? t->id : 0, e->id);
    return show(u, texts::choose_quality(what),
                keyboard(quality_rows(qs, t ? fmt::format("s:{}:{}", t->id, e->season) : "")));
  }
  say(u.chat_id, texts::unknown_input());  // a stale or forged button
}

}  // namespace cmup::bot
