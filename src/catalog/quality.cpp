#include "catalog/quality.hpp"

#include <array>
#include <cstdlib>
#include <utility>

namespace cmup {

namespace {
constexpr std::array<std::pair<Quality, std::string_view>, 7> kLabels{{
    {Quality::Q2160P, "2160P"},
    {Quality::Q1440P, "1440P"},
    {Quality::Q1080P, "1080P"},
    {Quality::Q720P, "720P"},
    {Quality::Q576P, "576P"},
    {Quality::Q480P, "480P"},
    {Quality::Unknown, "UNKNOWN"},
}};
}  // namespace

std::string_view quality_label(Quality q) {
  for (const auto& [k, v] : kLabels)
    if (k == q) return v;
  return "UNKNOWN";
}

std::optional<Quality> quality_from_label(std::string_view label) {
  for (const auto& [k, v] : kLabels)
    if (v == label) return k;
  return std::nullopt;
}

Quality quality_from_height(int height) {
  if (height <= 0) return Quality::Unknown;
  // Thresholds sit between nominal heights, so cropped (e.g. 2.39:1 1080p at 800 rows)
  // still map down to the nearest class below the next one.
  if (height >= 1800) return Quality::Q2160P;
  if (height >= 1300) return Quality::Q1440P;
  if (height >= 900) return Quality::Q1080P;
  if (height >= 650) return Quality::Q720P;
  if (height >= 540) return Quality::Q576P;
  return Quality::Q480P;
}

}  // namespace cmup
