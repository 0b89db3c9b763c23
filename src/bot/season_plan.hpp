// "Send the whole season": the pure parts, so they can be tested without Telegram.
//
//  - SeasonRef names a season and an optional quality; it travels in a deep link
//    (`/start s<title>_<season>[_<QUALITY>]`, within Telegram's 1-64 chars of A-Za-z0-9_-)
//    and in a button's callback data (`A:<title>:<season>[:<QUALITY>]`, at most 64 bytes).
//    The parsers accept exactly what the makers produce and a known quality label
//    (catalog/quality.hpp), nothing else.
//  - plan_season() orders a season: episodes by episode number, each episode's parts in
//    order, choosing per episode the asked quality when it is stored, else its best one.
//  - album_size() says how many of the next parts go out in one sendMediaGroup: up to 10 of
//    one kind (videos and documents cannot share an album) whose bot file ids are known (a
//    part without one is copied from the storage channel, alone: copies cannot form albums).
// Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmup::bot {

struct SeasonRef {
  std::int64_t title_id = 0;
  int season = 0;
  std::string quality;  // "" = best per episode; else a label like "1080P"
  bool operator==(const SeasonRef&) const = default;
};

std::optional<SeasonRef> parse_season_start(std::string_view payload);
std::string season_start_payload(const SeasonRef& s);
std::optional<SeasonRef> parse_season_callback(std::string_view data);
std::string season_callback_data(const SeasonRef& s);

// One episode with its stored variants, best quality first (as bot_catalog::qualities()).
struct EpisodeVariants {
  int episode = 0;
  struct Variant {
    std::int64_t variant_id = 0;
    std::string quality;
    int part_count = 1;
  };
  std::vector<Variant> variants;
};

struct PlannedPart {
  int episode = 0;
  std::int64_t variant_id = 0;
  int part_no = 1;
  bool operator==(const PlannedPart&) const = default;
};
std::vector<PlannedPart> plan_season(std::vector<EpisodeVariants> episodes, const std::string& quality);

// The qualities stored for any episode of the season, best first.
std::vector<std::string> season_qualities(const std::vector<EpisodeVariants>& episodes);

// What album_size() needs to know of a part about to be sent.
struct PartToSend {
  bool is_video = false;
  bool has_bot_file_id = false;
};
inline constexpr std::size_t kAlbumMax = 10;
std::size_t album_size(const std::vector<PartToSend>& next);

}  // namespace cmup::bot
