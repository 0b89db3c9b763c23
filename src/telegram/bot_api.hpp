// A Bot API client: JSON methods over HTTP (libcurl), against Telegram's cloud, a
// self-hosted telegram-bot-api server, or cmup-sim-telegram.
//
// Contract: call() returns the `result` of a successful reply. A reply with ok=false
// throws BotApiError carrying Telegram's error_code, description and retry_after (from
// parameters.retry_after, 0 when absent). A transport failure (no HTTP answer, or a body
// that is not a Bot API reply) throws BotApiError with error_code 0. The token is part of
// the URL only and never appears in an error message. Not thread-safe: one per thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <memory>
#include <stdexcept>
#include <string>

namespace cmup {

class HttpClient;

class BotApiError : public std::runtime_error {
 public:
  BotApiError(int error_code, const std::string& description, int retry_after = 0,
              std::int64_t migrate_to_chat_id = 0);
  int error_code;      // 400, 401, 403, 404, 409, 413, 429, 5xx; 0 = transport failure
  std::string description;
  int retry_after;     // seconds, for 429
  std::int64_t migrate_to_chat_id;
};

class BotApiClient {
 public:
  // base_url e.g. "https://api.telegram.org" or "http://127.0.0.1:8091".
  BotApiClient(std::string base_url, std::string token, long timeout_ms = 60000);
  ~BotApiClient();
  BotApiClient(const BotApiClient&) = delete;
  BotApiClient& operator=(const BotApiClient&) = delete;

  nlohmann::json call(const std::string& method, const nlohmann::json& params);
  // Long-polling calls (getUpdates) need a timeout longer than the poll. `cancel`, when set
  // true from another thread, abandons the call within about a second: it then throws
  // BotApiError with error_code 0 (the call's effect, if it reached Telegram, is unknown).
  nlohmann::json call(const std::string& method, const nlohmann::json& params, long timeout_ms,
                      const std::atomic<bool>* cancel = nullptr);

  // "<base>/bot<token>/<method>": for callers that build their own (multipart) request.
  std::string method_url(const std::string& method) const;
  const std::string& base_url() const { return base_url_; }
  // Parses a Bot API reply body: returns `result` or throws BotApiError.
  static nlohmann::json parse_reply(long http_status, const std::string& body);

 private:
  std::string base_url_;
  std::string token_;
  long timeout_ms_;
  std::unique_ptr<HttpClient> http_;
};

}  // namespace cmup
