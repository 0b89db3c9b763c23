// User-facing captions and labels.
#include "bot/texts.hpp"

#include <gtest/gtest.h>

namespace cmup::bot {
namespace {

TEST(Texts, MovieCaption) {
  CaptionInfo c;
  c.title = "Inception";
  c.year = 2010;
  c.quality = "1080P";
  EXPECT_EQ(texts::caption(c), "Inception (2010) · 1080p");
}

TEST(Texts, EpisodePartCaption) {
  CaptionInfo c;
  c.title = "Dark";
  c.year = 2017;
  c.season = 1;
  c.episode = 2;
  c.episode_name = "Lies";
  c.quality = "2160P";
  c.part_no = 2;
  c.part_count = 3;
  EXPECT_EQ(texts::caption(c), "Dark (2017) · S01E02 Lies · 4K · Part 2 of 3");
}

TEST(Texts, LongCaptionKeepsThePartMarkerAndLimit) {
  CaptionInfo c;
  for (int i = 0; i < 800; ++i) c.title += "ж";
  c.quality = "720P";
  c.part_no = 3;
  c.part_count = 4;
  auto s = texts::caption(c);
  EXPECT_LE(s.size(), 1024u);
  EXPECT_NE(s.find("Part 3 of 4"), std::string::npos);
}

TEST(Texts, QualityButtons) {
  EXPECT_EQ(texts::quality_button("1080P", 1'400'000'000, 1), "1080p · 1.4 GB");
  EXPECT_EQ(texts::quality_button("UNKNOWN", 700'000'000, 2), "Original · 700 MB · 2 parts");
  EXPECT_EQ(texts::daily_limit_reached(5).find("5") != std::string::npos, true);
}

}  // namespace
}  // namespace cmup::bot
