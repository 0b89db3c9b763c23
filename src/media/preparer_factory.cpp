#include "media/ffmpeg_preparer.hpp"
#include "media/preparer.hpp"
#include "util/config.hpp"

namespace cmup {

namespace media {

MediaOptions media_options_from_config(const Config& c) {
  MediaOptions o;
  o.spool_dir = c.path_or("media.spool_dir", "spool");
  o.thumb_dir = c.path_or("media.thumb_dir", "thumbs");
  o.ffmpeg = c.str("media.ffmpeg");
  o.ffprobe = c.str("media.ffprobe");
  o.connect_timeout = std::chrono::seconds(c.integer("media.connect_timeout_s"));
  o.low_speed_bytes = static_cast<long>(c.integer("media.low_speed_bytes"));
  o.low_speed_time = std::chrono::seconds(c.integer("media.low_speed_s"));
  o.max_resumes = static_cast<int>(c.integer("media.max_resumes"));
  o.probe_timeout = std::chrono::seconds(c.integer("media.probe_timeout_s"));
  o.ffmpeg_timeout = std::chrono::seconds(c.integer("media.ffmpeg_timeout_s"));
  o.stream_buffer_bytes = static_cast<std::size_t>(c.integer("media.stream_buffer_mib")) << 20;
  o.rules.transcode_ac3 = c.boolean("media.transcode_ac3");
  o.split.target_fraction = c.real("media.split_target");
  o.split.max_tries = static_cast<int>(c.integer("media.split_tries"));
  o.free_space_margin_bytes = c.integer("media.free_space_margin_mib") << 20;
  return o;
}

}  // namespace media

std::unique_ptr<MediaPreparer> make_media_preparer(const Config& config) {
  return std::make_unique<media::FfmpegMediaPreparer>(media::media_options_from_config(config));
}

}  // namespace cmup
