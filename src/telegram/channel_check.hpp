// What `cmup doctor` checks: can each upload account post to every storage channel, and can
// the delivery bot read (and forward from) them?
//
// Contract: each check_* function asks Telegram (getMe, getChat, getChatMember; TDLib:
// getMe, getChat, getChatMember) and returns one RightsCheck per (identity, chat). It never
// throws for Telegram's answers: an unreachable server, a refused token or a missing chat
// becomes a failed check whose `problem` says what is wrong and `fix` what to do. Required:
//   upload account : administrator (or creator) with can_post_messages
//   delivery bot   : administrator (or creator) of the channel, so it receives channel_post
//                    updates and may forward/copy stored messages
//   index chat     : reachable; in a channel, the right to post and delete messages
// check_tdlib asks the server through request_from_telegram (td_auth.hpp): when TDLib cannot
// connect within connect_timeout_s, every remaining chat fails with "cannot reach Telegram"
// (one wait, not one per chat).
// Not thread-safe (uses the caller's clients).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cmup {

class BotApiClient;
class TdClient;

struct RightsCheck {
  std::string who;  // "account ember (@ember_bot)", "delivery bot @cmup_bot"
  std::int64_t chat_id = 0;
  std::string role;  // "storage", "index"
  bool ok = false;
  std::string problem;  // empty when ok
  std::string fix;
};

enum class BotRole { Uploader, Delivery };

std::vector<RightsCheck> check_bot(BotApiClient& client, const std::string& label, BotRole role,
                                   const std::vector<std::int64_t>& channels, std::int64_t index_chat_id);
std::vector<RightsCheck> check_tdlib(TdClient& client, const std::string& label,
                                     const std::vector<std::int64_t>& channels,
                                     double connect_timeout_s = 30);

}  // namespace cmup
