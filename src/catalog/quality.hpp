// Video quality labels, the closed set cmup stores and shows.
// Inference from hints (CM fields, labels, file names) lives in quality_rules.{hpp,cpp}.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cmup {

enum class Quality { Q2160P, Q1440P, Q1080P, Q720P, Q576P, Q480P, Unknown };

// "2160P", "1440P", "1080P", "720P", "576P", "480P", "UNKNOWN".
std::string_view quality_label(Quality q);
// Inverse of quality_label (exact, upper case); nullopt for anything else.
std::optional<Quality> quality_from_label(std::string_view label);
// The quality whose nominal height is nearest to a probed video height (e.g. 1080 -> 1080P,
// 800 -> 720P); Unknown for heights <= 0.
Quality quality_from_height(int height);

}  // namespace cmup
