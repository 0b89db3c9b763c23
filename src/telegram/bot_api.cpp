#include "telegram/bot_api.hpp"

#include <nlohmann/json.hpp>

#include "util/http_client.hpp"
#include "util/safe_text.hpp"

namespace cmup {

BotApiError::BotApiError(int code, const std::string& desc, int retry, std::int64_t migrate)
    : std::runtime_error(code == 0 ? "Telegram unreachable: " + desc
                                   : "Telegram error " + std::to_string(code) + ": " + desc),
      error_code(code),
      description(desc),
      retry_after(retry),
      migrate_to_chat_id(migrate) {}

BotApiClient::BotApiClient(std::string base_url, std::string token, long timeout_ms)
    : base_url_(std::move(base_url)),
      token_(std::move(token)),
      timeout_ms_(timeout_ms),
      http_(std::make_unique<HttpClient>()) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

BotApiClient::~BotApiClient() = default;

std::string BotApiClient::method_url(const std::string& method) const {
  return base_url_ + "/bot" + token_ + "/" + method;
}

nlohmann::json BotApiClient::call(const std::string& method, const nlohmann::json& params) {
  return call(method, params, timeout_ms_);
}

nlohmann::json BotApiClient::call(const std::string& method, const nlohmann::json& params, long timeout_ms,
                                  const std::atomic<bool>* cancel) {
  HttpRequest req;
  req.method = "POST";
  req.url = method_url(method);
  req.body = params.is_null() ? "{}" : safe_dump(params);
  req.headers.emplace_back("Content-Type", "application/json");
  req.timeout_ms = timeout_ms;
  req.cancel = cancel;
  auto resp = http_->perform(req);
  if (resp.status == 0) throw BotApiError(0, method + ": " + resp.error);
  return parse_reply(resp.status, resp.body);
}

nlohmann::json BotApiClient::parse_reply(long http_status, const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("ok") || !j["ok"].is_boolean()) {
    // A proxy's HTML error page, a truncated body: not Telegram's answer.
    if (http_status >= 500)
      throw BotApiError(static_cast<int>(http_status), "server error (not a Bot API reply)");
    throw BotApiError(0, "HTTP " + std::to_string(http_status) + " without a Bot API reply");
  }
  if (j["ok"].get<bool>()) return j.contains("result") ? j["result"] : nlohmann::json();
  // Replies are untrusted: a field of the wrong type or range must not throw anything but
  // BotApiError (nor overflow an int).
  auto small_int = [](const nlohmann::json& v, int fallback) {
    if (!v.is_number_integer()) return fallback;
    auto n = v.get<std::int64_t>();
    return n >= 0 && n <= 100'000'000 ? static_cast<int>(n) : fallback;
  };
  int code = static_cast<int>(http_status > 0 && http_status < 1000 ? http_status : 0);
  if (j.contains("error_code")) code = small_int(j["error_code"], code);
  // Echoed into failure reasons, the database and logs: bounded and printable.
  std::string desc = j.contains("description") && j["description"].is_string()
                         ? safe_text(j["description"].get<std::string>(), 512)
                         : "no description";
  int retry = 0;
  std::int64_t migrate = 0;
  if (j.contains("parameters") && j["parameters"].is_object()) {
    const auto& p = j["parameters"];
    if (p.contains("retry_after")) retry = small_int(p["retry_after"], 0);
    if (p.contains("migrate_to_chat_id") && p["migrate_to_chat_id"].is_number_integer())
      migrate = p["migrate_to_chat_id"].get<std::int64_t>();
  }
  throw BotApiError(code, desc, retry, migrate);
}

}  // namespace cmup
