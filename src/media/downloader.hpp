// Downloads a source URL into a spool file, resuming after interruptions.
//
// Contract: download_file() streams the body straight to `dest` (socket -> disk; memory
// does not grow with the file). When the connection breaks, stalls (low-speed limit) or
// resets, it continues from the bytes it has with a Range request, up to `max_resumes`
// times, except that a connection that stalls before delivering `min_progress_bytes` ends
// the download at once (media/resume_policy.hpp); a server that ignores Range makes it
// start over. It succeeds only when the file
// holds exactly the size the server announced (Content-Length / Content-Range) and
// returns that size. No response may bring more than the size announced, and a download
// of unknown size stops beyond `max_unknown_bytes`. It throws DownloadError: source_fault =
// true for what the next source may not have (HTTP errors, resets beyond the limit, size
// mismatch, more bytes than announced or than the cap), false for local
// trouble (disk full, write error) and cancellation (`cancelled` = true). Thread-safe: no
// shared state; `cancel` may be set from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "media/http_fetch.hpp"
#include "media/resume_policy.hpp"
#include "util/progress.hpp"

namespace cmup::media {

class DownloadError : public std::runtime_error {
 public:
  DownloadError(const std::string& what, bool source_fault, bool cancelled = false)
      : std::runtime_error(what), source_fault(source_fault), cancelled(cancelled) {}
  bool source_fault;
  bool cancelled;
};

struct DownloadOptions {
  HttpOptions http;
  int max_resumes = 5;
  // Real progress a connection must make before a stall for the source to be resumed.
  std::int64_t min_progress_bytes = kDefaultMinProgressBytes;
  // When `expected_size` is unknown: the most bytes the download may take (also when a
  // response then announces more); 0 = no bound. See unknown_size_cap().
  std::int64_t max_unknown_bytes = 0;
};

// The bound of a download of unknown size for an account that uploads at most `limit`
// bytes per file: limit x split_tries + 16 MiB, saturated (never overflows).
std::int64_t unknown_size_cap(std::int64_t limit, int split_tries);

// `expected_size`: from the HEAD (-1 = unknown; then the server's announcement decides).
std::int64_t download_file(const std::string& url, const std::filesystem::path& dest,
                           std::int64_t expected_size, const DownloadOptions& options,
                           const ProgressFn& progress);

// Free bytes on the file system holding `dir` (statvfs, for unprivileged users).
std::int64_t free_disk_bytes(const std::filesystem::path& dir);

}  // namespace cmup::media
