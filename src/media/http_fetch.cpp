#include "media/http_fetch.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <mutex>

namespace cmup::media {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

using CurlPtr = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;

CurlPtr new_handle(const std::string& url, const HttpOptions& o) {
  global_init();
  CurlPtr c(curl_easy_init(), &curl_easy_cleanup);
  if (!c) throw std::runtime_error("curl_easy_init failed");
  curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c.get(), CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c.get(), CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
  curl_easy_setopt(c.get(), CURLOPT_LOW_SPEED_LIMIT, o.low_speed_bytes);
  curl_easy_setopt(c.get(), CURLOPT_LOW_SPEED_TIME, static_cast<long>(o.low_speed_time.count()));
  return c;
}

struct Transfer {
  const HttpOptions* opt;
  const std::function<bool(const char*, std::size_t)>* sink;
  GetResult* res;
  CURL* curl;
  std::int64_t offset;
  bool checked = false;
  bool reject = false;  // error answer or ignored Range: swallow the body, stop early
  std::int64_t content_length = -1;
  std::int64_t range_total = -1;
  bool reader_abort = false;
  // curl's own low-speed check averages over a window of several seconds; this one ends a
  // transfer that got no byte at all for low_speed_time, which is what "stalled" means.
  std::chrono::steady_clock::time_point last_data = std::chrono::steady_clock::now();
  curl_off_t last_dlnow = 0;
  bool stalled = false;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

size_t on_header(char* buf, size_t size, size_t n, void* ud) {
  auto* t = static_cast<Transfer*>(ud);
  std::string line(buf, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->content_length = -1;
    t->range_total = -1;
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = lower(line.substr(0, colon));
  std::string value = line.substr(colon + 1);
  auto b = value.find_first_not_of(" \t");
  auto e = value.find_last_not_of(" \t\r\n");
  value = b == std::string::npos ? "" : value.substr(b, e - b + 1);
  // A malformed or absurd size leaves the size unknown (-1): the download's cap then applies.
  auto as_size = [](std::string_view v) -> std::int64_t {
    auto s = parse_size(v);
    return s ? static_cast<std::int64_t>(*s) : -1;
  };
  if (name == "content-length") t->content_length = as_size(value);
  if (name == "content-range") {
    auto slash = value.find('/');
    if (slash != std::string::npos) t->range_total = as_size(std::string_view(value).substr(slash + 1));
  }
  return size * n;
}

size_t on_body(char* ptr, size_t size, size_t n, void* ud) {
  auto* t = static_cast<Transfer*>(ud);
  size_t len = size * n;
  if (!t->checked) {
    t->checked = true;
    long status = 0;
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
    t->res->status = status;
    if (status < 200 || status >= 300) {
      t->reject = true;
    } else if (t->offset > 0 && status == 200) {
      t->res->range_ignored = true;
      t->reject = true;
    }
  }
  if (t->reject) return 0;  // abort: an error page or a full body we did not ask for
  if (!(*t->sink)(ptr, len)) {
    t->reader_abort = true;
    return 0;
  }
  t->res->received += static_cast<std::int64_t>(len);
  return len;
}

int on_progress(void* ud, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(ud);
  if (t->opt->stop_requested()) return 1;
  auto now = std::chrono::steady_clock::now();
  if (dlnow != t->last_dlnow) {
    t->last_dlnow = dlnow;
    t->last_data = now;
  } else if (now - t->last_data >
             t->opt->low_speed_time + (dlnow == 0 ? t->opt->connect_timeout : std::chrono::milliseconds(0))) {
    t->stalled = true;
    return 1;
  }
  return 0;
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
  auto c = new_handle(url, o);
  Transfer t{&o, &sink, &res, c.get(), offset};
  std::string range;
  if (offset > 0 || last >= 0) {
    range = std::to_string(offset) + "-" + (last >= 0 ? std::to_string(last) : "");
    curl_easy_setopt(c.get(), CURLOPT_RANGE, range.c_str());
  }
  curl_easy_setopt(c.get(), CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c.get(), CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c.get(), CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c.get(), CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c.get(), CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c.get(), CURLOPT_XFERINFODATA, &t);
  CURLcode rc = curl_easy_perform(c.get());
  long status = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
  res.status = status;
  if (t.range_total >= 0) {
    res.total_size = t.range_total;
  } else if (t.content_length >= 0 && status == 200) {
    res.total_size = t.content_length;
  }
  if (t.stalled) {
    res.stalled = true;
    res.error = "no data for " + std::to_string(o.low_speed_time.count()) + " s (stalled)";
  } else if (rc == CURLE_ABORTED_BY_CALLBACK) {
    res.cancelled = true;
    res.error = "cancelled";
  } else if (t.reader_abort) {
    res.error = "aborted by reader";
  } else if (t.reject || (rc == CURLE_OK && (status < 200 || status >= 300))) {
    if (!res.range_ignored)
      res.error = "HTTP " + std::to_string(status);
    else
      res.error = "Range ignored";
  } else if (rc != CURLE_OK) {
    res.error = curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      // curl's own low-speed limit: a trickle below low_speed_bytes/s is a stall too.
      res.stalled = true;
      res.error += " (no data for too long)";
    }
  }
  return res;
}

RemoteInfo head_url(const std::string& url, const HttpOptions& o) {
  RemoteInfo info;
  auto c = new_handle(url, o);
  Transfer t{&o, nullptr, nullptr, c.get(), 0};
  std::string accept_ranges, content_type;
  struct Hdr {
    Transfer* t;
    std::string* ar;
    std::string* ct;
  } h{&t, &accept_ranges, &content_type};
  auto hdr_cb = +[](char* buf, size_t size, size_t n, void* ud) -> size_t {
    auto* hh = static_cast<Hdr*>(ud);
    std::string line(buf, size * n);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = lower(line.substr(0, colon));
      std::string v = line.substr(colon + 1);
      auto b = v.find_first_not_of(" \t");
      auto e = v.find_last_not_of(" \t\r\n");
      v = b == std::string::npos ? "" : v.substr(b, e - b + 1);
      if (name == "accept-ranges") *hh->ar = lower(v);
      if (name == "content-type") *hh->ct = v;
    }
    return on_header(buf, size, n, hh->t);
  };
  curl_easy_setopt(c.get(), CURLOPT_NOBODY, 1L);
  curl_easy_setopt(c.get(), CURLOPT_HEADERFUNCTION, hdr_cb);
  curl_easy_setopt(c.get(), CURLOPT_HEADERDATA, &h);
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT_MS,
                   static_cast<long>(o.connect_timeout.count() + o.low_speed_time.count() * 1000));
  CURLcode rc = curl_easy_perform(c.get());
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &info.status);
  if (rc != CURLE_OK) {
    info.status = 0;
    info.error = curl_easy_strerror(rc);
    return info;
  }
  if (info.status == 405 || info.status == 501) {
    // Some hosts refuse HEAD: one byte of a Range GET tells the same.
    GetResult g = http_get(url, 0, 0, o, [](const char*, std::size_t) { return true; });
    info.status = g.status;
    info.error = g.complete() ? "" : g.error;
    info.size = g.total_size;
    info.accepts_ranges = g.status == 206;
    return info;
  }
  info.size = t.content_length;
  info.accepts_ranges = accept_ranges == "bytes";
  info.content_type = content_type;
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
