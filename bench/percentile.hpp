// The percentile the benchmarks report: nearest rank over the sorted samples (p in [0, 1];
// 0.5 the median, 1.0 the maximum); 0 for no samples.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace cmup::bench {

inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace cmup::bench
