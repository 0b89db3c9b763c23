#include "telegram/bot_reply.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <regex>
#include <type_traits>

namespace cmup {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool contains(const std::string& haystack_lower, const char* needle) {
  return haystack_lower.find(needle) != std::string::npos;
}

// A number field, or `fallback` when absent, not a number, or out of T's range (replies
// are untrusted input: a float-to-int conversion out of range would be undefined).
template <typename T>
T num(const nlohmann::json& o, const char* key, T fallback) {
  if (!o.is_object()) return fallback;
  auto it = o.find(key);
  if (it == o.end() || !it->is_number()) return fallback;
  if constexpr (std::is_floating_point_v<T>) {
    return it->get<T>();
  } else {
    double lo = static_cast<double>(std::numeric_limits<T>::min());
    double hi = static_cast<double>(std::numeric_limits<T>::max());
    if (it->is_number_unsigned()) {
      auto v = it->get<std::uint64_t>();
      return v <= static_cast<std::uint64_t>(std::numeric_limits<T>::max()) ? static_cast<T>(v) : fallback;
    }
    if (it->is_number_integer()) {
      auto v = it->get<std::int64_t>();
      return v >= std::numeric_limits<T>::min() && v <= std::numeric_limits<T>::max() ? static_cast<T>(v)
                                                                                      : fallback;
    }
    double d = it->get<double>();
    return std::isfinite(d) && d >= lo && d < hi ? static_cast<T>(d) : fallback;
  }
}

std::string text(const nlohmann::json& o, const char* key) {
  if (!o.is_object()) return "";
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

// "Too Many Requests: retry after 35" -> 35, for servers that leave parameters out.
int retry_after_from_text(const std::string& desc) {
  static const std::regex re(R"(retry after (\d{1,7}))", std::regex::icase);
  std::smatch m;
  if (std::regex_search(desc, m, re)) return std::stoi(m[1].str());
  return 0;
}

}  // namespace

UploadResult upload_result_from_message(const nlohmann::json& message) {
  if (!message.is_object())
    throw UploadError(UploadError::Kind::Fatal, "Telegram's reply carries no Message");
  UploadResult r;
  r.message_id = num<std::int64_t>(message, "message_id", 0);
  if (message.contains("chat")) r.channel_id = num<std::int64_t>(message["chat"], "id", 0);
  r.caption = text(message, "caption");
  const nlohmann::json* media = nullptr;
  for (const char* key : {"video", "animation", "document", "audio"}) {
    auto it = message.find(key);
    if (it != message.end() && it->is_object()) {
      media = &*it;
      break;
    }
  }
  if (r.message_id <= 0) throw UploadError(UploadError::Kind::Fatal, "Telegram's reply has no message_id");
  if (!media) throw UploadError(UploadError::Kind::Fatal, "Telegram's reply carries no video or document");
  r.file_id = text(*media, "file_id");
  r.file_unique_id = text(*media, "file_unique_id");
  if (r.file_id.empty() || r.file_unique_id.empty())
    throw UploadError(UploadError::Kind::Fatal, "Telegram's reply has no file_id / file_unique_id");
  r.size_bytes = num<std::int64_t>(*media, "file_size", 0);
  r.duration_s = num<double>(*media, "duration", 0);
  r.width = num<int>(*media, "width", 0);
  r.height = num<int>(*media, "height", 0);
  r.mime_type = text(*media, "mime_type");
  return r;
}

std::string rights_message(const std::string& account, std::int64_t channel_id,
                           const std::string& telegram_text) {
  return "account " + account + " cannot post to channel " + std::to_string(channel_id) + ": " +
         telegram_text +
         " \xE2\x80\x94 make it an admin of the channel with 'Post messages' (or fix chat_id in "
         "[[channels]]); "
         "`cmup doctor` checks every channel";
}

UploadError upload_error_from(const BotApiError& e, const UploadErrorContext& ctx) {
  using K = UploadError::Kind;
  const std::string desc = lower(e.description);
  const std::string who = "account " + ctx.account + ": ";
  if (e.error_code == 429) {
    int retry = e.retry_after > 0 ? e.retry_after : retry_after_from_text(e.description);
    if (retry <= 0) retry = 5;  // Telegram always says; a proxy may not. Wait a little anyway.
    return UploadError(K::FloodWait,
                       who + "flood wait " + std::to_string(retry) + " s (" + e.description + ")", retry);
  }
  if (e.error_code == 413 || contains(desc, "too big") || contains(desc, "too large")) {
    // Above the configured limit, that limit is the answer; at or below it, the server's
    // real limit is smaller and unknown (0 tells the planner to halve).
    std::int64_t limit =
        ctx.max_upload_bytes > 0 && ctx.file_size > ctx.max_upload_bytes ? ctx.max_upload_bytes : 0;
    return UploadError(K::TooBig,
                       who + "file of " + std::to_string(ctx.file_size) + " bytes refused: " + e.description,
                       0, limit);
  }
  if (e.error_code == 403 || contains(desc, "chat not found") || contains(desc, "not enough rights") ||
      contains(desc, "need administrator rights") || contains(desc, "chat_write_forbidden") ||
      contains(desc, "not a member") || contains(desc, "chat_admin_required") ||
      contains(desc, "have no rights") || contains(desc, "have no write access") ||
      contains(desc, "channel_private")) {
    return UploadError(K::Rights, rights_message(ctx.account, ctx.channel_id, e.description));
  }
  if (e.error_code == 0 || e.error_code >= 500) return UploadError(K::Transient, who + e.what());
  if (e.error_code == 401)
    return UploadError(K::Fatal, who + "the bot token was refused (" + e.description +
                                     "): set it again (CMUP_ACCOUNT_<NAME>_TOKEN)");
  return UploadError(K::Fatal, who + e.what());
}

}  // namespace cmup
