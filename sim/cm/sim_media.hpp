// The media files the simulated CM links to, made with ffmpeg on first start and reused
// afterwards (a file is written under a temporary name and renamed, so a half-made file is
// never served).
//
//   faststart.mp4    H.264 + AAC, 4 s, moov first (~1 MB): streamable as is
//   moov_end.mp4     the same with the moov atom at the end: needs a remux to stream
//   ac3_srt.mkv      H.264 + AC3 audio + an SRT subtitle track: needs conversion
//   large.mp4        H.264 + AAC, 20 s, a keyframe every second (~7 MB): split under small
//                    account limits
// Throws std::runtime_error naming the ffmpeg command when ffmpeg fails.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace cmup::sim {

struct MediaFile {
  std::string name;       // file name under the media dir
  std::string container;  // "mp4" | "mkv"
  std::int64_t size = 0;
};

// Makes the files that are missing; returns all of them (with sizes), in the order above.
std::vector<MediaFile> ensure_media(const std::filesystem::path& dir);

}  // namespace cmup::sim
