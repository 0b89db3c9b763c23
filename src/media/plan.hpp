// Which path a probed source takes (issue 11): stream it as it is, or remux it to an MP4
// that Telegram's players stream; and the ffmpeg arguments of that remux.
//
// Contract: pure functions of the probe result; no I/O, thread-safe.
//   streamable_as_is(): MP4 (not QuickTime), H.264/H.265 video, AAC/MP3 audio (or none),
//     moov before mdat. Otherwise `why_not` names the first reason ("container mkv",
//     "audio dts", "moov at the end") for the log and the attempt.
//   remux_arguments(): -map of every stream kept; video copied (H.265 tagged hvc1 so Apple
//     and Telegram clients play it); audio copied when players take it, else AAC; text
//     subtitles to mov_text; image subtitles, data and attachments dropped (listed in
//     `dropped` for a log line); +faststart.
#pragma once

#include <string>
#include <vector>

#include "media/media_info.hpp"

namespace cmup::media {

struct PlanRules {
  bool transcode_ac3 = true;  // AC3/E-AC3: most Telegram clients play no sound from them
};

struct Verdict {
  bool ok = false;
  std::string why_not;
};

Verdict streamable_as_is(const MediaInfo& info, bool moov_first, const PlanRules& rules);

struct RemuxPlan {
  std::vector<std::string> args;     // after "ffmpeg": inputs, maps, codecs, output
  std::vector<std::string> dropped;  // "stream 3 (hdmv_pgs_subtitle): image subtitles"
  bool transcodes_audio = false;
};

RemuxPlan remux_arguments(const MediaInfo& info, const std::string& input, const std::string& output,
                          const PlanRules& rules);

bool audio_plays_in_telegram(const std::string& codec, const PlanRules& rules);
bool is_text_subtitle(const std::string& codec);

}  // namespace cmup::media
