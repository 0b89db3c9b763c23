// Bot API errors as Telegram words them.
//
// Contract: a method handler throws ApiError; the HTTP layer turns it into
// {"ok":false,"error_code":code,"description":description[,"parameters":{"retry_after":N}]}
// with HTTP status `code`. The texts below are the real server's (tdlib/telegram-bot-api
// Client.cpp and observed cloud replies), so clients can match on them.
#pragma once

#include <stdexcept>
#include <string>

namespace cmup::simtg {

class ApiError : public std::runtime_error {
 public:
  ApiError(int code, std::string description, int retry_after = 0)
      : std::runtime_error(description), code(code), description(std::move(description)),
        retry_after(retry_after) {}
  int code;
  std::string description;
  int retry_after;  // seconds; only for 429
};

inline ApiError bad_request(const std::string& what) { return ApiError(400, "Bad Request: " + what); }
inline ApiError forbidden(const std::string& what) { return ApiError(403, "Forbidden: " + what); }
inline ApiError too_many_requests(int retry_after) {
  return ApiError(429, "Too Many Requests: retry after " + std::to_string(retry_after), retry_after);
}

// Named texts (the real ones) that clients branch on.
namespace text {
inline constexpr const char* kChatNotFound = "chat not found";
inline constexpr const char* kNotMember = "bot is not a member of the channel chat";
inline constexpr const char* kNeedAdmin = "need administrator rights in the channel chat";
inline constexpr const char* kCantInitiate = "bot can't initiate conversation with a user";
inline constexpr const char* kBlocked = "bot was blocked by the user";
inline constexpr const char* kWrongFileId = "wrong file identifier/HTTP URL specified";
inline constexpr const char* kFileTooBig = "file is too big";  // 400, local mode and getFile
inline constexpr const char* kEntityTooLarge = "Request Entity Too Large";  // 413, cloud HTTP uploads
inline constexpr const char* kWebhookActive =
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook "
    "first";
inline constexpr const char* kOtherGetUpdates =
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
}  // namespace text

}  // namespace cmup::simtg
