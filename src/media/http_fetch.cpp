#include "media/http_fetch.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "util/http_client.hpp"

namespace cmup::media {

namespace {

// The media path's settings on a request of the one HTTP client (util/http_client): redirects
// followed, libcurl's low-speed limit for a trickle, our no-data limit for a source that sends
// nothing, and the job's cancel flags.
HttpRequest source_request(const std::string& url, const HttpOptions& o) {
  HttpRequest r;
  r.url = url;
  r.timeout_ms = 0;  // a large file takes what it takes; the stall limits end a dead one
  r.connect_timeout_ms = static_cast<long>(o.connect_timeout.count());
  r.follow_redirects = true;
  r.low_speed_bytes = o.low_speed_bytes;
  r.low_speed_time_s = static_cast<long>(o.low_speed_time.count());
  r.no_data_timeout_ms = static_cast<long>(o.low_speed_time.count() * 1000);
  r.cancel = o.cancel;
  r.cancel_also = o.cancel_also;
  return r;
}

// A malformed or absurd size leaves the size unknown (-1): the download's cap then applies.
std::int64_t size_or_unknown(std::string_view v) {
  auto s = parse_size(v);
  return s ? static_cast<std::int64_t>(*s) : -1;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::string RemoteInfo::describe() const {
  if (status == 0) return error.empty() ? "no answer" : error;
  return "HTTP " + std::to_string(status);
}

std::string GetResult::describe() const {
  if (cancelled) return "cancelled";
  if (range_ignored) return "the server ignored the Range request";
  if (!error.empty()) return status > 0 ? "HTTP " + std::to_string(status) + ": " + error : error;
  return "HTTP " + std::to_string(status);
}

GetResult http_get(const std::string& url, std::int64_t offset, std::int64_t last, const HttpOptions& o,
                   const std::function<bool(const char*, std::size_t)>& sink) {
  GetResult res;
  HttpRequest req = source_request(url, o);
  req.range_from = offset;
  req.range_to = last;
  // An error page, or the whole file where a Range at offset > 0 was asked, is not the
  // sink's: it is not read at all.
  req.accept_body = [&](long status) {
    if (status < 200 || status >= 300) return false;
    if (offset > 0 && status == 200) {
      res.range_ignored = true;
      return false;
    }
    return true;
  };
  req.on_body = sink;
  HttpClient http;
  HttpResponse r = http.perform(req);
  res.status = r.answer_status;
  res.received = r.body_bytes;
  auto range = r.header("content-range");
  auto slash = range.find('/');
  if (slash != std::string::npos) {
    res.total_size = size_or_unknown(std::string_view(range).substr(slash + 1));
  } else if (res.status == 200 && !r.header("content-length").empty()) {
    res.total_size = size_or_unknown(r.header("content-length"));
  }
  switch (r.failure) {
    case HttpFailure::None:
      if (!r.ok()) res.error = "HTTP " + std::to_string(r.status);  // an answer without a body
      break;
    case HttpFailure::Stalled:
      res.stalled = true;
      res.error = r.error;
      break;
    case HttpFailure::Cancelled:
      res.cancelled = true;
      res.error = "cancelled";
      break;
    case HttpFailure::Declined:
      res.error = res.range_ignored ? "Range ignored" : "HTTP " + std::to_string(res.status);
      break;
    default:
      res.error = r.error;
  }
  return res;
}

RemoteInfo head_url(const std::string& url, const HttpOptions& o) {
  RemoteInfo info;
  HttpRequest req = source_request(url, o);
  req.method = "HEAD";
  req.timeout_ms = static_cast<long>(o.connect_timeout.count() + o.low_speed_time.count() * 1000);
  HttpClient http;
  HttpResponse r = http.perform(req);
  if (!r.error.empty()) {
    info.error = r.error;
    return info;
  }
  info.status = r.status;
  if (info.status == 405 || info.status == 501) {
    // Some hosts refuse HEAD: one byte of a Range GET tells the same.
    GetResult g = http_get(url, 0, 0, o, [](const char*, std::size_t) { return true; });
    info.status = g.status;
    info.error = g.complete() ? "" : g.error;
    info.size = g.total_size;
    info.accepts_ranges = g.status == 206;
    return info;
  }
  info.size = r.header("content-length").empty() ? -1 : size_or_unknown(r.header("content-length"));
  info.accepts_ranges = lower(r.header("accept-ranges")) == "bytes";
  info.content_type = r.header("content-type");
  return info;
}

std::string read_range(const std::string& url, std::int64_t offset, std::size_t len, const HttpOptions& o) {
  std::string out;
  GetResult g = http_get(url, offset, offset + static_cast<std::int64_t>(len) - 1, o,
                         [&](const char* d, std::size_t n) {
                           // A server that ignores Range at offset 0 sends the whole file: keep what we asked
                           // for.
                           std::size_t want = len - out.size();
                           out.append(d, std::min(n, want));
                           return out.size() < len;
                         });
  if (g.cancelled) throw std::runtime_error("cancelled");
  if (g.range_ignored) throw RangeIgnored("the server ignores Range requests");
  if (!g.complete() && !(g.error == "aborted by reader" && out.size() == len)) {
    throw std::runtime_error("range read failed: " + g.describe());
  }
  return out;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v > kMaxRemoteSize) return std::nullopt;
  return v;
}

std::string redact_url(const std::string& url) {
  std::string u = url.substr(0, url.find_first_of("?#"));
  auto scheme = u.find("://");
  auto at = u.find('@');
  if (scheme != std::string::npos && at != std::string::npos && at < u.find('/', scheme + 3)) {
    u = u.substr(0, scheme + 3) + u.substr(at + 1);
  }
  return u;
}

}  // namespace cmup::media
