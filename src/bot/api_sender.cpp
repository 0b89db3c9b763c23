#include "bot/api_sender.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace cmup::bot {
namespace {
thread_local std::chrono::steady_clock::time_point t_arrival{};
}

ArrivalScope::ArrivalScope(std::chrono::steady_clock::time_point t) : saved_(t_arrival) { t_arrival = t; }
ArrivalScope::~ArrivalScope() { t_arrival = saved_; }
std::chrono::steady_clock::time_point ArrivalScope::current() { return t_arrival; }

ApiSender::ApiSender(std::string api_url, std::string token, PacingLimits limits, PacerClock& clock)
    : api_url_(std::move(api_url)),
      token_(std::move(token)),
      limiter_(limits, clock),
      clients_([this] { return std::make_unique<BotApiClient>(api_url_, token_); }) {}

void ApiSender::set_send_observer(SendObserver o) {
  std::lock_guard lk(observer_mu_);
  observer_ = o ? std::make_shared<SendObserver>(std::move(o)) : nullptr;
}

void ApiSender::wait_for_slot(std::int64_t slot_us, const std::string& method,
                              const std::atomic<bool>* cancel) {
  PacerClock& clock = limiter_.clock();
  if (!cancel) return clock.sleep_until_us(slot_us);
  // In short steps, so a stop is seen while a chat waits for its pacing or a 429's end.
  constexpr std::int64_t kStepUs = 50'000;
  for (std::int64_t now = clock.now_us(); now < slot_us; now = clock.now_us()) {
    if (cancel->load()) throw BotApiError(0, method + ": cancelled (the bot is stopping)");
    clock.sleep_until_us(std::min(slot_us, now + kStepUs));
  }
  if (cancel->load()) throw BotApiError(0, method + ": cancelled (the bot is stopping)");
}

nlohmann::json ApiSender::send(std::int64_t chat_id, const std::string& method, const nlohmann::json& params,
                               const std::atomic<bool>* cancel) {
  for (int attempt = 0;; ++attempt) {
    wait_for_slot(limiter_.reserve(chat_id, limiter_.clock().now_us()), method, cancel);
    std::shared_ptr<SendObserver> obs;
    {
      std::lock_guard lk(observer_mu_);
      obs = observer_;
    }
    if (obs) (*obs)(SendEvent{method, chat_id, ArrivalScope::current(), std::chrono::steady_clock::now()});
    try {
      auto client = clients_.borrow();
      return client->call(method, params, 60000, cancel);
    } catch (const BotApiError& e) {
      if (e.error_code == 429) ++rate_limited_;
      if (e.error_code != 429 || attempt >= kMaxRateLimitRetries) throw;
      int wait_s = e.retry_after > 0 ? e.retry_after : 1;
      spdlog::warn("bot: {} to chat {}: Telegram asks to wait {} s; that chat waits, others go on", method,
                   chat_id, wait_s);
      limiter_.block_chat(chat_id, limiter_.clock().now_us() + static_cast<std::int64_t>(wait_s) * 1'000'000);
    }
  }
}

nlohmann::json ApiSender::call(const std::string& method, const nlohmann::json& params, long timeout_ms,
                               const std::atomic<bool>* cancel) {
  auto client = clients_.borrow();
  try {
    return client->call(method, params, timeout_ms, cancel);
  } catch (const BotApiError& e) {
    if (e.error_code == 429) ++rate_limited_;
    throw;
  }
}

}  // namespace cmup::bot
