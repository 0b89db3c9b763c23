// MediaPreparer: turns a job's sources into files Telegram plays (DESIGN.md §2, issue 11).
//
// Contract: prepare() tries the sources in order (rank 0 first) and returns the first that
// works, as one of three paths:
//   Direct  one part whose ByteSource streams from the source URL (no spool file)
//   Remux   one part, an MP4 in the spool directory (video copied, audio to AAC if needed)
//   Split   several parts in the spool directory, each <= max_part_bytes, playable, in order
// Each part carries duration, width, height and a JPEG thumbnail path. Sources that failed
// on the way are listed in `failed_sources` with a reason, so the queue can count them.
// When no source works it throws MediaError (all_sources_failed = true, with every reason).
// cancel() may be called from another thread (lease lost, shutdown); a prepare() in
// progress then throws MediaError soon (a cancel() while none runs does nothing). Spool files of a
// PreparedMedia are deleted by its destructor. A Direct part's ByteSource keeps a copy of
// `progress` and calls it from the reading thread (stage "download") while it streams, so
// what `progress` refers to must outlive the upload. Implementation: ffmpeg_preparer.hpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/byte_source.hpp"
#include "util/progress.hpp"

namespace cmup::media {

// What the preparer needs to know of a job, as media's own type: media sits below the queue
// (CMUP_DEPS_media), so the queue converts its Job (queue/worker_upload.cpp) rather than
// media reading queue types.
struct PrepareSource {
  std::int64_t source_id = 0;  // named in SourceFailure
  std::string url;
};

struct PrepareRequest {
  std::string coded_name;              // names the spool files and log lines (CM_M000321_1080P)
  std::string quality;                 // the variant's label; a probe that disagrees sets probed_quality
  std::vector<PrepareSource> sources;  // in rank order (rank 0 first), live ones only
};

}  // namespace cmup::media

namespace cmup {

struct PreparedPart {
  int part_no = 1, part_count = 1;
  ByteSource bytes;
  std::int64_t size_bytes = 0;
  double duration_s = 0;
  int width = 0, height = 0;
  std::string mime_type = "video/mp4";
  bool is_video = true;
  std::filesystem::path thumbnail;  // empty when none could be made
};

struct SourceFailure {
  std::int64_t source_id = 0;
  std::string reason;  // for upload_attempts.error and the operator
};

struct PreparedMedia {
  enum class Path { Direct, Remux, Split };
  Path path = Path::Direct;
  std::int64_t source_id = 0;                 // the source used
  std::optional<std::string> probed_quality;  // set when the probe disagrees with the variant's label
  std::vector<PreparedPart> parts;
  std::vector<SourceFailure> failed_sources;
  std::filesystem::path spool_dir;  // the job's files (parts, thumbnails; for Direct only the
                                    // thumbnail, outside the spool); removed by the destructor

  PreparedMedia() = default;
  PreparedMedia(PreparedMedia&&) noexcept;
  PreparedMedia& operator=(PreparedMedia&&) noexcept;
  PreparedMedia(const PreparedMedia&) = delete;
  PreparedMedia& operator=(const PreparedMedia&) = delete;
  ~PreparedMedia();
};

const char* path_name(PreparedMedia::Path p);  // "direct", "remux", "split"

class MediaError : public std::runtime_error {
 public:
  MediaError(const std::string& what, std::vector<SourceFailure> failed, bool all_sources_failed)
      : std::runtime_error(what), failed_sources(std::move(failed)), all_sources_failed(all_sources_failed) {}
  std::vector<SourceFailure> failed_sources;
  bool all_sources_failed;  // false: a local problem (disk full, ffmpeg missing, cancelled)
};

// How the caller wants a job prepared.
struct PrepareHints {
  // false: a source that could stream (Direct) is downloaded to the spool instead and
  // uploaded from there (Remux path, the file kept as is). A worker whose uploader is busy
  // asks for this, so the source link fetches the next job while the upload link sends the
  // current one; a stream would hold both links for one job (issue 16). The remote probe,
  // which only decides whether to stream, is skipped then: the local probe after the
  // download decides the rest, and the source link spends no time on a second read.
  bool allow_direct = true;
};

// A job half prepared: what fetch() hands to finish(). Either complete (the Direct path, or
// a preparer with no separate stages) or a download in the spool that still needs its probe,
// remux or split. Moving it moves the ownership of the spool files; destroying it deletes them.
struct FetchedMedia {
  PreparedMedia media;  // complete: the result; else holds spool_dir and failed_sources so far
  bool complete = false;
  std::filesystem::path download;  // the downloaded source file (inside media.spool_dir)
  std::int64_t download_bytes = 0;
  std::size_t source_index = 0;  // which of the request's sources it came from
};

class MediaPreparer {
 public:
  virtual ~MediaPreparer() = default;
  // max_part_bytes: the account's upload limit (already minus any margin the caller wants).
  virtual PreparedMedia prepare(const media::PrepareRequest& job, std::int64_t max_part_bytes,
                                const ProgressFn& progress) = 0;
  // The same with hints; a preparer that has no choice to make ignores them.
  virtual PreparedMedia prepare(const media::PrepareRequest& job, std::int64_t max_part_bytes,
                                const ProgressFn& progress, const PrepareHints& hints) {
    (void)hints;
    return prepare(job, max_part_bytes, progress);
  }
  // prepare() in two stages, so a worker can download one job while it remuxes another
  // (issue 16: the source link never waits on ffmpeg). fetch() does what needs the source
  // link (HEAD, the remote probe when a stream is allowed, the download) and stops before
  // the local probe; finish() does the rest, on the same or another preparer. The result
  // and errors are prepare()'s: a downloaded file that turns out unusable in finish() fails
  // that source and finish() goes on with the next ones (downloading them itself). The
  // defaults do all the work in fetch().
  virtual FetchedMedia fetch(const media::PrepareRequest& job, std::int64_t max_part_bytes,
                             const ProgressFn& progress, const PrepareHints& hints) {
    FetchedMedia f;
    f.media = prepare(job, max_part_bytes, progress, hints);
    f.complete = true;
    return f;
  }
  virtual PreparedMedia finish(const media::PrepareRequest& job, FetchedMedia fetched,
                               std::int64_t max_part_bytes, const ProgressFn& progress) {
    (void)job, (void)max_part_bytes, (void)progress;
    return std::move(fetched.media);
  }
  virtual void cancel() = 0;
};

}  // namespace cmup

namespace cmup {
class Config;
// The MediaPreparer configured by [media] (spool dir, ffmpeg paths, timeouts).
// Implemented in media/preparer_factory.cpp.
std::unique_ptr<MediaPreparer> make_media_preparer(const Config& config);
}  // namespace cmup
