// The ffmpeg steps of the media path: remux to a faststart MP4, split into playable parts,
// and JPEG thumbnails. Every run goes through run_program (no shell, time limit, cancel)
// with `-progress pipe:1`, reported as Progress of the step's stage.
//
// Contract: each function either produces its output files, verified, or throws
// FfmpegError whose message carries ffmpeg's own last error lines (for the attempt's
// error). Cancellation throws FfmpegError with cancelled = true. make_thumbnail() is best
// effort: it returns false (and logs) instead of throwing, except for cancellation; a
// missing thumbnail never fails a job. Thread-safe: no shared state.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "media/media_info.hpp"
#include "media/plan.hpp"
#include "util/progress.hpp"

namespace cmup::media {

class FfmpegError : public std::runtime_error {
 public:
  FfmpegError(const std::string& what, bool cancelled = false, bool local = false)
      : std::runtime_error(what), cancelled(cancelled), local(local) {}
  bool cancelled;
  bool local;  // ffmpeg/ffprobe could not be started: this host's problem, not the input's
};

struct FfmpegOptions {
  std::string ffmpeg = "ffmpeg";
  std::string ffprobe = "ffprobe";
  std::chrono::milliseconds time_limit{std::chrono::hours(2)};     // per run
  std::chrono::milliseconds io_timeout{std::chrono::seconds(30)};  // reading URLs (thumbnails)
  const std::atomic<bool>* cancel = nullptr;
};

// Runs ffmpeg with `args`; progress as `stage`, scaled to `total_bytes` by the position
// reached in `duration_s`.
void run_ffmpeg(const std::vector<std::string>& args, const std::string& stage, double duration_s,
                std::int64_t total_bytes, const FfmpegOptions& options, const ProgressFn& progress);

// Remuxes `input` into an MP4 at `output` per remux_arguments(); verifies it with ffprobe
// and returns its probe.
MediaInfo remux_to_mp4(const MediaInfo& info, const std::filesystem::path& input,
                       const std::filesystem::path& output, const PlanRules& rules,
                       const FfmpegOptions& options, const ProgressFn& progress);

struct SplitOptions {
  double target_fraction = 0.95;  // aim each part at this share of the limit
  int max_tries = 4;              // cuts with a smaller target when a part is still too big
};

struct SplitPart {
  std::filesystem::path path;
  std::int64_t size_bytes = 0;
  MediaInfo info;
};

// Cuts `input` (an MP4) into parts of at most `limit_bytes`, at keyframes by stream copy,
// each faststart, named <coded_name>_P{n}of{N}.mp4 in `dir`; each verified by size and
// ffprobe. Throws FfmpegError when no cut fits (e.g. keyframes too far apart).
std::vector<SplitPart> split_mp4(const std::filesystem::path& input, const MediaInfo& info,
                                 std::int64_t input_size, std::int64_t limit_bytes,
                                 const std::filesystem::path& dir, const std::string& coded_name,
                                 const SplitOptions& split, const FfmpegOptions& options,
                                 const ProgressFn& progress);

// A JPEG (longest side <= 320 px, < 200 kB) from `input` (a path, or a URL read with a
// seek: -ss before -i), taken about a tenth into it.
bool make_thumbnail(const std::string& input, double duration_s, const std::filesystem::path& out,
                    const FfmpegOptions& options);

inline constexpr std::int64_t kMaxThumbnailBytes = std::int64_t{200} * 1000;
inline constexpr int kMaxThumbnailSide = 320;

}  // namespace cmup::media
