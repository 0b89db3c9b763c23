// Inline mode (issue 17): `@bot query` in any chat lists matching titles and qualities;
// choosing one sends the stored file by the bot's own file id (no upload, no copy).
//
// Contract: answer() searches like the bot's text search (bot_catalog::search_titles), and
// answers the inline query with answerInlineQuery: one InlineQueryResultCachedVideo (or
// CachedDocument) per stored part whose bot file id is known, captioned as a delivery is,
// 50 a page (Telegram's cap), next_offset for the next page, cache_time kInlineCacheTimeS.
// Parts whose id the bot has not learnt yet cannot be offered (a cached result names the
// bot's own file id); they appear once the bot learns it. An empty query gets no results and
// a button that opens the bot. Telegram refusing the answer is logged, never thrown.
// Thread-safe (each call borrows its own connection).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/api_sender.hpp"
#include "bot/bot_catalog.hpp"
#include "bot/resource_pool.hpp"
#include "bot/update.hpp"

namespace cmup::bot {

inline constexpr std::size_t kInlinePageSize = 50;  // answerInlineQuery's cap
inline constexpr int kInlineCacheTimeS = 300;
inline constexpr int kInlineTitles = 10;  // titles searched per query
inline constexpr int kInlineObjectsPerTitle = 200;

// The results of one page and the offset of the next ("" when it is the last). Pure.
struct InlinePage {
  nlohmann::json results = nlohmann::json::array();
  std::string next_offset;
};
InlinePage inline_page(const std::vector<SendableObject>& all, std::size_t offset);
// "" -> 0, "50" -> 50; nullopt for anything else (a forged offset).
std::optional<std::size_t> parse_inline_offset(std::string_view offset);

class InlineQueries {
 public:
  InlineQueries(ResourcePool<SQLite::Database>& dbs, ApiSender& api) : dbs_(dbs), api_(api) {}
  void answer(const Update& u);

 private:
  ResourcePool<SQLite::Database>& dbs_;
  ApiSender& api_;
};

}  // namespace cmup::bot
