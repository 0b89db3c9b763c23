#include "media/ffmpeg_preparer.hpp"

#include <spdlog/spdlog.h>

#include <future>

#include "catalog/quality.hpp"
#include "media/downloader.hpp"
#include "media/http_fetch.hpp"
#include "media/media_info.hpp"
#include "media/mp4_boxes.hpp"
#include "util/child_process.hpp"
#include "util/random.hpp"

namespace cmup::media {

namespace fs = std::filesystem;

namespace {

// This source cannot give us the file; the next one may.
struct SourceFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::int64_t size_of(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? -1 : static_cast<std::int64_t>(n);
}

std::string mib(std::int64_t b) {
  return std::to_string(b / (1 << 20) + (b % (1 << 20) != 0 ? 1 : 0)) + " MiB";
}

}  // namespace

std::string quality_for_frame(int width, int height) {
  Quality by_h = quality_from_height(height);
  Quality by_w = Quality::Unknown;
  if (width >= 3200)
    by_w = Quality::Q2160P;
  else if (width >= 2200)
    by_w = Quality::Q1440P;
  else if (width >= 1700)
    by_w = Quality::Q1080P;
  else if (width >= 1100)
    by_w = Quality::Q720P;
  else if (width > 0)
    by_w = Quality::Q480P;
  // The enum runs from the highest quality down; Unknown is last.
  Quality q = by_h == Quality::Unknown ? by_w : (by_w == Quality::Unknown ? by_h : std::min(by_h, by_w));
  return std::string(quality_label(q));
}

struct FfmpegMediaPreparer::Attempt {
  const media::PrepareRequest& job;
  std::int64_t limit;
  const ProgressFn& progress;
  const PrepareHints& hints;
  std::shared_ptr<std::atomic<bool>> cancel;
  bool fetch_only = false;  // stop after the download (fetch()); finish() goes on from there
  PreparedMedia out;
  fs::path work;      // this source's directory (spool or thumbs)
  MediaInfo info;     // of the file that goes out (single part)
  std::string input;  // what thumbnails are taken from (URL or path)
  std::vector<SplitPart> split_parts;
  fs::path download;  // fetch_only: the downloaded file, not processed yet
  std::int64_t download_bytes = 0;
  fs::path early_thumbnail;  // a single part's thumbnail, made while it was remuxed

