#include "bot/inline_query.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "bot/texts.hpp"

namespace cmup::bot {

using nlohmann::json;

std::optional<std::size_t> parse_inline_offset(std::string_view offset) {
  if (offset.empty()) return 0;
  if (offset.size() > 6) return std::nullopt;
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(offset.data(), offset.data() + offset.size(), n);
  if (ec != std::errc() || p != offset.data() + offset.size()) return std::nullopt;
  return n;
}

InlinePage inline_page(const std::vector<SendableObject>& all, std::size_t offset) {
  InlinePage page;
  for (std::size_t i = offset; i < all.size() && i < offset + kInlinePageSize; ++i) {
    const auto& s = all[i];
    const bool video = s.object.is_video();
    json r = {{"type", video ? "video" : "document"},
              {"id", "o" + std::to_string(s.object.id)},  // at most 64 bytes
              {"title", texts::inline_result_title(s.caption)},
              {"description", texts::inline_result_description(s.caption.quality, s.object.size_bytes,
                                                               s.object.part_no, s.object.part_count)},
              {"caption", texts::caption(s.caption)}};
    r[video ? "video_file_id" : "document_file_id"] = s.object.bot_file_id;
    page.results.push_back(std::move(r));
  }
  if (offset + kInlinePageSize < all.size()) page.next_offset = std::to_string(offset + kInlinePageSize);
  return page;
}

void InlineQueries::answer(const Update& u) {
  json p = {{"inline_query_id", u.inline_query_id}, {"cache_time", kInlineCacheTimeS}};
  auto offset = parse_inline_offset(u.inline_offset);
  std::vector<SendableObject> all;
  if (offset && !u.text.empty()) {
    auto db = dbs_.borrow();
    for (const auto& t : search_titles(*db, u.text, kInlineTitles)) {
      auto objs = sendable_objects(*db, t.id, kInlineObjectsPerTitle);
      all.insert(all.end(), std::make_move_iterator(objs.begin()), std::make_move_iterator(objs.end()));
    }
  }
  InlinePage page = inline_page(all, offset.value_or(all.size()));
  p["results"] = page.results;
  if (!page.next_offset.empty()) p["next_offset"] = page.next_offset;
  // Nothing to offer (empty query, nothing stored yet): a way into the bot instead.
  if (page.results.empty() && offset.value_or(1) == 0)
    p["button"] = {{"text", texts::open_catalog_button()}, {"start_parameter", "inline"}};
  try {
    api_.call("answerInlineQuery", p);
  } catch (const BotApiError& e) {
    // Too late (Telegram waits about 10 s) or refused: the user simply types again.
    spdlog::warn("bot: answerInlineQuery for \"{}\": {}", u.text, e.description);
  }
}

}  // namespace cmup::bot
