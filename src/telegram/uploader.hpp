// Uploader: the worker's only view of Telegram (DESIGN.md §4).
//
// Contract: upload() puts one prepared file into a storage channel and returns where it is
// (server message id in Bot API numbering, file ids), or throws UploadError with a kind the
// worker acts on:
//   FloodWait  -> the account waits retry_after_s (its flood_until), then the job retries
//   TooBig     -> re-plan the split with limit_bytes
//   Rights     -> the channel is unusable for this account (chat not found / not enough rights);
//                 the message names channel and account for the operator
//   Transient  -> network error, 5xx, broken stream: retry with backoff (maybe another source)
//   Fatal      -> anything else; the attempt fails with the text
// Nothing but the coded name (and part numbers, and the attempt nonce) ever goes into the
// file name or caption. One Uploader per worker thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/byte_source.hpp"
#include "util/progress.hpp"

namespace cmup {

struct UploadFile {
  ByteSource bytes;
  std::string file_name;   // "<coded name>[_P{n}of{N}].mp4"
  std::string caption;     // "<coded name>[_P{n}of{N}] #<nonce>"
  std::string mime_type = "video/mp4";
  bool as_video = true;    // sendVideo (streamable) vs sendDocument
  double duration_s = 0;
  int width = 0, height = 0;
  std::string thumbnail_path;  // JPEG <= 320 px, < 200 kB; empty = none
};

struct UploadResult {
  std::int64_t channel_id = 0;
  std::int64_t message_id = 0;   // server message id (TDLib ids are converted: id >> 20)
  std::string file_id;           // the uploading account's own id
  std::string file_unique_id;
  std::int64_t size_bytes = 0;
  double duration_s = 0;
  int width = 0, height = 0;
  std::string mime_type;
  std::string caption;           // as stored (for adoption checks)
};

class UploadError : public std::runtime_error {
 public:
  enum class Kind { FloodWait, TooBig, Rights, Transient, Fatal };
  UploadError(Kind kind, const std::string& what, int retry_after_s = 0, std::int64_t limit_bytes = 0)
      : std::runtime_error(what), kind(kind), retry_after_s(retry_after_s), limit_bytes(limit_bytes) {}
  Kind kind;
  int retry_after_s;         // FloodWait
  std::int64_t limit_bytes;  // TooBig: the limit to re-plan with (0 = unknown, halve)
};

class Uploader {
 public:
  virtual ~Uploader() = default;
  // The account's name, as in config and the accounts table.
  virtual const std::string& account() const = 0;
  // Largest file this account may upload, in bytes.
  virtual std::int64_t max_upload_bytes() const = 0;
  virtual UploadResult upload(const UploadFile& file, std::int64_t channel_id, const ProgressFn& progress) = 0;
  // After a crash between Telegram's answer and the write-back: finds a message in the
  // channel, newer than after_message_id, whose caption carries `nonce` (DESIGN.md §5).
  // nullopt when there is none (then upload normally).
  virtual std::optional<UploadResult> find_by_nonce(std::int64_t channel_id, std::int64_t after_message_id,
                                                    const std::string& nonce) = 0;
};

}  // namespace cmup

namespace cmup {
struct AccountConfig;
class Config;
// The Uploader for one configured account (backend "botapi" or "tdlib"). Throws
// std::runtime_error with an operator-facing message when the account cannot be used
// (e.g. no token, libtdjson.so not found). Implemented in telegram/uploader_factory.cpp.
std::unique_ptr<Uploader> make_uploader(const AccountConfig& account, const Config& config);
}  // namespace cmup
