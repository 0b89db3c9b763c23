#include "media/input_guard.hpp"

#include "media/media_info.hpp"

namespace cmup::media {

std::vector<std::string> input_guard_args(const std::string& input) {
  return {"-protocol_whitelist", is_url(input) ? "http,https,tcp,tls" : "file", "-format_whitelist",
          kAcceptedDemuxers};
}

std::string refused_format(const std::string& err) {
  static const std::string kMark = "Format not on whitelist";
  auto at = err.find(kMark);
  if (at == std::string::npos) return "";
  // ffmpeg prefixes the line with the demuxer it detected: "[hls @ 0x55d4...] Format not ...".
  std::string detected;
  auto open = err.rfind('[', at);
  auto sp = open == std::string::npos ? std::string::npos : err.find(" @ ", open);
  if (sp != std::string::npos && sp < at) detected = err.substr(open + 1, sp - open - 1);
  return "refused: the file is " +
         (detected.empty() ? std::string("not a video container") : "'" + detected + "'") +
         ", not one of the accepted containers (MP4/MOV, MKV/WebM, AVI, MPEG-TS); playlists and lists "
         "(HLS, concat) that make ffmpeg open other files or URLs are never read";
}

}  // namespace cmup::media
