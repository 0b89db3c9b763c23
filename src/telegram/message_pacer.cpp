#include "telegram/message_pacer.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace cmup {

std::int64_t SteadyPacerClock::now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void SteadyPacerClock::sleep_until_us(std::int64_t t) {
  auto d = t - now_us();
  if (d > 0) std::this_thread::sleep_for(std::chrono::microseconds(d));
}

std::int64_t FakePacerClock::now_us() {
  std::lock_guard lk(mu_);
  return now_;
}

void FakePacerClock::sleep_until_us(std::int64_t t) {
  std::lock_guard lk(mu_);
  now_ = std::max(now_, t);
}

void FakePacerClock::advance_us(std::int64_t d) {
  std::lock_guard lk(mu_);
  now_ += d;
}

namespace {
std::int64_t interval_us(double per_s) { return per_s > 0 ? static_cast<std::int64_t>(1e6 / per_s) : 0; }
}  // namespace

MessagePacer::MessagePacer(PacingLimits limits, PacerClock& clock)
    : limits_(limits),
      clock_(clock),
      chat_interval_us_(interval_us(limits.chat_per_s)),
      chat_tolerance_us_(chat_interval_us_ * std::max(0, limits.chat_burst - 1)),
      global_max_(static_cast<std::int64_t>(limits.global_per_s)) {}

// The earliest t' >= t such that no window of `window_us` holding t' holds `max` or more of
// `slots` (a sliding window: a burst of `max` may go at once). Books nothing.
std::int64_t MessagePacer::fit_window(const std::multiset<std::int64_t>& slots, std::int64_t max,
                                      std::int64_t window_us, std::int64_t t) {
  if (max <= 0) return t;
  for (;;) {
    auto lo = slots.upper_bound(t - window_us);  // slots in (t - W, t]
    auto hi = slots.upper_bound(t);
    if (std::distance(lo, hi) >= max) {
      t = *lo + window_us;  // when the oldest of them leaves the window
      continue;
    }
    // Bookings already made for later (a chat waiting out a 429) count as well.
    auto ahead_end = slots.lower_bound(t + window_us);
    auto ahead_begin = slots.lower_bound(t);
    if (std::distance(ahead_begin, ahead_end) >= max) {
      t = *std::prev(ahead_end) + 1;
      continue;
    }
    return t;
  }
}

void MessagePacer::prune(std::int64_t now_us) {
  global_slots_.erase(global_slots_.begin(), global_slots_.lower_bound(now_us - kWindowUs));
  for (auto it = group_slots_.begin(); it != group_slots_.end();) {
    auto& booked = it->second;
    booked.erase(booked.begin(), booked.lower_bound(now_us - kGroupWindowUs));
    it = booked.empty() ? group_slots_.erase(it) : std::next(it);
  }
  // Chats whose bucket is full again carry no state worth keeping.
  if (chat_tat_.size() > 4096) {
    for (auto it = chat_tat_.begin(); it != chat_tat_.end();)
      it = it->second < now_us ? chat_tat_.erase(it) : std::next(it);
    for (auto it = chat_blocked_.begin(); it != chat_blocked_.end();)
      it = it->second < now_us ? chat_blocked_.erase(it) : std::next(it);
  }
}

std::int64_t MessagePacer::reserve(std::int64_t chat_id, std::int64_t now_us) {
  std::lock_guard lk(mu_);
  prune(now_us);
  std::int64_t earliest = now_us;
  if (auto b = chat_blocked_.find(chat_id); b != chat_blocked_.end())
    earliest = std::max(earliest, b->second);
  std::int64_t tat = now_us;
  if (auto it = chat_tat_.find(chat_id); it != chat_tat_.end()) tat = std::max(tat, it->second);
  earliest = std::max(earliest, tat - chat_tolerance_us_);
  // Each window only ever moves a slot later: fit the group's minute and the overall second
  // in turn until neither moves it.
  const bool group = limits_.group_per_minute > 0 && chat_id < 0;
  std::multiset<std::int64_t>* group_slots = group ? &group_slots_[chat_id] : nullptr;
  std::int64_t slot = earliest;
  for (;;) {
    if (group_slots) slot = fit_window(*group_slots, limits_.group_per_minute, kGroupWindowUs, slot);
    std::int64_t fitted = fit_window(global_slots_, global_max_, kWindowUs, slot);
    if (fitted == slot) break;
    slot = fitted;
  }
  if (global_max_ > 0) global_slots_.insert(slot);
  if (group_slots) group_slots->insert(slot);
  chat_tat_[chat_id] = std::max(tat, slot) + chat_interval_us_;
  return slot;
}

void MessagePacer::acquire(std::int64_t chat_id) { clock_.sleep_until_us(reserve(chat_id, clock_.now_us())); }

void MessagePacer::block_chat(std::int64_t chat_id, std::int64_t until_us) {
  std::lock_guard lk(mu_);
  auto& b = chat_blocked_[chat_id];
  b = std::max(b, until_us);
  // After the block, the chat starts again with one message, not a full burst.
  auto& tat = chat_tat_[chat_id];
  tat = std::max(tat, until_us + chat_tolerance_us_);
}

std::int64_t MessagePacer::blocked_until(std::int64_t chat_id) {
  std::lock_guard lk(mu_);
  auto it = chat_blocked_.find(chat_id);
  return it == chat_blocked_.end() ? 0 : it->second;
}

}  // namespace cmup
