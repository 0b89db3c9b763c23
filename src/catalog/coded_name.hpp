// Coded storage names: the only names that ever reach Telegram storage.
//
//   movie     CM_M{title id, 6 digits}_{QUALITY}              CM_M000321_1080P
//   episode   CM_T{show id, 6}_S{season, 2}E{episode, 2}_{Q}  CM_T000045_S01E03_720P
//   part      {coded name}_P{n}of{N}                          CM_M000321_2160P_P1of3
//
// Ids and numbers wider than their padding are written in full (CM_M1234567_720P).
// The id is the local title id, assigned once and never reused. Base names use only
// A-Z 0-9 _; the part suffix keeps the documented lower-case "of".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/quality.hpp"

namespace cmup {

std::string movie_coded_name(std::int64_t title_id, Quality q);
std::string episode_coded_name(std::int64_t show_title_id, int season, int episode, Quality q);
// Requires 1 <= part_no <= part_count.
std::string part_coded_name(std::string_view coded_name, int part_no, int part_count);

// True when `name` is one of the three forms above (upper-case base; parts add "_P{n}of{N}").
bool is_valid_coded_name(std::string_view name);

struct ParsedCodedName {
  char kind = 'M';  // 'M' movie, 'T' episode
  std::int64_t title_id = 0;
  int season = 0, episode = 0;
  Quality quality = Quality::Unknown;
  int part_no = 0, part_count = 0;  // 0 when not a part
};
// Parses any of the three forms; nullopt when `name` is not one of them.
std::optional<ParsedCodedName> parse_coded_name(std::string_view name);

}  // namespace cmup
