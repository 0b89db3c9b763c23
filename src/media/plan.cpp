#include "media/plan.hpp"

#include <algorithm>
#include <set>

#include "media/input_guard.hpp"

namespace cmup::media {

bool audio_plays_in_telegram(const std::string& codec, const PlanRules& rules) {
  if (codec == "aac" || codec == "mp3") return true;
  if (codec == "ac3" || codec == "eac3") return !rules.transcode_ac3;
  return false;  // dts, truehd, flac, opus, vorbis, pcm_*: transcode
}

bool is_text_subtitle(const std::string& codec) {
  static const std::set<std::string> text{"subrip", "srt", "ass", "ssa", "webvtt", "mov_text", "text"};
  return text.count(codec) > 0;
}

Verdict streamable_as_is(const MediaInfo& info, bool moov_first, const PlanRules& rules) {
  if (info.container != Container::Mp4)
    return {false, std::string("container ") + container_name(info.container)};
  const StreamInfo* v = info.main_video();
  if (!v) return {false, "no video stream"};
  if (v->codec != "h264" && v->codec != "hevc") return {false, "video " + v->codec};
  for (const StreamInfo* a : info.of_type("audio")) {
    if (!audio_plays_in_telegram(a->codec, rules) || a->codec == "ac3" || a->codec == "eac3") {
      return {false, "audio " + a->codec};
    }
  }
  for (const StreamInfo* s : info.of_type("subtitle")) {
    if (s->codec != "mov_text") return {false, "subtitles " + s->codec};
  }
  if (!moov_first) return {false, "moov at the end"};
  return {true, ""};
}

RemuxPlan remux_arguments(const MediaInfo& info, const std::string& input, const std::string& output,
                          const PlanRules& rules) {
  RemuxPlan p;
  p.args = input_guard_args(input);  // untrusted input: no playlists, no other protocols
  p.args.insert(p.args.end(), {"-i", input});
  std::vector<std::string> codecs;
  int vi = 0, ai = 0, si = 0;
  for (const StreamInfo& s : info.streams) {
    const std::string map = "0:" + std::to_string(s.index);
    if (s.type == "video" && !s.attached_pic) {
      p.args.insert(p.args.end(), {"-map", map});
      std::string o = "v:" + std::to_string(vi++);
      codecs.insert(codecs.end(), {"-c:" + o, "copy"});
      if (s.codec == "hevc") codecs.insert(codecs.end(), {"-tag:" + o, "hvc1"});
    } else if (s.type == "audio") {
      p.args.insert(p.args.end(), {"-map", map});
      std::string o = "a:" + std::to_string(ai++);
      if (audio_plays_in_telegram(s.codec, rules)) {
        codecs.insert(codecs.end(), {"-c:" + o, "copy"});
      } else {
        // 64 kb/s per channel keeps 5.1 at 384 kb/s: transparent enough for AAC-LC.
        int ch = s.channels > 0 ? s.channels : 2;
        codecs.insert(codecs.end(),
                      {"-c:" + o, "aac", "-b:" + o, std::to_string(std::min(ch, 8) * 64) + "k"});
        p.transcodes_audio = true;
      }
    } else if (s.type == "subtitle" && is_text_subtitle(s.codec)) {
      p.args.insert(p.args.end(), {"-map", map});
      codecs.insert(codecs.end(), {"-c:s:" + std::to_string(si++), "mov_text"});
    } else {
      std::string what = s.type == "subtitle" ? "image subtitles, MP4 cannot carry them"
                         : s.attached_pic     ? "cover art"
                                              : s.type + " stream";
      p.dropped.push_back("stream " + std::to_string(s.index) + " (" + s.codec + "): " + what);
    }
  }
  p.args.insert(p.args.end(), codecs.begin(), codecs.end());
  // Timestamps of some MKV/TS sources start late or jump; let the muxer shift them to 0.
  p.args.insert(p.args.end(), {"-map_chapters", "-1", "-avoid_negative_ts", "make_zero", "-movflags",
                               "+faststart", "-f", "mp4", output});
  return p;
}

}  // namespace cmup::media
