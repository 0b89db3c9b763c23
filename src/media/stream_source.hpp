// The direct path's ByteSource: the source URL's bytes, read by the uploader while libcurl
// downloads them, through a bounded ring buffer (no spool file, memory capped at
// `buffer_bytes` whatever the file size).
//
// Contract: make_stream_source() returns a ByteSource with `size` = the announced length
// and a `read` that yields exactly that many bytes, then 0. The download starts on the
// first read (a job prepared ahead holds no connection). A broken or stalled connection
// is resumed with a Range request from the bytes already passed on (up to max_resumes, and
// not after a stall without real progress: media/resume_policy.hpp);
// when that fails, or the source changes size, or `cancel` is set, read returns -1 and
// error() says why (the uploader reports a transient failure and the job is retried).
// The ByteSource (and its copies) may outlive the preparer; the download thread stops and
// is joined when the last copy is destroyed. `read` must be called from one thread.
// `progress` is copied and called from the reading thread ("download" stage).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "media/downloader.hpp"
#include "util/byte_source.hpp"
#include "util/progress.hpp"

namespace cmup::media {

struct StreamOptions {
  DownloadOptions download;  // http.cancel is replaced by `cancel` below
  std::size_t buffer_bytes = 4 << 20;
};

ByteSource make_stream_source(const std::string& url, std::int64_t size, const StreamOptions& options,
                              std::shared_ptr<std::atomic<bool>> cancel, ProgressFn progress);

}  // namespace cmup::media
