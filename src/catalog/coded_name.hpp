// Coded storage names: the only names that ever reach Telegram storage.
//
//   movie     CM_M{title id, 6 digits}_{QUALITY}              CM_M000321_1080P
//   episode   CM_T{show id, 6}_S{season, 2}E{episode, 2}_{Q}  CM_T000045_S01E03_720P
//   part      {coded name}_P{n}of{N}                          CM_M000321_2160P_P1of3
//
// Ids and numbers wider than their padding are written in full (CM_M1234567_720P).
// The id is the local title id, assigned once and never reused. Base names use only
// A-Z 0-9 _; the part suffix keeps the documented lower-case "of".
//
// The caption protocol (DESIGN.md §5): every stored file's caption is its stored name, a
// space and the attempt's nonce as a hashtag, "CM_M000321_1080P_P2of3 #a1b2c3". After a crash
// between Telegram's answer and the write-back, the next attempt finds the upload by that tag
// (caption_has_nonce) and reads which part it was from the caption (caption_part).
// This module is the only place that writes or reads these names and captions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "catalog/quality.hpp"

namespace cmup {

std::string movie_coded_name(std::int64_t title_id, Quality q);
std::string episode_coded_name(std::int64_t show_title_id, int season, int episode, Quality q);
// Requires 1 <= part_no <= part_count.
std::string part_coded_name(std::string_view coded_name, int part_no, int part_count);

// The name a stored file gets: the bare coded name when the variant is one file
// (part_count <= 1), part_coded_name() otherwise.
std::string stored_name(std::string_view coded_name, int part_no, int part_count);

// "#a1b2c3" for nonce "a1b2c3" (a nonce already starting with '#' is kept).
std::string nonce_tag(std::string_view nonce);
// "<stored name> #<nonce>".
std::string nonce_caption(std::string_view stored_name, std::string_view nonce);
// True when `caption` holds the nonce's tag as a whole word (not a prefix of a longer tag).
bool caption_has_nonce(std::string_view caption, std::string_view nonce);
// Which part of `coded_name` a caption of ours names: (n, N), (1, 1) for the bare name;
// nullopt when the caption is not about `coded_name`.
std::optional<std::pair<int, int>> caption_part(std::string_view caption, std::string_view coded_name);

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
