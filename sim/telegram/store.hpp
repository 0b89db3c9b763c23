// The simulator's state: stored files, chats and their messages, private chats that
// users started, per-bot update queues, callback queries. Persisted as one JSON file
// (<data-dir>/state.json) rewritten atomically after every change, so a restart with the
// same --data-dir continues where it stopped (file bytes live in <data-dir>/files/).
//
// Thread-safety: every member of State is guarded by Store::mu. Callers lock it, read or
// change State through the helpers, and call save_locked() before unlocking after a
// change. updates_cv is notified (with mu held) whenever an update is queued, a poll is
// superseded or the webhook changes, so long polls wake at once.
#pragma once

#include <compare>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "sim_config.hpp"

namespace cmup::simtg {

// A chat as one bot sees it: channels are shared (bot_id 0); a private chat is the pair
// (user, bot), so the same user id names a different chat for each bot, as in Telegram.
struct ChatKey {
  std::int64_t chat_id = 0;
  std::int64_t bot_id = 0;
  auto operator<=>(const ChatKey&) const = default;
};

struct StoredFile {
  std::int64_t seq = 0;
  std::string path;  // absolute, under <data-dir>/files
  std::uint64_t size = 0;
  std::string sha256;
  std::string file_name;
  std::string mime_type;
  int width = 0;  // JPEG thumbnails; videos: as first sent
  int height = 0;
  int duration = 0;            // videos: as first sent
  std::int64_t thumb_seq = 0;  // videos/documents: the thumbnail first sent with it
};

struct Media {
  std::string kind;  // "" (text), "video", "document"
  std::int64_t file_seq = 0;
  std::int64_t thumb_seq = 0;  // 0 = none
  int duration = 0;
  int width = 0;
  int height = 0;
  bool supports_streaming = false;
};

struct Message {
  std::int64_t message_id = 0;
  ChatKey chat;
  std::int64_t date = 0;
  std::int64_t edit_date = 0;
  std::string sender_kind;  // "bot" or "user"
  std::int64_t sender_id = 0;
  std::string text;
  std::string caption;
  bool has_caption = false;
  Media media;
  nlohmann::json reply_markup;    // null when none
  nlohmann::json forward_origin;  // null unless forwarded
  std::string media_group_id;
  std::int64_t reply_to_message_id = 0;
  bool protect_content = false;
  bool deleted = false;
  std::int64_t via_bot_id = 0;  // sent by a user through a bot's inline mode
};

struct Chat {
  ChatKey key;
  std::string type;  // "channel" or "private"
  std::int64_t next_message_id = 1;
  std::vector<Message> messages;  // messages[i].message_id == i + 1
  bool blocked = false;           // private chat: the user blocked the bot
};

struct BotState {
  std::int64_t next_update_id = 1;
  std::deque<nlohmann::json> updates;        // each carries its update_id
  std::vector<std::string> allowed_updates;  // empty = Telegram's default set
  std::string webhook_url;
  std::string webhook_secret;
  nlohmann::json commands = nlohmann::json::array();
  // Not persisted:
  std::uint64_t poll_generation = 0;  // a new getUpdates ends the older one
  std::int64_t webhook_last_error_date = 0;
  std::string webhook_last_error_message;
  std::int64_t webhook_retry_at_ms = 0;  // steady clock; backoff after a failed delivery
};

struct CallbackQuery {
  std::string id;
  std::int64_t bot_id = 0;
  std::int64_t user_id = 0;
  std::int64_t message_id = 0;
  std::string data;
  bool answered = false;
  nlohmann::json answer;  // the answerCallbackQuery parameters
};

// An inline query a user typed (`@bot query`); not persisted (Telegram forgets them in
// seconds too).
struct InlineQuery {
  std::string id;
  std::int64_t bot_id = 0;
  std::int64_t user_id = 0;
  std::string query;
  std::string offset;
  std::int64_t created_ms = 0;  // steady clock: answers after kInlineAnswerWindowMs are refused
  bool answered = false;
  nlohmann::json answer;  // the answerInlineQuery parameters as accepted
};

struct State {
  std::int64_t next_file_seq = 1;
  std::int64_t next_media_group = 1;
  std::int64_t next_callback = 1;
  std::map<std::int64_t, StoredFile> files;
  std::map<ChatKey, Chat> chats;
  std::map<std::int64_t, UserInfo> users;  // configured plus those that appeared via control
  std::map<std::int64_t, BotState> bots;
  std::map<std::string, CallbackQuery> callbacks;
  std::int64_t next_inline = 1;                      // not persisted
  std::map<std::string, InlineQuery> inline_queries;  // not persisted
};

class Store {
 public:
  // Loads <data_dir>/state.json when present; creates data_dir/files and data_dir/tmp.
  Store(const SimWorld& world, std::filesystem::path data_dir);

  const SimWorld& world;
  std::mutex mu;
  std::condition_variable updates_cv;
  State st;              // guarded by mu
  bool stopping = false;  // guarded by mu; set on shutdown to release long polls

  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::filesystem::path files_dir() const { return data_dir_ / "files"; }
  std::filesystem::path tmp_dir() const { return data_dir_ / "tmp"; }

  // All below: call with mu held.
  void save_locked();
  Chat& chat(const ChatKey& key);  // creates a private chat on first use
  Chat* find_chat(const ChatKey& key);
  Message* find_message(const ChatKey& key, std::int64_t message_id);  // nullptr if none/deleted
  // Assigns message_id and date, appends, returns the stored message (valid until the
  // next append to the same chat).
  Message& append(Message draft);
  // Moves a finished temporary file into the store and records it.
  const StoredFile& adopt_file(const std::filesystem::path& tmp, std::uint64_t size, const std::string& sha256,
                               const std::string& file_name, const std::string& mime_type);
  // Queues an update of `type` ("message", "channel_post", "callback_query", ...) for a
  // bot unless its allowed_updates exclude it; wakes pollers. Returns the update (or null).
  nlohmann::json push_update(std::int64_t bot_id, const std::string& type, nlohmann::json payload);
  const UserInfo& user(std::int64_t id);  // creates "User <id>" when unknown
  bool private_chat_started(std::int64_t bot_id, std::int64_t user_id) const;

 private:
  void load();
  std::filesystem::path data_dir_;
};

}  // namespace cmup::simtg
