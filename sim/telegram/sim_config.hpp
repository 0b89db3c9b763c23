// The simulated world: bots (tokens), channels with their admin rights, and users, read
// from the simulator's JSON config (--config sim.json; format in docs/sim-telegram.md).
//
// Contract: load_sim_config() returns a validated world or throws std::runtime_error naming
// the file and the bad entry (duplicate id/token/username, an admin that is not a bot,
// a channel id that is not -100...). The result is immutable after load; share it freely.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cmup::simtg {

struct BotInfo {
  std::int64_t id = 0;
  std::string username;
  std::string first_name;
  std::string token;
  bool local_mode = false;             // like telegram-bot-api --local: file:// inputs, 2000 MB
  bool inline_mode = false;            // @BotFather /setinline: users may type `@bot query`
  std::optional<std::uint64_t> max_upload_bytes;  // overrides --max-upload-bytes for this bot
};

struct UserInfo {
  std::int64_t id = 0;
  std::string first_name;
  std::string username;
};

// A bot admin's rights in a channel (the ChatAdministratorRights fields that matter here).
struct AdminRights {
  bool can_post_messages = true;
  bool can_edit_messages = true;
  bool can_delete_messages = true;
  bool can_invite_users = true;
  bool can_change_info = false;
  bool can_promote_members = false;
  bool can_restrict_members = false;
  bool can_manage_video_chats = false;
};

struct ChannelInfo {
  std::int64_t id = 0;  // -100xxxxxxxxxx
  std::string title;
  std::string username;                           // optional public @username
  std::map<std::int64_t, AdminRights> admins;     // bot id -> rights
  std::set<std::int64_t> members;                 // plain members: user ids and non-admin bot ids
  std::int64_t owner_user_id = 0;                 // 0 = none configured
};

struct SimWorld {
  std::vector<BotInfo> bots;
  std::vector<ChannelInfo> channels;
  std::vector<UserInfo> users;

  const BotInfo* bot_by_token(const std::string& token) const;
  const BotInfo* bot_by_id(std::int64_t id) const;
  const BotInfo* bot_by_username(const std::string& username) const;  // with or without '@'
  const ChannelInfo* channel(std::int64_t id) const;
  const ChannelInfo* channel_by_username(const std::string& username) const;
  const UserInfo* user(std::int64_t id) const;
};

SimWorld load_sim_config(const std::filesystem::path& path);
SimWorld parse_sim_config(const std::string& json_text, const std::string& origin);

}  // namespace cmup::simtg
