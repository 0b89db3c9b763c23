// Turning Bot API answers into the Uploader's terms: a sent Message into an UploadResult,
// a BotApiError into an UploadError of the kind the worker acts on (uploader.hpp).
//
// Contract: all functions are pure (no I/O) and thread-safe. upload_result_from_message()
// accepts any JSON value: a Message that carries a file (video, animation, document, audio)
// gives its result; anything else throws UploadError(Fatal) saying what was missing. The
// error mapping follows TELEGRAM.md:
//   429                                       -> FloodWait(retry_after; parsed from the text if absent)
//   413, "file is too big", "too large"       -> TooBig(limit)
//   403, "chat not found", "not enough rights",
//   "need administrator rights", "CHAT_WRITE_FORBIDDEN", "bot is not a member" -> Rights
//   0 (transport), 5xx                        -> Transient
//   anything else (401 bad token, 400 ...)    -> Fatal
// Rights messages name the account and channel and say what to fix.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "telegram/bot_api.hpp"
#include "telegram/uploader.hpp"

namespace cmup {

UploadResult upload_result_from_message(const nlohmann::json& message);

struct UploadErrorContext {
  std::string account;
  std::int64_t channel_id = 0;
  std::int64_t file_size = 0;         // bytes of the rejected file
  std::int64_t max_upload_bytes = 0;  // the account's configured limit
};
UploadError upload_error_from(const BotApiError& e, const UploadErrorContext& ctx);

// The operator message for an account that cannot post to a channel.
std::string rights_message(const std::string& account, std::int64_t channel_id,
                           const std::string& telegram_text);

}  // namespace cmup
