// Shared steps of the sending methods: drafting a bot's message, checking text limits,
// storing messages and answering with them.
//
// Contract: post_messages() appends the drafts in order under one lock (so an album gets
// consecutive ids), saves the state, and returns each message as `bot` sees it. Posts by
// bots create no updates for anyone (Telegram: bots do not see other bots' messages, and
// an admin bot gets no channel_post for bot posts, its own included). Call without
// Store::mu held.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "request.hpp"
#include "sim.hpp"

namespace cmup::simtg {

inline constexpr std::size_t kMaxTextLength = 4096;
inline constexpr std::size_t kMaxCaptionLength = 1024;

Message bot_draft(const BotInfo& bot, const ChatKey& key, const Params& params);
void check_caption(const std::string& caption);
nlohmann::json post_messages(Sim& sim, const BotInfo& bot, std::vector<Message> drafts);

// The media kind Telegram makes of a file sent with sendVideo: MP4 plays as a video,
// any other container arrives as a document. Call with Store::mu held.
std::string video_kind(Store& store, std::int64_t file_seq);

}  // namespace cmup::simtg
