#include "media/ffmpeg_ops.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "catalog/coded_name.hpp"
#include "media/input_guard.hpp"
#include "util/child_process.hpp"
#include "media/progress_meter.hpp"

namespace cmup::media {

namespace fs = std::filesystem;

namespace {

ProbeOptions probe_options(const FfmpegOptions& o) {
  ProbeOptions p;
  p.ffprobe = o.ffprobe;
  p.cancel = o.cancel;
  p.io_timeout = o.io_timeout;
  return p;
}

std::int64_t size_of(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? -1 : static_cast<std::int64_t>(n);
}

std::string fmt_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

}  // namespace

void run_ffmpeg(const std::vector<std::string>& args, const std::string& stage, double duration_s,
                std::int64_t total_bytes, const FfmpegOptions& o, const ProgressFn& progress) {
  std::vector<std::string> argv{o.ffmpeg,   "-hide_banner", "-nostdin", "-v", "error",
                                "-nostats", "-progress",    "pipe:1",   "-y"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProgressMeter meter(stage, total_bytes, &progress);
  RunOptions ro;
  ro.time_limit = o.time_limit;
  ro.cancel = o.cancel;
  ro.on_stdout_line = [&](const std::string& line) {
    // -progress prints key=value blocks; out_time_us is the position reached.
    if (line.rfind("out_time_us=", 0) != 0 || duration_s <= 0 || total_bytes <= 0) return;
    try {
      double pos = std::stod(line.substr(12)) / 1e6;
      double frac = std::clamp(pos / duration_s, 0.0, 1.0);
      meter.update(static_cast<std::int64_t>(frac * static_cast<double>(total_bytes)));
    } catch (const std::exception&) {
    }
  };
  ProcessResult r;
  try {
    r = run_program(argv, ro);
  } catch (const ProcessError& e) {
    throw FfmpegError(std::string(stage) + ": " + e.what(), e.kind == ProcessError::Kind::Cancelled,
                      e.kind == ProcessError::Kind::StartFailed);
  }
  if (r.exit_code != 0) {
    if (auto refused = refused_format(r.stderr_tail); !refused.empty())
      throw FfmpegError(stage + ": " + refused);
    throw FfmpegError(stage + ": ffmpeg failed (exit " + std::to_string(r.exit_code) +
                      "): " + summarize_stderr(r.stderr_tail));
  }
  meter.finish();
}

MediaInfo remux_to_mp4(const MediaInfo& info, const fs::path& input, const fs::path& output,
                       const PlanRules& rules, const FfmpegOptions& o, const ProgressFn& progress) {
  RemuxPlan plan = remux_arguments(info, input.string(), output.string(), rules);
  for (const auto& d : plan.dropped)
    spdlog::info("media: remux of {} drops {}", input.filename().string(), d);
  run_ffmpeg(plan.args, "remux", info.duration_s, std::max<std::int64_t>(size_of(input), 0), o, progress);
  try {
    return probe_media(output.string(), probe_options(o));
  } catch (const ProbeError& e) {
    throw FfmpegError(std::string("remux: the output is not readable: ") + e.what());
  } catch (const ProcessError& e) {
    throw FfmpegError(std::string("remux: ") + e.what(), e.kind == ProcessError::Kind::Cancelled, true);
  }
}

std::vector<SplitPart> split_mp4(const fs::path& input, const MediaInfo& info, std::int64_t input_size,
                                 std::int64_t limit, const fs::path& dir, const std::string& coded_name,
                                 const SplitOptions& so, const FfmpegOptions& o, const ProgressFn& progress) {
  if (info.duration_s <= 0)
    throw FfmpegError("split: the input's duration is unknown, so it cannot be cut by time");
  const double target = so.target_fraction * static_cast<double>(limit);
  double seg_time = info.duration_s * target / static_cast<double>(input_size);
  std::int64_t largest = 0;
  for (int attempt = 1; attempt <= so.max_tries; ++attempt) {
    seg_time = std::max(seg_time, 0.5);
    fs::path seg_dir = dir / ("split-" + std::to_string(attempt));
    fs::remove_all(seg_dir);
    fs::create_directories(seg_dir);
    std::vector<std::string> args = input_guard_args(input.string());
    args.insert(args.end(), {"-i",
                             input.string(),
                             "-map",
                             "0:V",
                             "-map",
                             "0:a?",
                             "-map",
                             "0:s?",
                             "-c",
                             "copy",
                             "-f",
                             "segment",
                             "-segment_time",
                             fmt_seconds(seg_time),
                             "-reset_timestamps",
                             "1",
                             "-segment_format",
                             "mp4",
                             "-segment_format_options",
                             "movflags=+faststart",
                             (seg_dir / "seg_%04d.mp4").string()});
    run_ffmpeg(args, "split", info.duration_s, input_size, o, progress);
    std::vector<fs::path> segs;
    for (const auto& e : fs::directory_iterator(seg_dir)) segs.push_back(e.path());
    std::sort(segs.begin(), segs.end());
    largest = 0;
    for (const auto& s : segs) largest = std::max(largest, size_of(s));
    if (segs.empty()) throw FfmpegError("split: ffmpeg wrote no parts");
    if (largest > limit) {
      spdlog::info("media: split try {} of {}: largest part {} bytes > limit {}; cutting shorter", attempt,
                   so.max_tries, largest, limit);
      // Shrink in proportion to the overshoot, plus a little: keyframes rarely fall exactly.
      seg_time *= target / static_cast<double>(largest) * 0.95;
      fs::remove_all(seg_dir);
      continue;
    }
    std::vector<SplitPart> parts;
    const int n = static_cast<int>(segs.size());
    for (int i = 0; i < n; ++i) {
      fs::path dst = dir / (part_coded_name(coded_name, i + 1, n) + ".mp4");
      fs::rename(segs[static_cast<std::size_t>(i)], dst);
      SplitPart p;
      p.path = dst;
      p.size_bytes = size_of(dst);
      try {
        p.info = probe_media(dst.string(), probe_options(o));
      } catch (const ProbeError& e) {
        throw FfmpegError("split: part " + std::to_string(i + 1) + " is not playable: " + e.what());
      } catch (const ProcessError& e) {
        throw FfmpegError(std::string("split: ") + e.what(), e.kind == ProcessError::Kind::Cancelled, true);
      }
      if (p.info.duration_s <= 0 || (!p.info.main_video() && p.info.of_type("audio").empty())) {
        throw FfmpegError("split: part " + std::to_string(i + 1) + " has no duration or streams");
      }
      parts.push_back(std::move(p));
    }
    fs::remove_all(seg_dir);
    return parts;
  }
  throw FfmpegError("split: after " + std::to_string(so.max_tries) + " cuts the largest part is still " +
                    std::to_string(largest) + " bytes, over the limit of " + std::to_string(limit) +
                    " (keyframes too far apart for this limit)");
}

bool make_thumbnail(const std::string& input, double duration_s, const fs::path& out,
                    const FfmpegOptions& o) {
  double at = duration_s > 0 ? std::min(duration_s * 0.1, 60.0) : 0;
  std::vector<std::string> args = input_guard_args(input);
  if (is_url(input)) args.insert(args.end(), {"-rw_timeout", std::to_string(o.io_timeout.count() * 1000)});
  // -ss before -i seeks in the input: on a URL that is a Range request, not a download.
  args.insert(args.end(), {"-ss", fmt_seconds(at), "-i", input, "-map", "0:V:0", "-frames:v", "1", "-vf",
                           "scale='if(gte(iw,ih),min(320,iw),-2)':'if(gte(iw,ih),-2,min(320,ih))'", "-q:v",
                           "", "-f", "image2", out.string()});
  auto q_at = std::find(args.begin(), args.end(), "-q:v") + 1;
  FfmpegOptions quick = o;
  quick.time_limit = std::min<std::chrono::milliseconds>(o.time_limit, std::chrono::seconds(120));
  for (const char* q : {"4", "10", "20", "31"}) {
    *q_at = q;
    try {
      run_ffmpeg(args, "thumbnail", 0, 0, quick, ProgressFn{});
    } catch (const FfmpegError& e) {
      if (e.cancelled) throw;
      spdlog::warn("media: no thumbnail for {}: {}", out.filename().string(), e.what());
      return false;
    }
    std::int64_t n = size_of(out);
    if (n > 0 && n < kMaxThumbnailBytes) return true;
  }
  std::error_code ec;
  fs::remove(out, ec);
  spdlog::warn("media: thumbnail for {} stays over {} bytes; sending without one", out.filename().string(),
               kMaxThumbnailBytes);
  return false;
}

}  // namespace cmup::media
