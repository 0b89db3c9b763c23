// What ffprobe says about a media file or URL, reduced to what the path choice needs.
//
// Contract: parse_ffprobe_json() reads the output of
// `ffprobe -print_format json -show_format -show_streams` and throws ProbeError when it is
// not JSON or holds no audio/video stream (then the input is not media we can upload).
// probe_media() runs ffprobe on a local path or an http(s) URL (ffprobe reads URLs with
// Range requests, so a remote probe costs a few hundred kB, not the file) and throws
// ProbeError with ffprobe's own reason when it fails (ProcessError when ffprobe cannot be
// started or `cancel` is set: neither is the input's fault). Plain functions, thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cmup::media {

class ProbeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Container { Mp4, Mov, Matroska, Avi, MpegTs, Other };
const char* container_name(Container c);

struct StreamInfo {
  int index = 0;          // ffprobe's stream index (for -map 0:<index>)
  std::string type;       // "video", "audio", "subtitle", "data", "attachment"
  std::string codec;      // ffprobe codec_name: "h264", "hevc", "aac", "ac3", "subrip", ...
  std::string codec_tag;  // codec_tag_string, e.g. "avc1", "hvc1", "hev1"
  int width = 0, height = 0;
  int channels = 0;
  bool attached_pic = false;  // cover art in MKV/MP4: not a real video stream
};

struct MediaInfo {
  Container container = Container::Other;
  std::string format_name;  // ffprobe's, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  std::string major_brand;  // MP4 only, e.g. "isom"; "qt  " marks QuickTime .mov
  double duration_s = 0;
  std::int64_t size_bytes = 0;  // from the format section; 0 when ffprobe did not know
  std::vector<StreamInfo> streams;

  // The first video stream that is not cover art; nullptr for audio-only input.
  const StreamInfo* main_video() const;
  std::vector<const StreamInfo*> of_type(const std::string& type) const;
};

MediaInfo parse_ffprobe_json(const std::string& json);

struct ProbeOptions {
  std::string ffprobe = "ffprobe";
  std::chrono::milliseconds time_limit{std::chrono::seconds(120)};
  // For URLs: a read that gets no data for this long fails (ffprobe's -rw_timeout).
  std::chrono::milliseconds io_timeout{std::chrono::seconds(30)};
  const std::atomic<bool>* cancel = nullptr;
};

MediaInfo probe_media(const std::string& path_or_url, const ProbeOptions& options);

bool is_url(const std::string& s);

}  // namespace cmup::media
