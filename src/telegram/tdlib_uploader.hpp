// The TDLib backend of Uploader (uploader.hpp): a user account (regular 2000 MiB, premium
// 4000 MiB) posting to storage channels through libtdjson.so.
//
// Contract (in addition to Uploader's):
// - The constructor authorizes without a person (td_auth.hpp): an account that is not
//   logged in throws TdAuthError telling the operator to run `cmup account login NAME`; a
//   TDLib older than kTdlibMinVersion throws TdVersionError. The TDLib client is closed
//   (bounded wait for authorizationStateClosed) on every way out, errors included.
// - upload() needs a local file (TDLib reads inputFileLocal itself): a stream ByteSource
//   throws UploadError(Fatal) saying so. It sends sendMessage with inputMessageVideo /
//   inputMessageDocument in the shape of the library's version (nested inputVideo /
//   inputDocument, td_requests.hpp), follows updateFile for progress, and
//   returns on updateMessageSendSucceeded with the server message id (TDLib id >> 20);
//   updateMessageSendFailed maps like a Bot API error (429 "retry after N" -> FloodWait,
//   rights -> Rights, ...). No progress for stall_timeout_s -> Transient.
//   file_id is TDLib's remote id (not usable by bots), file_unique_id is Telegram's.
// - find_by_nonce() uses searchChatMessages for "#<nonce>" and returns the oldest match
//   newer than after_message_id.
// One instance per worker thread; several may share one loaded library.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "telegram/td_auth.hpp"
#include "telegram/td_client.hpp"
#include "telegram/uploader.hpp"

namespace cmup {

struct AccountConfig;
class Config;

struct TdlibUploaderOptions {
  TdlibParameters params;
  std::int64_t max_upload_bytes = 0;
  double stall_timeout_s = 600;
  double auth_timeout_s = 60;
  // TDLib sends local files only: a streamed (direct path) source is first written here.
  std::filesystem::path spool_dir = std::filesystem::temp_directory_path();
};

class TdlibUploader : public Uploader {
 public:
  TdlibUploader(std::shared_ptr<TdJson> api, TdlibUploaderOptions opts);
  ~TdlibUploader() override;
  const std::string& account() const override { return opts_.params.account; }
  std::int64_t max_upload_bytes() const override { return opts_.max_upload_bytes; }
  UploadResult upload(const UploadFile& file, std::int64_t channel_id, const ProgressFn& progress) override;
  UploadResult upload_spooled(const UploadFile& file, std::int64_t channel_id, const ProgressFn& progress);
  std::optional<UploadResult> find_by_nonce(std::int64_t channel_id, std::int64_t after_message_id,
                                            const std::string& nonce) override;

  // Exposed for tests: the sendMessage content for `file` (td::input_message_content).
  static nlohmann::json input_message_content(const UploadFile& file);
  // A TDLib message (content messageVideo / messageDocument) as an UploadResult.
  static UploadResult result_from_message(const nlohmann::json& message);

 private:
  void open_chat(std::int64_t channel_id);
  TdlibUploaderOptions opts_;
  TdClient client_;
};

// Options from [[accounts]] (api_id, api_hash, test_dc) and [general]/[telegram].
TdlibUploaderOptions tdlib_options_from_config(const AccountConfig& account, const Config& config);
// Loads telegram.tdjson_path and builds a TdlibUploader (used by make_uploader).
std::unique_ptr<Uploader> make_tdlib_uploader(const AccountConfig& account, const Config& config);

}  // namespace cmup
