// Telegram Mini App initData: parsing and server-side validation (TELEGRAM.md, "Mini App
// initData").
//
// Contract: validate_init_data() accepts a raw initData string only when its `hash` equals
// hex(HMAC-SHA256(key = HMAC-SHA256("WebAppData", bot_token), data_check_string)), compared in
// constant time, where data_check_string is every other field (URL-decoded, `signature`
// included) as key=value, sorted by key, joined by '\n'; its auth_date is no older than
// max_age_s (and not more than a minute in the future); and its `user` field is JSON with a
// positive integer id. Anything else is refused with a reason, never an exception.
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "util/http_message.hpp"

namespace cmup::web {

// url_decode / url_encode: util/http_message.hpp (one percent-coding for every server).
using cmup::url_decode;
using cmup::url_encode;

// "a=1&b=2" -> {a:1, b:2}, URL-decoded. nullopt when a pair has no '=', a key is empty or
// repeated, or an escape is malformed (a signed payload must be unambiguous).
std::optional<std::map<std::string, std::string>> parse_query_string(std::string_view s);

struct InitDataUser {
  std::int64_t id = 0;
  std::string first_name;
  std::string username;
  std::string language_code;
};

enum class InitDataStatus { Ok, Missing, Malformed, NoHash, BadHash, NoAuthDate, Expired, FromFuture, NoUser };

struct InitDataCheck {
  InitDataStatus status = InitDataStatus::Missing;
  std::string reason;  // for the 401 message and logs; never contains the token
  InitDataUser user;   // valid when status == Ok
  std::int64_t auth_date = 0;
  std::string start_param;
  bool ok() const { return status == InitDataStatus::Ok; }
};

// Longest initData accepted; Telegram's are well under 4 KiB.
inline constexpr std::size_t kMaxInitDataBytes = 8192;

InitDataCheck validate_init_data(std::string_view raw, std::string_view bot_token, std::int64_t now_s,
                                 std::int64_t max_age_s);

// The data_check_string of already-decoded fields (everything but `hash`).
std::string data_check_string(const std::map<std::string, std::string>& fields);
// hex(HMAC-SHA256(HMAC-SHA256("WebAppData", bot_token), data_check_string)).
std::string init_data_hash(const std::map<std::string, std::string>& fields, std::string_view bot_token);
// A signed initData query string for `fields` (tests and fixtures play Telegram's part).
std::string sign_init_data(const std::map<std::string, std::string>& fields, std::string_view bot_token);

}  // namespace cmup::web
