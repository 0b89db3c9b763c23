// What ffmpeg and ffprobe may open when they read a source (issue 16): a "video" from the
// catalog is untrusted input, and ffmpeg's demuxers for playlists and lists (HLS, concat,
// ...) open further files and URLs named inside it: a playlist disguised as .mp4 could make
// ffprobe read this host's local files or fetch other URLs (services on the LAN included).
//
// Contract: input_guard_args(input) returns the options to place right before that input
// (before ffmpeg's "-i", or before ffprobe's input argument):
//   -protocol_whitelist  http,https,tcp,tls for an http(s) URL, file for a local path
//                        (nested opens inherit it),
//   -format_whitelist    the demuxers of the containers the media path handles
//                        (kAcceptedDemuxers: MP4/MOV, MKV/WebM, AVI, MPEG-TS).
// Any other input then fails in ffmpeg with "Format not on whitelist"; refused_format()
// recognises that in ffmpeg's stderr and returns a clear reason for the operator (empty
// when the failure was something else). Pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

namespace cmup::media {

// ffmpeg's demuxer names; "mov" is the MP4/MOV/3GP demuxer, "matroska" also reads WebM.
inline constexpr const char* kAcceptedDemuxers = "mov,matroska,avi,mpegts";

std::vector<std::string> input_guard_args(const std::string& input);

std::string refused_format(const std::string& ffmpeg_stderr);

}  // namespace cmup::media
