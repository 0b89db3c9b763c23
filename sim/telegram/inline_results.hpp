// Inline mode (`@bot query` in any chat): the checks answerInlineQuery makes of its results,
// and the window in which a query may be answered.
//
// Contract: check_inline_results() accepts what the real server accepts for the result
// types the simulator knows, InlineQueryResultCachedVideo ("video", video_file_id) and
// InlineQueryResultCachedDocument ("document", document_file_id), and throws ApiError with
// the real texts otherwise: RESULTS_TOO_MUCH (over 50), RESULT_ID_INVALID (id empty or over
// 64 bytes), RESULT_ID_DUPLICATE, a missing title or file id, "wrong file identifier/HTTP
// URL specified" (a file id that is not this bot's), NEXT_OFFSET_INVALID (over 64 bytes).
// Call with Store::mu held.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "sim.hpp"

namespace cmup::simtg {

inline constexpr std::size_t kMaxInlineResults = 50;
inline constexpr std::size_t kMaxInlineResultIdBytes = 64;
inline constexpr std::size_t kMaxInlineNextOffsetBytes = 64;
// Telegram drops an inline query the bot has not answered within about 10 s; the simulator
// gives a loaded test machine some slack.
inline constexpr std::int64_t kInlineAnswerWindowMs = 15000;

void check_inline_results(Store& store, const BotInfo& bot, const nlohmann::json& results,
                          const std::string& next_offset);

// The stored file a checked result sends, and its media kind ("video" or "document").
struct InlineResultFile {
  std::int64_t file_seq = 0;
  std::string kind;
};
InlineResultFile inline_result_file(Store& store, const BotInfo& bot, const nlohmann::json& result);

std::int64_t steady_now_ms();

}  // namespace cmup::simtg
