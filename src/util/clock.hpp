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

}  // namespace cmup
