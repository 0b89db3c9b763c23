#include "media/downloader.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <thread>

#include "media/progress_meter.hpp"
#include "media/resume_policy.hpp"

namespace cmup::media {

namespace {

class OutFile {
 public:
  explicit OutFile(const std::filesystem::path& p) : path_(p) {
    fd_ = ::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0)
      throw DownloadError("cannot write " + p.string() + ": " + std::generic_category().message(errno),
                          false);
    off_t end = ::lseek(fd_, 0, SEEK_END);
    size_ = end > 0 ? end : 0;
  }
  ~OutFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;
  std::int64_t size() const { return size_; }
  void truncate() {
    if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) {
      throw DownloadError("cannot truncate " + path_.string() + ": " + std::generic_category().message(errno),
                          false);
    }
    size_ = 0;
  }
  // false with `error` set on a write failure (ENOSPC: the operator must free space).
  bool write(const char* d, std::size_t n) {
    while (n > 0) {
      ssize_t w = ::write(fd_, d, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        error = "writing " + path_.string() + " failed: " + std::generic_category().message(errno) +
                (errno == ENOSPC ? " (spool disk full: free space or set media.spool_dir)" : "");
        return false;
      }
      d += w;
      n -= static_cast<std::size_t>(w);
      size_ += w;
    }
    return true;
  }
  std::string error;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::int64_t size_ = 0;
};

bool cancelled(const DownloadOptions& o) { return o.http.stop_requested(); }

// -1: "kept sending"; else "announced N bytes".
std::string what_text(std::int64_t announced) {
  return announced < 0 ? "kept sending" : "announced " + std::to_string(announced) + " bytes";
}

}  // namespace

std::int64_t download_file(const std::string& url, const std::filesystem::path& dest, std::int64_t expected,
                           const DownloadOptions& o, const ProgressFn& progress) {
  OutFile out(dest);
  ProgressMeter meter("download", expected > 0 ? expected : 0, &progress);
  ResumePolicy policy(o.max_resumes, o.min_progress_bytes);
  // The bound of a download whose size nobody announced before it began (0 = none).
  const std::int64_t cap = expected < 0 ? o.max_unknown_bytes : 0;
  auto over_cap = [&](std::int64_t what) {
    return DownloadError("the source " + what_text(what) +
                             " without announcing its size first, more than the " + std::to_string(cap) +
                             " bytes a download of unknown size may take (the account's " +
                             "upload limit x media.split_tries + 16 MiB); stopped",
                         true);
  };
  std::string last_error;
  for (;;) {
    if (cancelled(o)) throw DownloadError("download cancelled", false, true);
    if (expected >= 0 && out.size() == expected) break;  // complete (also: resumed a finished file)
    std::int64_t from = out.size();
    // No more than announced, or than the cap: a body without a length could be endless.
    const std::int64_t bound = expected >= 0 ? expected : cap;
    bool over = false;
    GetResult r = http_get(url, from, -1, o.http, [&](const char* d, std::size_t n) {
      if (bound > 0 && static_cast<std::uint64_t>(out.size()) + n > static_cast<std::uint64_t>(bound)) {
        over = true;
        return false;
      }
      if (!out.write(d, n)) return false;
      meter.update(out.size());
      return true;
    });
    if (!out.error.empty()) throw DownloadError(out.error, false);
    if (r.cancelled || cancelled(o)) throw DownloadError("download cancelled", false, true);
    if (over && expected < 0) throw over_cap(-1);
    if (over) {
      throw DownloadError("the source sent more than the announced " + std::to_string(expected) + " bytes",
                          true);
    }
    if (r.total_size >= 0 && cap > 0 && r.total_size > cap) throw over_cap(r.total_size);
    if (r.total_size >= 0) {
      if (expected >= 0 && r.total_size != expected) {
        throw DownloadError("the source changed size during the download (" + std::to_string(expected) +
                                " -> " + std::to_string(r.total_size) + " bytes)",
                            true);
      }
      expected = r.total_size;
      meter.set_total(expected);
    }
    if (r.range_ignored) {
      spdlog::info("media: {} ignores Range; downloading it again from the start", redact_url(url));
      out.truncate();
    } else if (r.status == 416 && expected >= 0 && from >= expected) {
      break;
    } else if (r.status >= 400) {
      throw DownloadError("download failed: HTTP " + std::to_string(r.status), true);
    } else if (r.complete()) {
      if (expected < 0) expected = out.size();
      if (out.size() == expected) break;
      if (out.size() > expected) {
        throw DownloadError("received " + std::to_string(out.size()) + " bytes, more than the announced " +
                                std::to_string(expected),
                            true);
      }
      last_error = "the connection closed early at " + std::to_string(out.size()) + " of " +
                   std::to_string(expected) + " bytes";
    } else {
      last_error = r.describe();
    }
    if (r.range_ignored) continue;
    if (auto give_up = policy.on_break(r.stalled, out.size() - from, last_error, out.size())) {
      throw DownloadError("download " + *give_up, true);
    }
    spdlog::info("media: download of {} interrupted at {} bytes ({}); resuming with Range ({}/{})",
                 redact_url(url), out.size(), last_error, policy.breaks(), o.max_resumes);
    // A short pause lets a flapping host recover; cancellable.
    for (int i = 0; i < policy.breaks() * 5 && !cancelled(o); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  meter.finish();
  return out.size();
}

std::int64_t unknown_size_cap(std::int64_t limit, int split_tries) {
  constexpr std::int64_t kMargin = std::int64_t{16} << 20;
  std::int64_t cap = 0;
  if (limit <= 0 || split_tries <= 0) return kMargin;
  if (__builtin_mul_overflow(limit, std::int64_t{split_tries}, &cap) ||
      __builtin_add_overflow(cap, kMargin, &cap))
    return INT64_MAX;
  return cap;
}

std::int64_t free_disk_bytes(const std::filesystem::path& dir) {
  struct statvfs s {};
  if (::statvfs(dir.c_str(), &s) != 0) return -1;
  return static_cast<std::int64_t>(s.f_bavail) * static_cast<std::int64_t>(s.f_frsize);
}

}  // namespace cmup::media
