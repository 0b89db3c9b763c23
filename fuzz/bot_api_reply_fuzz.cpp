// Fuzzes what cmup does with a Bot API or TDLib answer it did not write: BotApiClient::
// parse_reply, the Message -> UploadResult parsing of both backends, the error mapping and
// the nonce match. Input: first byte = HTTP status selector, the rest = the body.
// Any exception other than BotApiError / UploadError, or a sanitizer report, is a bug.
// fuzz-link: cmup_telegram
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "catalog/coded_name.hpp"
#include "telegram/bot_api.hpp"
#include "telegram/bot_reply.hpp"
#include "telegram/tdlib_uploader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const long statuses[] = {200, 400, 403, 413, 429, 500, 502, 0};
  const long status = statuses[data[0] % 8];
  const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  nlohmann::json result;
  try {
    result = cmup::BotApiClient::parse_reply(status, body);
  } catch (const cmup::BotApiError& e) {
    auto mapped = cmup::upload_error_from(e, {"fuzz", -100123, 1000, 500});
    (void)mapped;
    return 0;
  }
  try {
    auto r = cmup::upload_result_from_message(result);
    (void)cmup::caption_has_nonce(r.caption, "a1b2c3");
  } catch (const cmup::UploadError&) {
  }
  try {
    (void)cmup::TdlibUploader::result_from_message(result);
  } catch (const cmup::UploadError&) {
  }
  return 0;
}
