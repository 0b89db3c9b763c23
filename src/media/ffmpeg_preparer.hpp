// The MediaPreparer of cmup: remote probe, then direct stream, or download + remux/split
// (issue 11, DESIGN.md §2). The contract is MediaPreparer's (media/preparer.hpp); this
// header adds its settings.
//
// Per source, in order: HEAD (size, Range support) -> ffprobe on the URL + MP4 box walk
// (moov position) -> Direct when streamable as is and within the limit; otherwise (or when
// the host has no Range support, so only a local probe can tell) download to
// <spool_dir>/<job>/ with resume -> local probe -> remux when needed -> split when over
// the limit. A source that fails (dead, stalls, not media, broken download) is recorded in
// failed_sources and the next one is tried. Local problems (disk short, ffmpeg missing,
// cancel) throw MediaError with all_sources_failed = false at once.
// Thread-safety: prepare() from one thread at a time; cancel() from any thread. cancel()
// stops the prepare() in progress (if any; otherwise it does nothing): it throws
// MediaError soon. A direct stream returned earlier is not affected (its upload may be
// running); a cancel() never carries over to the next prepare().
// Direct path: PreparedMedia::spool_dir is a directory under thumb_dir holding only the
// thumbnail, so the spool directory stays empty.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "media/ffmpeg_ops.hpp"
#include "media/http_fetch.hpp"
#include "media/plan.hpp"
#include "media/preparer.hpp"
#include "media/stream_source.hpp"

namespace cmup {
class Config;
}

namespace cmup::media {

struct MediaOptions {
  std::filesystem::path spool_dir;  // downloads, remux and split output (one subdirectory per job)
  std::filesystem::path thumb_dir;  // thumbnails of direct streams
  std::string ffmpeg = "ffmpeg", ffprobe = "ffprobe";
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(15)};
  long low_speed_bytes = 1024;
  std::chrono::seconds low_speed_time{30};
  int max_resumes = 5;
  std::chrono::milliseconds probe_timeout{std::chrono::seconds(120)};
  std::chrono::milliseconds ffmpeg_timeout{std::chrono::hours(2)};
  std::size_t stream_buffer_bytes = 4 << 20;
  PlanRules rules;
  SplitOptions split;
  std::int64_t free_space_margin_bytes = 256LL << 20;
};

MediaOptions media_options_from_config(const Config& config);

class FfmpegMediaPreparer : public MediaPreparer {
 public:
  explicit FfmpegMediaPreparer(MediaOptions options);
  PreparedMedia prepare(const media::PrepareRequest& job, std::int64_t max_part_bytes,
                        const ProgressFn& progress) override;
  PreparedMedia prepare(const media::PrepareRequest& job, std::int64_t max_part_bytes,
                        const ProgressFn& progress, const PrepareHints& hints) override;
  // fetch(): HEAD, the remote probe (only when a stream is allowed), then either the Direct
  // stream (complete) or the download to the spool; finish(): local probe, remux, split,
  // thumbnails. A cancel() stops whichever of the three is running.
  FetchedMedia fetch(const media::PrepareRequest& job, std::int64_t max_part_bytes,
                     const ProgressFn& progress, const PrepareHints& hints) override;
  PreparedMedia finish(const media::PrepareRequest& job, FetchedMedia fetched, std::int64_t max_part_bytes,
                       const ProgressFn& progress) override;
  void cancel() override;

 private:
  struct Attempt;
  struct Running;
  FetchedMedia run_sources(const media::PrepareRequest& job, std::int64_t limit, const ProgressFn& progress,
                           const PrepareHints& hints, std::size_t first, std::vector<SourceFailure> failures,
                           bool fetch_only, const std::shared_ptr<std::atomic<bool>>& token);
  bool try_source(Attempt& a, const media::PrepareSource& src);
  void download_path(Attempt& a, const media::PrepareSource& src, const std::string& why,
                     const RemoteInfo& head);
  void process_download(Attempt& a, const media::PrepareSource& src, const std::filesystem::path& src_file,
                        std::int64_t size);
  void finish_parts(Attempt& a);

  MediaOptions opt_;
  std::mutex mu_;
  std::shared_ptr<std::atomic<bool>> cancel_;  // the current prepare()'s flag
  bool running_ = false;                       // a prepare() is in progress (guarded by mu_)
};

// The quality label a probed frame size stands for, judged by width as well as height
// (a 1920x800 scope film is 1080P); "UNKNOWN" for 0x0.
std::string quality_for_frame(int width, int height);

}  // namespace cmup::media
