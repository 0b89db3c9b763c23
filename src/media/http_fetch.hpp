// HTTP reads of a source URL for the media path, on the one HTTP client (util/http_client):
// a HEAD for size and Range support, small Range reads (MP4 box headers), and a streamed GET
// from an offset that the downloader and the direct stream build on (their resume rule is
// media/resume_policy).
//
// Contract: no function here throws for network or HTTP failures except read_range();
// results carry the status (0 = no HTTP answer) and curl's reason. Every transfer honours
// the connect timeout, the low-speed limit (fewer than low_speed_bytes per second for
// low_speed_time: abandoned) and `cancel` (checked by curl's progress callback, so a
// cancelled transfer stops within a second even while stalled). Bodies of error answers
// are discarded, never passed to a sink. Thread-safe: each call uses its own client.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cmup::media {

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(15)};
  long low_speed_bytes = 1024;
  std::chrono::seconds low_speed_time{30};
  const std::atomic<bool>* cancel = nullptr;
  const std::atomic<bool>* cancel_also = nullptr;  // a second reason to stop (e.g. the reader left)
  bool stop_requested() const { return (cancel && cancel->load()) || (cancel_also && cancel_also->load()); }
};

struct RemoteInfo {
  long status = 0;
  std::string error;            // transport error, empty when an answer came
  std::int64_t size = -1;       // Content-Length (<= kMaxRemoteSize), -1 when unknown or malformed
  bool accepts_ranges = false;  // "Accept-Ranges: bytes"
  std::string content_type;
  bool ok() const { return status >= 200 && status < 300; }
  std::string describe() const;  // "HTTP 404" / "connection refused" for the operator
};

// HEAD (with a Range GET of one byte as fallback for hosts that refuse HEAD).
RemoteInfo head_url(const std::string& url, const HttpOptions& options);

struct GetResult {
  long status = 0;
  std::string error;  // transport error or why the transfer was abandoned
  bool cancelled = false;
  bool range_ignored = false;  // asked for offset > 0, the server answered 200: nothing was written
  bool stalled = false;       // abandoned by the low-speed limit (no data, or too little, for low_speed_time)
  std::int64_t received = 0;  // body bytes passed to the sink
  std::int64_t total_size = -1;  // the whole file's size per Content-Range/Content-Length
  bool complete() const { return error.empty() && !cancelled && status >= 200 && status < 300; }
  std::string describe() const;
};

// GETs `url` from byte `offset` (Range: bytes=offset- when > 0, or offset-last when
// last >= 0) and passes each body chunk to `sink`; a sink returning false aborts the
// transfer (error "aborted by reader").
GetResult http_get(const std::string& url, std::int64_t offset, std::int64_t last, const HttpOptions& options,
                   const std::function<bool(const char*, std::size_t)>& sink);

class RangeIgnored : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads up to `len` bytes at `offset` with a Range request; throws RangeIgnored when the
// server answers a Range at offset > 0 with the whole file, std::runtime_error when it fails.
std::string read_range(const std::string& url, std::int64_t offset, std::size_t len,
                       const HttpOptions& options);

// A byte count from an HTTP header (Content-Length, the total of a Content-Range): only
// decimal digits (no sign, no blanks inside), at most kMaxRemoteSize; std::nullopt for
// anything else, which callers treat as "size unknown". Sizes from the network are
// untrusted: they are never read as signed numbers, and the bound keeps every sum and
// product the media path makes of them (2 x size + margin, ...) far from overflow.
inline constexpr std::uint64_t kMaxRemoteSize = std::uint64_t{1} << 50;  // 1 PiB
std::optional<std::uint64_t> parse_size(std::string_view text);

// The URL with any query string and credentials removed, for logs.
std::string redact_url(const std::string& url);

}  // namespace cmup::media
