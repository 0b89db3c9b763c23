#include "telegram/chat_pacer.hpp"

#include <algorithm>

namespace cmup {

ChatPacer::TimePoint ChatPacer::reserve(std::int64_t chat_id, TimePoint now) {
  auto& booked = booked_[chat_id];
  TimePoint at = now;
  if (!booked.empty()) at = std::max(at, booked.back() + kChatMessageGap);
  // A group or channel: the 20th booking before this one must be a full minute old.
  if (chat_id < 0 && static_cast<int>(booked.size()) >= kGroupMessagesPerMinute)
    at = std::max(at, booked[booked.size() - kGroupMessagesPerMinute] + kGroupWindow);
  booked.push_back(at);
  while (!booked.empty() && booked.front() + kGroupWindow <= at) booked.pop_front();
  return at;
}

}  // namespace cmup
