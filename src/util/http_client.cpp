#include "util/http_client.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <system_error>

#include "util/http_message.hpp"

namespace cmup {

namespace {

using Clock = std::chrono::steady_clock;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Everything one perform() shares with libcurl's callbacks.
struct Transfer {
  Transfer(const HttpRequest* q, HttpResponse* r, CURL* c) : req(q), resp(r), curl(c) {}
  const HttpRequest* req;
  HttpResponse* resp;
  CURL* curl;
  bool body_checked = false;
  bool declined = false;
  bool aborted = false;
  bool too_large = false;
  bool stalled = false;
  bool cancelled = false;
  bool source_failed = false;
  std::string source_error;
  std::exception_ptr callback_exception;
  // Our stall check: the last time a byte moved either way.
  Clock::time_point last_data = Clock::now();
  curl_off_t last_moved = 0;
  // Upload progress over the form's file parts.
  std::int64_t upload_total = 0;
  Clock::time_point last_report = Clock::now();
  std::int64_t last_report_bytes = 0;
  double rate = 0;

  bool stop_requested() const {
    return (req->cancel && req->cancel->load()) || (req->cancel_also && req->cancel_also->load());
  }

  void report_upload(bool final) {
    if (!req->upload_progress) return;
    auto now = Clock::now();
    double dt = std::chrono::duration<double>(now - last_report).count();
    if (!final && dt < 0.2) return;
    const std::int64_t done = resp->sent_bytes;
    if (dt > 0) {
      double inst = static_cast<double>(done - last_report_bytes) / dt;
      rate = rate == 0 ? inst : 0.7 * rate + 0.3 * inst;  // smoothed: one slow chunk does not swing the ETA
    }
    last_report = now;
    last_report_bytes = done;
    Progress p = req->progress_template;
    if (p.stage.empty()) p.stage = "upload";
    p.bytes_done = done;
    p.bytes_total = upload_total;
    p.rate_bps = rate;
    p.eta_s = rate > 0 ? static_cast<double>(upload_total - done) / rate : -1;
    req->upload_progress(p);
  }
};

// A callback must not unwind through libcurl: an exception is kept and rethrown by perform().
template <typename F>
auto guarded(Transfer* t, F&& f, decltype(f()) on_throw) -> decltype(f()) {
  try {
    return f();
  } catch (...) {
    t->callback_exception = std::current_exception();
    return on_throw;
  }
}

// The one header parser: names lower-cased, values trimmed; a status line starts a new
// answer (after a redirect or a 100 Continue), so only the last answer's headers remain.
size_t on_header(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  const size_t n = size * nitems;
  std::string_view line(buffer, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    t->resp->headers.clear();
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  t->resp->headers[name] = std::string(trim_ows(line.substr(colon + 1)));
  return n;
}

size_t on_write(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  const size_t n = size * nmemb;
  return guarded(
      t,
      [&]() -> size_t {
        if (!t->body_checked) {
          t->body_checked = true;
          long status = 0;
          curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
          if (t->req->accept_body && !t->req->accept_body(status)) t->declined = true;
        }
        if (t->declined) return 0;  // an error page or a body we did not ask for: not read
        if (t->req->on_body) {
          if (!t->req->on_body(ptr, n)) {
            t->aborted = true;
            return 0;
          }
        } else {
          if (t->req->max_body_bytes > 0 && t->resp->body.size() + n > t->req->max_body_bytes) {
            t->too_large = true;
            return 0;
          }
          t->resp->body.append(ptr, n);
        }
        t->resp->body_bytes += static_cast<std::int64_t>(n);
        return n;
      },
      size_t{0});
}

// Cancel, and our stall check: libcurl calls this often while bytes move and at least once a
// second while it waits.
int on_progress(void* userdata, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t ulnow) {
  auto* t = static_cast<Transfer*>(userdata);
  if (t->stop_requested()) {
    t->cancelled = true;
    return 1;
  }
  const long limit_ms = t->req->no_data_timeout_ms;
  if (limit_ms <= 0) return 0;
  auto now = Clock::now();
  const curl_off_t moved = dlnow + ulnow;
  if (moved != t->last_moved) {
    t->last_moved = moved;
    t->last_data = now;
  } else if (now - t->last_data > std::chrono::milliseconds(limit_ms + (moved == 0 ? t->req->connect_timeout_ms : 0))) {
    t->stalled = true;
    return 1;
  }
  return 0;
}

// One file part of a form, read while the request is on the wire.
struct PartReader {
  Transfer* t;
  const HttpFormPart* part;
  std::int64_t size;
  std::int64_t offset = 0;
  int fd = -1;
  ~PartReader() {
    if (fd >= 0) ::close(fd);
  }

  size_t fail(std::string why) {
    t->source_failed = true;
    t->source_error = std::move(why);
    return CURL_READFUNC_ABORT;
  }

  size_t read(char* buf, size_t cap) {
    const ByteSource& src = *part->file;
    const std::int64_t remaining = size - offset;
    const auto want = static_cast<std::size_t>(std::min<std::int64_t>(remaining, static_cast<std::int64_t>(cap)));
    if (want == 0) return 0;
    std::ptrdiff_t got = 0;
    if (src.is_file()) {
      if (fd < 0) {
        fd = ::open(src.file.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
          return fail("cannot open " + src.file.string() + ": " + std::generic_category().message(errno));
      }
      got = ::read(fd, buf, want);
      if (got < 0)
        return fail("reading " + src.file.string() + ": " + std::generic_category().message(errno));
    } else {
      if (!src.read) return fail("file part " + part->name + " has neither a file nor a stream");
      got = src.read(buf, want);
      if (got < 0) return fail("source stream failed: " + (src.error ? src.error() : std::string("unknown error")));
      got = std::min<std::ptrdiff_t>(got, static_cast<std::ptrdiff_t>(want));
    }
    if (got == 0) {
      return fail("source ended after " + std::to_string(offset) + " of " + std::to_string(size) + " bytes of " +
                  part->file_name);
    }
    offset += got;
    t->resp->sent_bytes += got;
    t->report_upload(false);
    return static_cast<size_t>(got);
  }
};

size_t on_part_read(char* buffer, size_t size, size_t nitems, void* arg) {
  auto* r = static_cast<PartReader*>(arg);
  return guarded(r->t, [&] { return r->read(buffer, size * nitems); }, static_cast<size_t>(CURL_READFUNC_ABORT));
}

std::int64_t source_size(const ByteSource& b) {
  if (!b.is_file()) return b.size;
  std::error_code ec;
  auto n = std::filesystem::file_size(b.file, ec);
  return ec ? -1 : static_cast<std::int64_t>(n);
}

struct MimeDeleter {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
using Mime = std::unique_ptr<curl_mime, MimeDeleter>;

// Builds the form as curl_mime parts; file parts get a PartReader each (kept in `readers`,
// which must outlive the transfer). Returns an error text when a file's size is unknown.
std::string build_form(CURL* c, Transfer& t, Mime& mime, std::list<PartReader>& readers) {
  mime.reset(curl_mime_init(c));
  for (const HttpFormPart& p : t.req->form) {
    curl_mimepart* part = curl_mime_addpart(mime.get());
    curl_mime_name(part, p.name.c_str());
    if (!p.file) {
      curl_mime_data(part, p.value.data(), p.value.size());
      continue;
    }
    const std::int64_t size = source_size(*p.file);
    if (size < 0) return "cannot read the size of " + p.file->file.string();
    curl_mime_filename(part, p.file_name.c_str());
    curl_mime_type(part, p.content_type.empty() ? "application/octet-stream" : p.content_type.c_str());
    PartReader& r = readers.emplace_back(PartReader{&t, &p, size});
    // An exact size for every part: libcurl sends Content-Length, not chunks (no seek: a
    // stream cannot rewind, and nothing here asks libcurl to resend).
    curl_mime_data_cb(part, static_cast<curl_off_t>(size), on_part_read, nullptr, nullptr, &r);
    t.upload_total += size;
  }
  curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());
  return "";
}

// The one mapping of how a transfer ended to what the caller sees.
void finish(CURLcode rc, Transfer& t, long status, long elapsed_ms) {
  HttpResponse& r = *t.resp;
  const HttpRequest& q = *t.req;
  r.answer_status = status;
  r.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
  auto fail = [&](HttpFailure f, std::string why, bool keep_status) {
    r.failure = f;
    r.error = std::move(why);
    r.status = keep_status ? status : 0;
  };
  if (t.source_failed) return fail(HttpFailure::SourceFailed, t.source_error, false);
  if (t.stalled) {
    return fail(HttpFailure::Stalled, "no data for " + std::to_string(q.no_data_timeout_ms / 1000) + " s (stalled)",
                false);
  }
  if (t.cancelled || (rc == CURLE_ABORTED_BY_CALLBACK && t.stop_requested())) {
    r.cancelled = true;
    return fail(HttpFailure::Cancelled, "cancelled", false);
  }
  if (t.aborted) return fail(HttpFailure::Aborted, "aborted by reader", true);
  if (t.declined) return fail(HttpFailure::Declined, "HTTP " + std::to_string(status), true);
  if (t.too_large) {
    return fail(HttpFailure::TooLarge, "the answer is larger than " + std::to_string(q.max_body_bytes) + " bytes",
                false);
  }
  if (rc == CURLE_OK) {
    r.status = status;
    return;
  }
  // A server may answer an upload early (413, 429) and close while we still send: its
  // answer is what the caller needs.
  if (status > 0 && !r.body.empty() && (!q.form.empty() || !q.body.empty())) {
    r.status = status;
    return;
  }
  if (rc == CURLE_OPERATION_TIMEDOUT && q.low_speed_time_s > 0 && (q.timeout_ms <= 0 || elapsed_ms < q.timeout_ms)) {
    return fail(HttpFailure::Stalled,
                std::string(curl_easy_strerror(rc)) + " (less than " + std::to_string(q.low_speed_bytes) +
                    " bytes/s for " + std::to_string(q.low_speed_time_s) + " s: stalled)",
                false);
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) return fail(HttpFailure::TimedOut, curl_easy_strerror(rc), false);
  fail(HttpFailure::Transport, curl_easy_strerror(rc), false);
}

}  // namespace

HttpFormPart HttpFormPart::text(std::string name, std::string value) {
  HttpFormPart p;
  p.name = std::move(name);
  p.value = std::move(value);
  return p;
}

HttpFormPart HttpFormPart::bytes(std::string name, std::string file_name, std::string content_type,
                                 ByteSource source) {
  HttpFormPart p;
  p.name = std::move(name);
  p.file_name = std::move(file_name);
  p.content_type = std::move(content_type);
  p.file = std::move(source);
  return p;
}

HttpClient::HttpClient() {
  global_init();
  curl_ = curl_easy_init();
  if (!curl_) throw std::runtime_error("curl_easy_init failed");
}

HttpClient::~HttpClient() {
  if (multi_) curl_multi_cleanup(static_cast<CURLM*>(multi_));
  curl_easy_cleanup(static_cast<CURL*>(curl_));
}

namespace {

// Runs a transfer that can be cancelled. libcurl calls the progress callback only about once
// a second while it waits (a long poll waits up to its whole timeout), so the transfer runs on
// a multi handle and the flag is also checked between waits of at most 100 ms: a stop does not
// wait for the next progress call.
CURLcode perform_cancellable(CURLM* m, CURL* c, Transfer& t) {
  if (curl_multi_add_handle(m, c) != CURLM_OK) return CURLE_FAILED_INIT;
  CURLcode rc = CURLE_OK;
  for (;;) {
    int running = 0;
    if (curl_multi_perform(m, &running) != CURLM_OK) {
      rc = CURLE_FAILED_INIT;
      break;
    }
    if (running == 0) {
      int left = 0;
      CURLMsg* msg = curl_multi_info_read(m, &left);
      rc = msg && msg->msg == CURLMSG_DONE ? msg->data.result : CURLE_FAILED_INIT;
      break;
    }
    if (t.stop_requested()) {
      t.cancelled = true;
      rc = CURLE_ABORTED_BY_CALLBACK;
      break;
    }
    if (curl_multi_poll(m, nullptr, 0, 100, nullptr) != CURLM_OK) {
      rc = CURLE_FAILED_INIT;
      break;
    }
  }
  curl_multi_remove_handle(m, c);
  return rc;
}

}  // namespace

HttpResponse HttpClient::perform(const HttpRequest& req) {
  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  HttpResponse resp;
  Transfer t(&req, &resp, c);
  if (t.stop_requested()) {  // not sent at all
    resp.error = "cancelled";
    resp.failure = HttpFailure::Cancelled;
    resp.cancelled = true;
    return resp;
  }
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req.timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, req.connect_timeout_ms);
  if (req.low_speed_time_s > 0) {
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, req.low_speed_bytes);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, req.low_speed_time_s);
  }
  if (req.follow_redirects) {
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  }
  std::string range;
  if (req.range_from > 0 || req.range_to >= 0) {
    range = std::to_string(req.range_from) + "-" + (req.range_to >= 0 ? std::to_string(req.range_to) : "");
    curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());
  }
  Mime mime(nullptr);
  std::list<PartReader> readers;  // stable addresses for libcurl
  if (!req.form.empty()) {
    std::string bad = build_form(c, t, mime, readers);
    if (!bad.empty()) {
      resp.error = bad;
      resp.failure = HttpFailure::SourceFailed;
      return resp;
    }
  } else if (req.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  }
  curl_slist* hdrs = nullptr;
  for (const auto& [k, v] : req.headers) hdrs = curl_slist_append(hdrs, (k + ": " + v).c_str());
  hdrs = curl_slist_append(hdrs, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);

  const auto started = Clock::now();
  CURLcode rc;
  if (req.cancel || req.cancel_also) {
    if (!multi_) multi_ = curl_multi_init();
    rc = multi_ ? perform_cancellable(static_cast<CURLM*>(multi_), c, t) : CURLE_OUT_OF_MEMORY;
  } else {
    rc = curl_easy_perform(c);
  }
  curl_slist_free_all(hdrs);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (t.callback_exception) std::rethrow_exception(t.callback_exception);
  const auto elapsed_ms =
      static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count());
  finish(rc, t, status, elapsed_ms);
  if (resp.failure == HttpFailure::None && !req.form.empty()) t.report_upload(true);
  return resp;
}

HttpResponse HttpClient::post_json(const std::string& url, const std::string& json,
                                   std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest r;
  r.method = "POST";
  r.url = url;
  r.body = json;
  r.headers = std::move(headers);
  r.headers.emplace_back("Content-Type", "application/json");
  return perform(r);
}

HttpResponse HttpClient::get(const std::string& url, std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest r;
  r.url = url;
  r.headers = std::move(headers);
  return perform(r);
}

std::string HttpClient::escape(const std::string& s) {
  global_init();
  char* e = curl_easy_escape(nullptr, s.c_str(), static_cast<int>(s.size()));
  std::string out = e ? e : "";
  curl_free(e);
  return out;
}

}  // namespace cmup
