// The delivery bot's way out to Telegram: every message-producing call goes through the
// message pacer (telegram/message_pacer.hpp), and a 429 for a chat blocks only that chat for its retry_after.
//
// Contract: send() waits for the chat's slot (queued, never dropped), calls the method and
// returns its result. On 429 it blocks the chat for retry_after seconds (1 when absent) and
// tries again, up to kMaxRateLimitRetries times, then rethrows the BotApiError. Other
// errors propagate as BotApiError at once. call() is for calls that post nothing to a chat
// (answerCallbackQuery, getUpdates, getMe): no pacing. Thread-safe: each call borrows its own
// BotApiClient from a pool.
//
// Stopping: both take an optional `cancel` flag; once another thread sets it, a paced wait
// ends and the request in flight is abandoned within about 0.1 s, with BotApiError code 0
// (whether Telegram acted on an abandoned request is unknown). Every 429 answer is counted
// (rate_limited_total(), shown on /metrics).
//
// Bench hook: set_send_observer() is told, just before each paced request leaves, the time
// the update that caused it arrived (when the calling thread runs inside an ArrivalScope).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "bot/resource_pool.hpp"
#include "telegram/bot_api.hpp"
#include "telegram/message_pacer.hpp"

namespace cmup::bot {

inline constexpr int kMaxRateLimitRetries = 8;

struct SendEvent {
  std::string method;
  std::int64_t chat_id = 0;
  std::chrono::steady_clock::time_point update_arrived;  // epoch (zero) when not caused by an update
  std::chrono::steady_clock::time_point leaving;
};
using SendObserver = std::function<void(const SendEvent&)>;

// Marks the calling thread as handling an update that arrived at `t` (for the bench hook).
class ArrivalScope {
 public:
  explicit ArrivalScope(std::chrono::steady_clock::time_point t);
  ~ArrivalScope();
  ArrivalScope(const ArrivalScope&) = delete;
  ArrivalScope& operator=(const ArrivalScope&) = delete;
  static std::chrono::steady_clock::time_point current();

 private:
  std::chrono::steady_clock::time_point saved_;
};

class ApiSender {
 public:
  ApiSender(std::string api_url, std::string token, PacingLimits limits, PacerClock& clock);

  nlohmann::json send(std::int64_t chat_id, const std::string& method, const nlohmann::json& params,
                      const std::atomic<bool>* cancel = nullptr);
  nlohmann::json call(const std::string& method, const nlohmann::json& params, long timeout_ms = 60000,
                      const std::atomic<bool>* cancel = nullptr);

  // 429 answers from the Bot API since this sender was made (retried ones included).
  std::int64_t rate_limited_total() const { return rate_limited_.load(); }

  void set_send_observer(SendObserver o);
  MessagePacer& limiter() { return limiter_; }

 private:
  void wait_for_slot(std::int64_t slot_us, const std::string& method, const std::atomic<bool>* cancel);

  std::string api_url_;
  std::string token_;
  MessagePacer limiter_;
  ResourcePool<BotApiClient> clients_;
  std::mutex observer_mu_;
  std::shared_ptr<SendObserver> observer_;
  std::atomic<std::int64_t> rate_limited_{0};
};

}  // namespace cmup::bot
