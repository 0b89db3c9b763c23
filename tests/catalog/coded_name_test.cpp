#include "catalog/coded_name.hpp"

#include <gtest/gtest.h>

namespace cmup {
namespace {

TEST(CodedName, MoviePadsIdToSixDigits) {
  EXPECT_EQ(movie_coded_name(321, Quality::Q1080P), "CM_M000321_1080P");
  EXPECT_EQ(movie_coded_name(1, Quality::Unknown), "CM_M000001_UNKNOWN");
}

TEST(CodedName, EpisodePadsShowSeasonAndEpisode) {
  EXPECT_EQ(episode_coded_name(45, 1, 3, Quality::Q720P), "CM_T000045_S01E03_720P");
  EXPECT_EQ(episode_coded_name(45, 0, 0, Quality::Q480P), "CM_T000045_S00E00_480P");
}

TEST(CodedName, PartsAppendNumberAndCount) {
  EXPECT_EQ(part_coded_name(movie_coded_name(321, Quality::Q2160P), 1, 3), "CM_M000321_2160P_P1of3");
  EXPECT_EQ(part_coded_name("CM_T000045_S01E03_720P", 12, 12), "CM_T000045_S01E03_720P_P12of12");
  EXPECT_THROW(part_coded_name("CM_M000001_720P", 0, 3), std::invalid_argument);
  EXPECT_THROW(part_coded_name("CM_M000001_720P", 4, 3), std::invalid_argument);
}

TEST(CodedName, IdsWiderThanPaddingAreWrittenInFull) {
  EXPECT_EQ(movie_coded_name(1234567, Quality::Q720P), "CM_M1234567_720P");
  EXPECT_EQ(episode_coded_name(1000000, 123, 1001, Quality::Q1080P), "CM_T1000000_S123E1001_1080P");
  auto p = parse_coded_name("CM_M1234567_720P");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->title_id, 1234567);
}

TEST(CodedName, RejectsNonPositiveIds) {
  EXPECT_THROW(movie_coded_name(0, Quality::Q720P), std::invalid_argument);
  EXPECT_THROW(episode_coded_name(-5, 1, 1, Quality::Q720P), std::invalid_argument);
}

TEST(CodedName, OnlyUpperAlnumAndUnderscore) {
  for (auto n : {movie_coded_name(99, Quality::Q1440P), episode_coded_name(7, 2, 9, Quality::Q576P),
                 part_coded_name(movie_coded_name(5, Quality::Q1080P), 2, 2)}) {
    EXPECT_TRUE(is_valid_coded_name(n)) << n;
  }
  EXPECT_FALSE(is_valid_coded_name("CM_M000001_1080p"));
  EXPECT_FALSE(is_valid_coded_name("The Matrix 1080P"));
  EXPECT_FALSE(is_valid_coded_name("XM_M000001_1080P"));
}

TEST(CodedName, ParseRoundTrips) {
  auto p = parse_coded_name("CM_T000045_S01E03_720P_P2of3");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, 'T');
  EXPECT_EQ(p->title_id, 45);
  EXPECT_EQ(p->season, 1);
  EXPECT_EQ(p->episode, 3);
  EXPECT_EQ(p->quality, Quality::Q720P);
  EXPECT_EQ(p->part_no, 2);
  EXPECT_EQ(p->part_count, 3);
  EXPECT_FALSE(parse_coded_name("CM_M000321_1080P_P4of3"));
  EXPECT_FALSE(parse_coded_name("CM_M321_1080P"));
  EXPECT_FALSE(parse_coded_name("CM_M000321_1080"));
}

TEST(CodedName, StoredNameIsBareForOneFile) {
  EXPECT_EQ(stored_name("CM_M000321_1080P", 1, 1), "CM_M000321_1080P");
  EXPECT_EQ(stored_name("CM_M000321_1080P", 2, 3), "CM_M000321_1080P_P2of3");
  EXPECT_THROW(stored_name("CM_M000321_1080P", 4, 3), std::invalid_argument);
}

TEST(CaptionProtocol, CaptionCarriesTheNameAndTheNonceTag) {
  EXPECT_EQ(nonce_caption("CM_M000321_1080P_P2of3", "a1b2c3"), "CM_M000321_1080P_P2of3 #a1b2c3");
  EXPECT_EQ(nonce_tag("#a1b2c3"), "#a1b2c3");
  EXPECT_TRUE(caption_has_nonce(nonce_caption("CM_M000321_1080P", "a1b2c3"), "a1b2c3"));
}

TEST(CaptionProtocol, NonceMatchesOnlyTheWholeTag) {
  EXPECT_TRUE(caption_has_nonce("CM_M000001_720P #a1b2c3", "a1b2c3"));
  EXPECT_TRUE(caption_has_nonce("CM_M000001_720P #a1b2c3", "#a1b2c3"));
  EXPECT_FALSE(caption_has_nonce("CM_M000001_720P #a1b2c3d", "a1b2c3"));
  EXPECT_FALSE(caption_has_nonce("CM_M000001_720P x#a1b2c3", "a1b2c3"));
  EXPECT_FALSE(caption_has_nonce("CM_M000001_720P", ""));
}

TEST(CaptionProtocol, CaptionNamesItsPart) {
  using P = std::pair<int, int>;
  EXPECT_EQ(caption_part("CM_M000321_1080P_P2of3 #a1b2c3", "CM_M000321_1080P"), P(2, 3));
  EXPECT_EQ(caption_part("CM_M000321_1080P #a1b2c3", "CM_M000321_1080P"), P(1, 1));
  EXPECT_EQ(caption_part("CM_M000321_1080P", "CM_M000321_1080P"), P(1, 1));
  // Another variant's caption, or a part number out of range, names no part of ours.
  EXPECT_FALSE(caption_part("CM_M000321_720P #a1b2c3", "CM_M000321_1080P"));
  EXPECT_FALSE(caption_part("CM_M000321_1080P_X #a1b2c3", "CM_M000321_1080P"));
  EXPECT_FALSE(caption_part("CM_M000321_1080P_P4of3 #a1b2c3", "CM_M000321_1080P"));
  EXPECT_FALSE(caption_part("CM_M000321_1080P_P0of3", "CM_M000321_1080P"));
}

TEST(Quality, LabelsAndHeights) {
  EXPECT_EQ(quality_label(Quality::Q2160P), "2160P");
  EXPECT_EQ(quality_from_label("576P"), Quality::Q576P);
  EXPECT_FALSE(quality_from_label("1080p"));
  EXPECT_EQ(quality_from_height(2160), Quality::Q2160P);
  EXPECT_EQ(quality_from_height(1080), Quality::Q1080P);
  EXPECT_EQ(quality_from_height(804), Quality::Q720P);  // 2.39:1 crop of 1920 wide is 804 rows
  EXPECT_EQ(quality_from_height(720), Quality::Q720P);
  EXPECT_EQ(quality_from_height(576), Quality::Q576P);
  EXPECT_EQ(quality_from_height(360), Quality::Q480P);
  EXPECT_EQ(quality_from_height(0), Quality::Unknown);
}

}  // namespace
}  // namespace cmup