  bool cancelled() const { return cancel->load(); }
  HttpOptions http(const MediaOptions& o) const {
    HttpOptions h;
    h.connect_timeout = o.connect_timeout;
    h.low_speed_bytes = o.low_speed_bytes;
    h.low_speed_time = o.low_speed_time;
    h.cancel = cancel.get();
    return h;
  }
  FfmpegOptions ff(const MediaOptions& o) const {
    FfmpegOptions f;
    f.ffmpeg = o.ffmpeg;
    f.ffprobe = o.ffprobe;
    f.time_limit = o.ffmpeg_timeout;
    f.io_timeout = o.low_speed_time;
    f.cancel = cancel.get();
    return f;
  }
  ProbeOptions probe(const MediaOptions& o) const {
    ProbeOptions p;
    p.ffprobe = o.ffprobe;
    p.time_limit = o.probe_timeout;
    p.io_timeout = o.low_speed_time;
    p.cancel = cancel.get();
    return p;
  }
};

FfmpegMediaPreparer::FfmpegMediaPreparer(MediaOptions options)
    : opt_(std::move(options)), cancel_(std::make_shared<std::atomic<bool>>(false)) {}

void FfmpegMediaPreparer::cancel() {
  std::lock_guard lk(mu_);
  // Only a prepare() in progress: a finished job's stream may be uploading right now, and
  // a cancel meant for a job must not carry over to the next one.
  if (running_) cancel_->store(true);
}

// One prepare(), fetch() or finish() in progress: cancel() reaches it through its own flag.
struct FfmpegMediaPreparer::Running {
  FfmpegMediaPreparer& self;
  std::shared_ptr<std::atomic<bool>> token = std::make_shared<std::atomic<bool>>(false);
  explicit Running(FfmpegMediaPreparer& s) : self(s) {
    std::lock_guard lk(self.mu_);
    self.cancel_ = token;
    self.running_ = true;
  }
  ~Running() {
    std::lock_guard lk(self.mu_);
    self.running_ = false;
  }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
};

namespace {

// Runs one source's attempt. A source failure is recorded in `failures` and false returned
// (the next source may work); a local problem throws MediaError carrying the failures so far.
template <typename Body>
bool attempt_source(const media::PrepareRequest& job, const media::PrepareSource& src,
                    std::vector<SourceFailure>& failures, Body&& body) {
  try {
    body();
    return true;
  } catch (const SourceFailed& e) {
    spdlog::warn("media: {} source {} failed: {}", job.coded_name, src.source_id, e.what());
    failures.push_back({src.source_id, e.what()});
  } catch (const MediaError& e) {
    throw MediaError(e.what(), failures, false);
  } catch (const std::exception& e) {
    // File system errors and the like: this host's trouble, not the source's.
    throw MediaError(job.coded_name + ": " + e.what(), failures, false);
  }
  return false;
}

}  // namespace

PreparedMedia FfmpegMediaPreparer::prepare(const media::PrepareRequest& job, std::int64_t limit,
                                           const ProgressFn& progress) {
  return prepare(job, limit, progress, PrepareHints{});
}

PreparedMedia FfmpegMediaPreparer::prepare(const media::PrepareRequest& job, std::int64_t limit,
                                           const ProgressFn& progress, const PrepareHints& hints) {
  Running running(*this);
  return std::move(run_sources(job, limit, progress, hints, 0, {}, false, running.token).media);
}

FetchedMedia FfmpegMediaPreparer::fetch(const media::PrepareRequest& job, std::int64_t limit,
                                        const ProgressFn& progress, const PrepareHints& hints) {
  Running running(*this);
  return run_sources(job, limit, progress, hints, 0, {}, true, running.token);
}

PreparedMedia FfmpegMediaPreparer::finish(const media::PrepareRequest& job, FetchedMedia fetched,
                                          std::int64_t limit, const ProgressFn& progress) {
  if (fetched.complete) return std::move(fetched.media);
  Running running(*this);
  std::vector<SourceFailure> failures = std::move(fetched.media.failed_sources);
  const std::size_t i = fetched.source_index;
  // Whatever comes next goes through the spool: the uploader may be busy by now.
  PrepareHints spool;
  spool.allow_direct = false;
  if (i < job.sources.size()) {
    const media::PrepareSource& src = job.sources[i];
    PreparedMedia done;
    bool ok = attempt_source(job, src, failures, [&] {
      Attempt a{job, limit, progress, spool, running.token, false, std::move(fetched.media), {}, {}, {},
                {},  {},    0,        {}};
      a.work = a.out.spool_dir;
      a.out.failed_sources.clear();
      process_download(a, src, fetched.download, fetched.download_bytes);
      done = std::move(a.out);
    });
    if (ok) {
      done.failed_sources = std::move(failures);
      return done;
    }
  }
  return std::move(
      run_sources(job, limit, progress, spool, i + 1, std::move(failures), false, running.token).media);
}

FetchedMedia FfmpegMediaPreparer::run_sources(const media::PrepareRequest& job, std::int64_t limit,
                                              const ProgressFn& progress, const PrepareHints& hints,
                                              std::size_t first, std::vector<SourceFailure> failures,
                                              bool fetch_only,
                                              const std::shared_ptr<std::atomic<bool>>& token) {
  if (limit <= 0) throw MediaError("media: no upload limit given for " + job.coded_name, {}, false);
  if (job.sources.empty()) throw MediaError(job.coded_name + ": the variant has no live source", {}, true);
  for (std::size_t i = first; i < job.sources.size(); ++i) {
    const media::PrepareSource& src = job.sources[i];
    FetchedMedia f;
    bool ok = attempt_source(job, src, failures, [&] {
      Attempt a{job, limit, progress, hints, token, fetch_only, {}, {}, {}, {}, {}, {}, 0, {}};
      try_source(a, src);
      f.complete = a.download.empty();
      f.download = a.download;
      f.download_bytes = a.download_bytes;
      f.source_index = i;
      f.media = std::move(a.out);
      // a.out (and its work directory) of a failed source is destroyed on the way out:
      // nothing of it stays.
    });
    if (ok) {
      f.media.failed_sources = std::move(failures);
      return f;
    }
  }
  std::string all;
  for (const auto& f : failures)
    all += (all.empty() ? "" : "; ") + std::string("source ") + std::to_string(f.source_id) + ": " + f.reason;
  throw MediaError(
      job.coded_name + ": all " + std::to_string(failures.size()) + " sources failed (" + all + ")", failures,
      true);
}

bool FfmpegMediaPreparer::try_source(Attempt& a, const media::PrepareSource& src) {
  const std::string where = redact_url(src.url);
  auto check_cancel = [&] {
    if (a.cancelled()) throw MediaError(a.job.coded_name + ": cancelled", {}, false);
  };
  auto report_probe = [&](std::int64_t done) {
    if (a.progress) a.progress(Progress{"probe", done, 0, 0, -1, 0, 0});
  };
  report_probe(0);
  a.out.source_id = src.source_id;
  RemoteInfo head = head_url(src.url, a.http(opt_));
  check_cancel();
  if (!head.ok()) throw SourceFailed("unreachable: " + head.describe() + " for " + where);

  // The remote probe only decides whether to stream: with no stream allowed, the download
  // starts at once and the local probe decides the rest (no second read on the source link).
  bool remote_probe = a.hints.allow_direct && head.accepts_ranges;
  if (a.hints.allow_direct && !remote_probe && head.size > 1) {
    // Many hosts honour Range without saying so in HEAD; one byte tells.
    GetResult g = http_get(src.url, 1, 1, a.http(opt_), [](const char*, std::size_t) { return true; });
    remote_probe = g.status == 206;
  }
  std::string why_download = a.hints.allow_direct
                                 ? "the host does not support Range requests, so only a local probe can tell"
                                 : "the uploader is busy: fetched ahead to the spool, probed there";
  if (remote_probe) {
    try {
      a.info = probe_media(src.url, a.probe(opt_));
    } catch (const ProcessError& e) {
      check_cancel();
      throw MediaError(std::string("media: ") + e.what(), {}, false);
    } catch (const ProbeError& e) {
      check_cancel();
      throw SourceFailed(std::string("probe failed: ") + e.what() + " (" + where + ")");
    }
    bool moov_first = false;
    if (a.info.container == Container::Mp4) {
      try {
        auto layout = scan_top_level_boxes(
            [&](std::int64_t off, std::size_t len) { return read_range(src.url, off, len, a.http(opt_)); },
            head.size);
        moov_first = layout.moov_first;
      } catch (const RangeIgnored&) {
        // Announced Range support but does not honour it: a stream could not resume and
        // the layout is unknown; the download path still works.
        download_path(a, src, "the host ignores Range requests", head);
        return true;
      } catch (const std::exception& e) {
        check_cancel();
        throw SourceFailed(std::string("reading the MP4 boxes failed: ") + e.what() + " (" + where + ")");
      }
    }
    report_probe(1);
    Verdict v = streamable_as_is(a.info, moov_first, opt_.rules);
    if (v.ok && head.size > 0 && head.size <= a.limit && a.hints.allow_direct) {
      a.out.path = PreparedMedia::Path::Direct;
      a.work = opt_.thumb_dir / (a.job.coded_name + "-" + random_hex(4));
      fs::create_directories(a.work);
      a.out.spool_dir = a.work;
      a.input = src.url;
      PreparedPart part;
      StreamOptions so;
      so.download.http = a.http(opt_);
      so.download.max_resumes = opt_.max_resumes;
      so.buffer_bytes = opt_.stream_buffer_bytes;
      part.bytes = make_stream_source(src.url, head.size, so, a.cancel, a.progress);
      part.size_bytes = head.size;
      a.out.parts.push_back(std::move(part));
      spdlog::info("media: {} source {}: direct stream ({} bytes, {})", a.job.coded_name, src.source_id,
                   head.size, container_name(a.info.container));
      finish_parts(a);
      return true;
    }
    if (!v.ok)
      why_download = v.why_not;
    else if (head.size <= 0)
      why_download = "the host announces no size";
    else
      why_download =
          "larger than the limit (" + std::to_string(head.size) + " > " + std::to_string(a.limit) + ")";
  }
  download_path(a, src, why_download, head);
  return true;
}

void FfmpegMediaPreparer::download_path(Attempt& a, const media::PrepareSource& src, const std::string& why,
                                        const RemoteInfo& head) {
  const std::string where = redact_url(src.url);
  spdlog::info("media: {} source {}: download ({})", a.job.coded_name, src.source_id, why);
  std::error_code ec;
  fs::create_directories(opt_.spool_dir, ec);
  if (ec)
    throw MediaError("media: cannot create spool directory " + opt_.spool_dir.string() + ": " + ec.message(),
                     {}, false);
  std::int64_t free_b = free_disk_bytes(opt_.spool_dir);
  // A size nobody announced is planned for at the bound the download will stop at.
  const std::int64_t cap = unknown_size_cap(a.limit, opt_.split.max_tries);
  const std::int64_t planned = head.size > 0 ? head.size : cap;
  if (free_b >= 0) {
    // Peak use: the download plus its remuxed copy (the download is deleted before a split).
    // head.size <= kMaxRemoteSize (parse_size) and the cap saturates: saturate here too.
    std::int64_t need = 0;
    if (__builtin_mul_overflow(planned, std::int64_t{2}, &need) ||
        __builtin_add_overflow(need, opt_.free_space_margin_bytes, &need))
      need = INT64_MAX;
    if (free_b < need) {
      throw MediaError(
          "media: spool disk short for " + a.job.coded_name + ": needs " + mib(need) + " at " +
              opt_.spool_dir.string() + ", " + mib(free_b) + " free" +
              (head.size > 0 ? std::string() : " (the source announces no size: planned for the cap)") +
              ". Free space there or set media.spool_dir to a larger disk.",
          {}, false);
    }
  }
  a.work = opt_.spool_dir / (a.job.coded_name + "-" + random_hex(4));
  fs::create_directories(a.work);
  a.out.spool_dir = a.work;
  fs::path src_file = a.work / "source.download";
  DownloadOptions d;
  d.http = a.http(opt_);
  d.max_resumes = opt_.max_resumes;
  d.max_unknown_bytes = cap;
  std::int64_t size = 0;
  try {
    size = download_file(src.url, src_file, head.size, d, a.progress);
  } catch (const DownloadError& e) {
    if (e.source_fault) throw SourceFailed(std::string(e.what()) + " (" + where + ")");
    throw MediaError(a.job.coded_name + ": " + e.what(), {}, false);
  }
  if (a.fetch_only) {
    a.download = src_file;
    a.download_bytes = size;
    spdlog::info("media: {} source {}: downloaded ({} bytes)", a.job.coded_name, src.source_id, size);
    return;
  }
  process_download(a, src, src_file, size);
}

// The local half of the download path: probe, remux when needed, split when over the limit.
void FfmpegMediaPreparer::process_download(Attempt& a, const media::PrepareSource& src,
                                           const fs::path& src_file, std::int64_t size) {
  const std::string where = redact_url(src.url);
  MediaInfo info;
  try {
    info = probe_media(src_file.string(), a.probe(opt_));
  } catch (const ProbeError& e) {
    throw SourceFailed(std::string("downloaded file is not usable media: ") + e.what() + " (" + where + ")");
  } catch (const ProcessError& e) {
    throw MediaError(std::string("media: ") + e.what(), {}, false);
  }
  bool moov_first = info.container == Container::Mp4 &&
                    scan_top_level_boxes(file_reader(src_file.string()), size).moov_first;
  Verdict v = streamable_as_is(info, moov_first, opt_.rules);
  fs::path mp4 = src_file;
  FfmpegOptions ff = a.ff(opt_);
  try {
    if (!v.ok) {
      // The thumbnail of a file that stays one part is taken from the download while ffmpeg
      // remuxes it (the same frame: the video is copied): two processes side by side rather
      // than one after the other, and the upload waits for both (bench figure 1).
      const fs::path thumb_path = a.work / "thumb_1.jpg";
      std::future<bool> thumb;  // declared after what it reads: its destructor waits for it
      if (size <= a.limit && info.main_video())
        thumb = std::async(std::launch::async, [&src_file, &thumb_path, &ff, d = info.duration_s] {
          return make_thumbnail(src_file.string(), d, thumb_path, ff);
        });
      mp4 = a.work / (a.job.coded_name + ".mp4");
      info = remux_to_mp4(info, src_file, mp4, opt_.rules, ff, a.progress);
      if (thumb.valid() && thumb.get()) a.early_thumbnail = thumb_path;
      fs::remove(src_file);
    } else {
      // Already a streamable MP4 (the host just could not be probed remotely, or it is
      // too big): no remux, only a name.
      mp4 = a.work / (a.job.coded_name + ".mp4");
      fs::rename(src_file, mp4);
    }
    std::int64_t mp4_size = size_of(mp4);
    if (mp4_size > a.limit) {
      a.split_parts =
          split_mp4(mp4, info, mp4_size, a.limit, a.work, a.job.coded_name, opt_.split, ff, a.progress);
      fs::remove(mp4);
      a.out.path = PreparedMedia::Path::Split;
      const int n = static_cast<int>(a.split_parts.size());
      for (int i = 0; i < n; ++i) {
        PreparedPart p;
        p.part_no = i + 1;
        p.part_count = n;
        p.bytes.file = a.split_parts[static_cast<std::size_t>(i)].path;
        p.bytes.size = a.split_parts[static_cast<std::size_t>(i)].size_bytes;
        p.size_bytes = p.bytes.size;
        a.out.parts.push_back(std::move(p));
      }
      spdlog::info("media: {} source {}: split into {} parts of at most {} bytes", a.job.coded_name,
                   src.source_id, n, a.limit);
    } else {
      a.out.path = PreparedMedia::Path::Remux;
      PreparedPart p;
      p.bytes.file = mp4;
      p.bytes.size = mp4_size;
      p.size_bytes = mp4_size;
      a.out.parts.push_back(std::move(p));
      spdlog::info("media: {} source {}: {} to MP4 ({} bytes)", a.job.coded_name, src.source_id,
                   v.ok ? "kept as is" : "remuxed", mp4_size);
    }
  } catch (const FfmpegError& e) {
    if (e.cancelled) throw MediaError(a.job.coded_name + ": cancelled", {}, false);
    if (e.local) throw MediaError(a.job.coded_name + ": " + e.what(), {}, false);
    // ffmpeg could not make this file playable; another source (another release) may work.
    throw SourceFailed(std::string(e.what()) + " (" + where + ")");
  }
  a.info = info;
  a.input = mp4.string();
  finish_parts(a);
}

// Duration, size and thumbnail of every part; probed quality of the whole.
void FfmpegMediaPreparer::finish_parts(Attempt& a) {
  FfmpegOptions ff = a.ff(opt_);
  const StreamInfo* v = a.info.main_video();
  if (v) {
    std::string q = quality_for_frame(v->width, v->height);
    if (q != "UNKNOWN" && q != a.job.quality) {
      spdlog::info("media: {} probed as {} ({}x{}), labelled {}", a.job.coded_name, q, v->width, v->height,
                   a.job.quality);
      a.out.probed_quality = q;
    }
  }
  for (std::size_t i = 0; i < a.out.parts.size(); ++i) {
    PreparedPart& p = a.out.parts[i];
    const MediaInfo& info = a.split_parts.empty() ? a.info : a.split_parts[i].info;
    std::string input = a.split_parts.empty() ? a.input : a.split_parts[i].path.string();
    const StreamInfo* pv = info.main_video();
    p.duration_s = info.duration_s;
    p.width = pv ? pv->width : 0;
    p.height = pv ? pv->height : 0;
    p.is_video = pv != nullptr;
    p.mime_type = pv ? "video/mp4" : "audio/mp4";
    if (pv && a.split_parts.empty() && !a.early_thumbnail.empty()) {
      p.thumbnail = a.early_thumbnail;
    } else if (pv) {
      fs::path thumb = a.work / ("thumb_" + std::to_string(p.part_no) + ".jpg");
      if (make_thumbnail(input, info.duration_s, thumb, ff)) p.thumbnail = thumb;
      if (a.cancelled()) throw MediaError(a.job.coded_name + ": cancelled", {}, false);
    }
  }
}

}  // namespace cmup::media
