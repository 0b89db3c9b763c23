// Progress of one stage of a job, reported to `cmup status` and the coordinator.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace cmup {

struct Progress {
  std::string stage;            // "probe", "download", "remux", "split", "upload", "adopt"
  std::int64_t bytes_done = 0;
  std::int64_t bytes_total = 0; // 0 when unknown
  double rate_bps = 0;          // bytes per second, recent
  double eta_s = -1;            // -1 when unknown
  int part_no = 0, part_count = 0;
};

// Called often (keep it cheap); may be called from a worker thread.
using ProgressFn = std::function<void(const Progress&)>;

}  // namespace cmup
