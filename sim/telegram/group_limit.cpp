#include "group_limit.hpp"

#include <cmath>

namespace cmup::simtg {

void GroupLimit::set_window_scale(double scale) {
  std::lock_guard lk(mu_);
  window_s_ = kGroupWindowSeconds * scale;
}

std::optional<int> GroupLimit::check(std::int64_t bot_id, std::int64_t chat_id) {
  if (chat_id >= 0) return std::nullopt;  // a private chat: only the per-chat limit applies
  std::lock_guard lk(mu_);
  const auto now = Clock::now();
  const auto window = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(window_s_));
  auto& sent = sent_[{bot_id, chat_id}];
  // A sliding window: the calls of the last `window` count, each until it is that old.
  while (!sent.empty() && sent.front() + window <= now) sent.pop_front();
  if (static_cast<int>(sent.size()) >= kGroupMessagesPerWindow) {
    const double wait = std::chrono::duration<double>(sent.front() + window - now).count();
    return std::max(1, static_cast<int>(std::ceil(wait)));
  }
  sent.push_back(now);
  return std::nullopt;
}

void GroupLimit::refund(std::int64_t bot_id, std::int64_t chat_id) {
  if (chat_id >= 0) return;
  std::lock_guard lk(mu_);
  auto it = sent_.find({bot_id, chat_id});
  if (it != sent_.end() && !it->second.empty()) it->second.pop_back();
}

}  // namespace cmup::simtg
