// Parsing of Telegram Bot API `Update` objects into the few shapes the bot acts on.
//
// Contract: parse_update() never throws and never trusts the input: any JSON value (wrong
// types, missing fields, huge strings, unknown update kinds) yields an Update whose kind is
// Ignored unless every field that kind needs is present and well-typed. Texts longer than
// kMaxTextBytes are cut (a search never needs more). Callback data is at most 64 bytes in
// Telegram; longer data is treated as garbage. Thread-safe (pure function).
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace cmup::bot {

inline constexpr size_t kMaxTextBytes = 512;
inline constexpr size_t kMaxCallbackDataBytes = 64;

// A file as it appears in a message (video or document): what the bot needs to send it again.
struct MessageFile {
  std::string file_id;
  std::string file_unique_id;
  bool is_video = false;
};

struct Update {
  enum class Kind { Ignored, Text, Callback, ChannelPost, InlineQuery, ChatMember };
  Kind kind = Kind::Ignored;
  std::int64_t update_id = -1;  // -1 when the update had no usable update_id
  std::int64_t chat_id = 0;
  std::int64_t user_id = 0;         // Text, Callback
  std::int64_t message_id = 0;      // Callback: the message carrying the keyboard; ChannelPost: the post
  std::string text;                 // Text: the message text
  std::string callback_id;          // Callback
  std::string callback_data;        // Callback
  std::string inline_query_id;      // InlineQuery (text: the query, chat_id: the user's id)
  std::string inline_offset;        // InlineQuery: the next_offset of the page asked for
  std::optional<MessageFile> file;  // ChannelPost with a video or document
  // ChatMember (my_chat_member in a private chat): the bot's new status there as the user
  // set it, "kicked" when they blocked the bot and "member" when they unblocked it.
  std::string member_status;
  // When the update reached cmup (steady clock), for the update->send latency benchmark.
  std::chrono::steady_clock::time_point arrived{};
};

Update parse_update(const nlohmann::json& j);
// Parses raw bytes (webhook bodies, fuzzing); invalid JSON yields Kind::Ignored.
Update parse_update_bytes(std::string_view body);

// The file of a Message object (video, else document), if it has one.
std::optional<MessageFile> message_file(const nlohmann::json& message);

// A text command split: "/start v12" -> {"start", "v12"}; "/search@cmup_bot x" -> {"search", "x"}.
struct Command {
  std::string name;  // lower-case, without '/' and without "@botname"; empty if not a command
  std::string args;  // trimmed
};
Command parse_command(const std::string& text);

}  // namespace cmup::bot
