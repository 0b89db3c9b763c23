// Wall-clock time as stored in the database: Unix milliseconds.
#pragma once
#include <chrono>
#include <cstdint>

namespace cmup {

inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The start of the UTC day holding `ms` (daily limits and "today" counts reset there).
inline std::int64_t utc_day_start_ms(std::int64_t ms) { return ms - ms % 86'400'000; }

}  // namespace cmup
