// [media] settings reach the preparer: defaults place the spool and thumbnails inside the
// data directory, and every key can be overridden like any other setting.
#include <gtest/gtest.h>

#include "media/ffmpeg_preparer.hpp"
#include "util/config.hpp"

namespace cmup::media {
namespace {

TEST(MediaConfig, DefaultsPutSpoolAndThumbnailsUnderTheDataDir) {
  Config c = Config::defaults();
  MediaOptions o = media_options_from_config(c);
  EXPECT_EQ(o.spool_dir, c.data_dir() / "spool");
  EXPECT_EQ(o.thumb_dir, c.data_dir() / "thumbs");
  EXPECT_EQ(o.ffmpeg, "ffmpeg");
  EXPECT_EQ(o.low_speed_time.count(), 30);
  EXPECT_EQ(o.stream_buffer_bytes, std::size_t{4} << 20);
  EXPECT_TRUE(o.rules.transcode_ac3);
  EXPECT_DOUBLE_EQ(o.split.target_fraction, 0.95);
  EXPECT_NE(make_media_preparer(c), nullptr);
}

TEST(MediaConfig, SettingsOverrideTheDefaults) {
  Config c = Config::defaults();
  c.set("media.spool_dir", "/srv/spool");
  c.set("media.low_speed_s", "5");
  c.set("media.transcode_ac3", "false");
  c.set("media.split_target", "0.9");
  MediaOptions o = media_options_from_config(c);
  EXPECT_EQ(o.spool_dir, "/srv/spool");
  EXPECT_EQ(o.low_speed_time.count(), 5);
  EXPECT_FALSE(o.rules.transcode_ac3);
  EXPECT_DOUBLE_EQ(o.split.target_fraction, 0.9);
}

}  // namespace
}  // namespace cmup::media
