#include "bot/api_sender.hpp"

#include <spdlog/spdlog.h>

namespace cmup::bot {
namespace {
thread_local std::chrono::steady_clock::time_point t_arrival{};
}

ArrivalScope::ArrivalScope(std::chrono::steady_clock::time_point t) : saved_(t_arrival) { t_arrival = t; }
ArrivalScope::~ArrivalScope() { t_arrival = saved_; }
std::chrono::steady_clock::time_point ArrivalScope::current() { return t_arrival; }

ApiSender::ApiSender(std::string api_url, std::string token, RateLimits limits, Clock& clock)
    : api_url_(std::move(api_url)),
      token_(std::move(token)),
      limiter_(limits, clock),
      clients_([this] { return std::make_unique<BotApiClient>(api_url_, token_); }) {}

void ApiSender::set_send_observer(SendObserver o) {
  std::lock_guard lk(observer_mu_);
  observer_ = o ? std::make_shared<SendObserver>(std::move(o)) : nullptr;
}

nlohmann::json ApiSender::send(std::int64_t chat_id, const std::string& method,
                               const nlohmann::json& params) {
  for (int attempt = 0;; ++attempt) {
    limiter_.acquire(chat_id);
    std::shared_ptr<SendObserver> obs;
    {
      std::lock_guard lk(observer_mu_);
      obs = observer_;
    }
    if (obs) (*obs)(SendEvent{method, chat_id, ArrivalScope::current(), std::chrono::steady_clock::now()});
    try {
      auto client = clients_.borrow();
      return client->call(method, params);
    } catch (const BotApiError& e) {
      if (e.error_code != 429 || attempt >= kMaxRateLimitRetries) throw;
      int wait_s = e.retry_after > 0 ? e.retry_after : 1;
      spdlog::warn("bot: {} to chat {}: Telegram asks to wait {} s; that chat waits, others go on", method,
                   chat_id, wait_s);
      limiter_.block_chat(chat_id, limiter_.clock().now_us() + static_cast<std::int64_t>(wait_s) * 1'000'000);
    }
  }
}

nlohmann::json ApiSender::call(const std::string& method, const nlohmann::json& params, long timeout_ms) {
  auto client = clients_.borrow();
  return client->call(method, params, timeout_ms);
}

}  // namespace cmup::bot
