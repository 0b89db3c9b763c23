// The Bot API backend of Uploader (uploader.hpp): a bot account posting to storage
// channels through Telegram's cloud Bot API, a self-hosted telegram-bot-api server, or
// cmup-sim-telegram.
//
// Contract (in addition to Uploader's):
// - upload() sends one multipart sendVideo (as_video) or sendDocument with chat_id, caption,
//   duration, width, height, supports_streaming and the thumbnail (field `thumbnail`), the
//   file streamed from its ByteSource with a known Content-Length. A local-mode bot
//   (local_file_uri) given a local file sends `file:///abs/path` instead of the bytes.
//   Progress goes to `progress` (stage "upload"); a progress callback may throw to cancel,
//   and the exception propagates unchanged. Errors map as in bot_reply.hpp; a failing or
//   short source stream is Transient.
// - find_by_nonce() cannot search (bots cannot read history): it forwards message ids
//   after_message_id+1, +2, ... of the channel into the account's index chat, reads each
//   caption, deletes the forwarded copy, and stops at the first match or after
//   probe_max_missing consecutive ids that do not exist (or probe_max_messages in all). The
//   forwards are paced within Telegram's limits for the index chat (message_pacer.hpp: ~1/s,
//   20 per minute into a group or channel), so a long probe takes its time rather than
//   earning the account a FloodWait.
//   Call it again with the found message id as after_message_id to find the next part.
//   Without an index chat it logs a warning and returns nullopt (an upload may then be
//   repeated; nothing is lost).
// One instance per worker thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "telegram/bot_api.hpp"
#include "telegram/bot_reply.hpp"
#include "telegram/message_pacer.hpp"
#include "telegram/uploader.hpp"
#include "util/http_client.hpp"

namespace cmup {

struct AccountConfig;
class Config;

struct BotApiUploaderOptions {
  std::string account;
  std::string base_url;  // e.g. http://127.0.0.1:8081
  std::string token;
  std::int64_t max_upload_bytes = 50'000'000;
  bool local_file_uri = false;     // hand local files over as file:///abs/path (telegram-bot-api --local)
  std::int64_t index_chat_id = 0;  // the bot's own chat for nonce probes; 0 = none
  int probe_max_missing = 5;
  int probe_max_messages = 500;
  long stall_timeout_s = 300;
  long call_timeout_ms = 60000;

  // From [[accounts]] (token, api_url, kind, max_upload_bytes; extra keys local_file_uri,
  // index_chat_id) and [telegram] (bot_api_url, local_file_uri, index_chat_id, probe_*,
  // upload_stall_timeout_s). local_file_uri applies only to kind local_bot.
  static BotApiUploaderOptions from_config(const AccountConfig& account, const Config& config);
};

class BotApiUploader : public Uploader {
 public:
  explicit BotApiUploader(BotApiUploaderOptions opts);
  const std::string& account() const override { return opts_.account; }
  std::int64_t max_upload_bytes() const override { return opts_.max_upload_bytes; }
  UploadResult upload(const UploadFile& file, std::int64_t channel_id, const ProgressFn& progress) override;
  std::optional<UploadResult> find_by_nonce(std::int64_t channel_id, std::int64_t after_message_id,
                                            const std::string& nonce) override;

 private:
  UploadErrorContext context(std::int64_t channel_id, std::int64_t size) const;
  BotApiUploaderOptions opts_;
  BotApiClient client_;
  HttpClient upload_http_;  // the multipart posts (the JSON calls go through client_)
  // Forwards into the index chat: a second apart and at most 20 in any minute into a group
  // or channel; nothing else goes through it, so no overall limit.
  SteadyPacerClock probe_clock_;
  MessagePacer probe_pacer_{PacingLimits{0, 1, 1, kGroupMessagesPerMinute}, probe_clock_};
};

}  // namespace cmup
