// Delivery: sends a stored variant to a Telegram user by the bot's saved file ids
// (issue 8). Used by the bot's conversations and by the web API's Mini App "Send to me".
//
// Contract: deliver() resolves the variant to its telegram_objects (ordered parts) and
// sends them to `chat_id` (sendVideo/sendDocument by the bot's own file_id, sendMediaGroup
// for parts, copyMessage from the storage channel when the file id is missing or rejected),
// honouring rate limits (queued, not dropped) and the per-user daily limit; every call writes
// one `deliveries` row. It never re-downloads or re-uploads, and never needs CM.
// Thread-safe: the web server calls it from its request threads.
#pragma once

#include <cstdint>
#include <string>

namespace cmup {

struct DeliveryRequest {
  std::int64_t user_id = 0;
  std::int64_t chat_id = 0;  // private chat: the same as user_id
  std::int64_t variant_id = 0;
  std::string via;  // "deep_link", "search", "mini_app", "api"
};

struct DeliveryResult {
  enum class Outcome { Sent, FallbackCopy, NotAvailable, RateLimited, Failed };
  Outcome outcome = Outcome::Failed;
  std::string message;  // user-facing text on failure (from the bot's texts)
  int parts_sent = 0;
};

// Whether deliveries can go now, and why not (for /health, /metrics and a 503's Retry-After).
struct DeliveryStatus {
  bool ready = true;
  std::string state = "ready";          // "connecting", "unreachable", "token_refused", "ready", "stopped"
  std::string reason;                   // why it is not ready, in the operator's words; empty when ready
  int retry_after_s = 0;                // not ready: seconds until the next try to reach Telegram
  std::int64_t rate_limited_total = 0;  // 429 answers from the Bot API since start
};

class Delivery {
 public:
  virtual ~Delivery() = default;
  virtual DeliveryResult deliver(const DeliveryRequest& req) = 0;
  // Thread-safe; cheap (no I/O). A Delivery without a connection to wait for is always ready.
  virtual DeliveryStatus status() { return {}; }
};

}  // namespace cmup
