// The pure parts of "send the whole season" (src/bot/season_plan.hpp): the deep-link and
// button formats, the order of a season, and how parts are grouped into albums.
#include <gtest/gtest.h>

#include <cctype>

#include "bot/season_plan.hpp"

namespace cmup::bot {
namespace {

TEST(SeasonRefs, DeepLinkPayloadsRoundTripWithinTelegramsAlphabet) {
  for (const SeasonRef& r : {SeasonRef{12, 1, ""}, SeasonRef{900719925474099, 9999, "2160P"}, SeasonRef{3, 0, "UNKNOWN"}}) {
    auto p = season_start_payload(r);
    EXPECT_LE(p.size(), 64u) << p;
    for (char c : p) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') << p;
    EXPECT_EQ(parse_season_start(p), r) << p;
    auto d = season_callback_data(r);
    EXPECT_LE(d.size(), 64u) << d;
    EXPECT_EQ(parse_season_callback(d), r) << d;
  }
  EXPECT_EQ(season_start_payload({12, 1, "1080P"}), "s12_1_1080P");
  EXPECT_EQ(season_callback_data({12, 1, ""}), "A:12:1");
}

TEST(SeasonRefs, AnythingElseIsNotASeason) {
  for (const char* p : {"", "s", "s12", "s12_", "s_1", "s0_1", "s12_1_", "s12_1_1080p", "s12_1_HD", "s12_10000",
                        "s12_-1", "s12_1_1080P_x", "v12", "S12_1", "s012_1", "s12_01", "s12 1",
                        "s99999999999999999999_1"})
    EXPECT_FALSE(parse_season_start(p)) << p;
  for (const char* d : {"A:", "A:12", "A:12:", "A:12:1:", "A:x:1", "a:12:1", "A:12:1:1080P:x", "s:12:1"})
    EXPECT_FALSE(parse_season_callback(d)) << d;
}

TEST(SeasonPlan, EpisodesInNumberOrderPartsInOrderAskedQualityElseBest) {
  std::vector<EpisodeVariants> eps = {
      {3, {{31, "1080P", 1}, {32, "720P", 1}}},
      {1, {{11, "1080P", 2}, {12, "720P", 3}}},
      {2, {{21, "2160P", 1}}},  // no 720p: its best instead
      {4, {}},                  // nothing stored: left out
  };
  auto plan = plan_season(eps, "720P");
  std::vector<PlannedPart> want = {{1, 12, 1}, {1, 12, 2}, {1, 12, 3}, {2, 21, 1}, {3, 32, 1}};
  EXPECT_EQ(plan, want);
  auto best = plan_season(eps, "");
  std::vector<PlannedPart> want_best = {{1, 11, 1}, {1, 11, 2}, {2, 21, 1}, {3, 31, 1}};
  EXPECT_EQ(best, want_best);
  EXPECT_EQ(season_qualities(eps), (std::vector<std::string>{"2160P", "1080P", "720P"}));
}

TEST(SeasonAlbums, UpToTenOfOneKindWithKnownIdsElseOneByOne) {
  PartToSend v{true, true}, d{false, true}, unknown{true, false};
  EXPECT_EQ(album_size({}), 0u);
  EXPECT_EQ(album_size(std::vector<PartToSend>(13, v)), 10u);
  EXPECT_EQ(album_size({v, v, d, v}), 2u);          // a document cannot join a video album
  EXPECT_EQ(album_size({v, v, unknown, v}), 2u);    // a part to copy waits for its own turn
  EXPECT_EQ(album_size({unknown, v, v}), 1u);       // copied alone
  EXPECT_EQ(album_size({d, d, d}), 3u);
}

}  // namespace
}  // namespace cmup::bot
