// Turns "bytes done so far" into Progress reports with a recent rate and an ETA, at most
// a few per second (ProgressFn calls reach the coordinator and must stay cheap).
//
// Contract: update() may be called as often as every chunk; it calls the ProgressFn at
// most every `every` and always on finish(). Not thread-safe: one meter per transfer.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "util/progress.hpp"

namespace cmup::media {

class ProgressMeter {
 public:
  ProgressMeter(std::string stage, std::int64_t total, const ProgressFn* fn, int part_no = 0,
                int part_count = 0, std::chrono::milliseconds every = std::chrono::milliseconds(250));
  void set_total(std::int64_t total) { p_.bytes_total = total; }
  void update(std::int64_t done);
  void finish();
  const Progress& last() const { return p_; }

 private:
  void emit(std::chrono::steady_clock::time_point now);
  Progress p_;
  const ProgressFn* fn_;
  std::chrono::milliseconds every_;
  std::chrono::steady_clock::time_point last_emit_{};
  std::chrono::steady_clock::time_point last_sample_;
  std::int64_t last_sample_bytes_ = 0;
};

}  // namespace cmup::media
