#include "telegram/multipart_upload.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>

#include "util/random.hpp"

namespace cmup {

namespace {

using Clock = std::chrono::steady_clock;

std::string make_boundary() { return "cmup-" + random_hex(16); }

// Header values come from coded names and our own field names; quotes and line breaks
// would break the framing, so they are replaced rather than trusted.
std::string quoted(const std::string& s) {
  std::string out;
  for (char c : s) out += (c == '"' || c == '\r' || c == '\n') ? '_' : c;
  return out;
}

std::int64_t part_size(const ByteSource& b) {
  if (!b.is_file()) return b.size;
  std::error_code ec;
  auto n = std::filesystem::file_size(b.file, ec);
  return ec ? -1 : static_cast<std::int64_t>(n);
}

// One piece of the body: literal text, or the bytes of file part `file`.
struct Segment {
  std::string text;
  int file = -1;
  std::int64_t length = 0;
};

struct BodyReader {
  const MultipartRequest* req = nullptr;
  std::vector<Segment> segments;
  std::size_t seg = 0;
  std::int64_t seg_offset = 0;
  int fd = -1;
  std::string error;
  bool source_failed = false;
  std::exception_ptr callback_exception;
  // Progress over the file parts' bytes.
  const ProgressFn* progress = nullptr;
  Progress tmpl;
  std::int64_t file_bytes_total = 0;
  std::int64_t file_bytes_done = 0;
  Clock::time_point started = Clock::now();
  Clock::time_point last_report = Clock::now();
  std::int64_t last_report_bytes = 0;
  double rate = 0;

  ~BodyReader() {
    if (fd >= 0) ::close(fd);
  }

  void report(bool final) {
    if (!progress || !*progress) return;
    auto now = Clock::now();
    double dt = std::chrono::duration<double>(now - last_report).count();
    if (!final && dt < 0.2) return;
    if (dt > 0) {
      double inst = static_cast<double>(file_bytes_done - last_report_bytes) / dt;
      rate = rate == 0 ? inst : 0.7 * rate + 0.3 * inst;  // smoothed: one slow chunk does not swing the ETA
    }
    last_report = now;
    last_report_bytes = file_bytes_done;
    Progress p = tmpl;
    if (p.stage.empty()) p.stage = "upload";
    p.bytes_done = file_bytes_done;
    p.bytes_total = file_bytes_total;
    p.rate_bps = rate;
    p.eta_s = rate > 0 ? static_cast<double>(file_bytes_total - file_bytes_done) / rate : -1;
    (*progress)(p);
  }

  // Fills `buf` from the current file segment; returns bytes, or -1 on a source error.
  std::ptrdiff_t read_file_segment(char* buf, std::size_t cap) {
    const auto& part = req->files[static_cast<std::size_t>(segments[seg].file)];
    std::int64_t remaining = segments[seg].length - seg_offset;
    std::size_t want =
        static_cast<std::size_t>(std::min<std::int64_t>(remaining, static_cast<std::int64_t>(cap)));
    if (want == 0) return 0;
    std::ptrdiff_t got = 0;
    if (part.bytes.is_file()) {
      if (fd < 0) {
        fd = ::open(part.bytes.file.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
          error = "cannot open " + part.bytes.file.string() + ": " + std::strerror(errno);
          return -1;
        }
      }
      got = ::read(fd, buf, want);
      if (got < 0) {
        error = "reading " + part.bytes.file.string() + ": " + std::strerror(errno);
        return -1;
      }
    } else {
      if (!part.bytes.read) {
        error = "file part " + part.field + " has neither a file nor a stream";
        return -1;
      }
      got = part.bytes.read(buf, want);
      if (got < 0) {
        error =
            "source stream failed: " + (part.bytes.error ? part.bytes.error() : std::string("unknown error"));
        return -1;
      }
      got = std::min<std::ptrdiff_t>(got, static_cast<std::ptrdiff_t>(want));
    }
    if (got == 0) {
      error = "source ended after " + std::to_string(seg_offset) + " of " +
              std::to_string(segments[seg].length) + " bytes of " + part.file_name;
      return -1;
    }
    return got;
  }

  std::size_t fill(char* buf, std::size_t cap) {
    std::size_t out = 0;
    while (out < cap && seg < segments.size()) {
      Segment& s = segments[seg];
      if (s.file < 0) {
        std::size_t n =
            std::min<std::size_t>(cap - out, s.text.size() - static_cast<std::size_t>(seg_offset));
        std::memcpy(buf + out, s.text.data() + seg_offset, n);
        out += n;
        seg_offset += static_cast<std::int64_t>(n);
      } else {
        std::ptrdiff_t got = read_file_segment(buf + out, cap - out);
        if (got < 0) {
          source_failed = true;
          return CURL_READFUNC_ABORT;
        }
        out += static_cast<std::size_t>(got);
        seg_offset += got;
        file_bytes_done += got;
        report(false);
        // A stream hands over what it has; send it rather than wait to fill the buffer.
        if (seg_offset < s.length) return out;
      }
      if (seg_offset >= s.length) {
        if (fd >= 0) {
          ::close(fd);
          fd = -1;
        }
        ++seg;
        seg_offset = 0;
      }
    }
    return out;
  }
};

size_t on_read(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* r = static_cast<BodyReader*>(userdata);
  try {
    return r->fill(buffer, size * nitems);
  } catch (...) {
    // A progress callback may throw to cancel (e.g. the lease was lost); it must not unwind
    // through libcurl, so it is carried out and rethrown after curl_easy_perform returns.
    r->callback_exception = std::current_exception();
    return CURL_READFUNC_ABORT;
  }
}

size_t on_write(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* body = static_cast<std::string*>(userdata);
  // Bot API replies are small; a runaway body is not one.
  if (body->size() > (16u << 20)) return 0;
  body->append(ptr, size * nmemb);
  return size * nmemb;
}

}  // namespace

MultipartUploader::MultipartUploader() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
  if (!curl_) throw std::runtime_error("curl_easy_init failed");
}

MultipartUploader::~MultipartUploader() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

std::string MultipartUploader::file_part_header(const std::string& boundary, const MultipartFilePart& part) {
  return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(part.field) +
         "\"; filename=\"" + quoted(part.file_name) + "\"\r\nContent-Type: " +
         quoted(part.content_type.empty() ? "application/octet-stream" : part.content_type) + "\r\n\r\n";
}

MultipartResponse MultipartUploader::post(const MultipartRequest& req, const ProgressFn& progress,
                                          const Progress& progress_template) {
  MultipartResponse resp;
  BodyReader reader;
  reader.req = &req;
  reader.progress = &progress;
  reader.tmpl = progress_template;
  const std::string boundary = make_boundary();
  for (const auto& [k, v] : req.fields) {
    Segment s;
    s.text = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(k) + "\"\r\n\r\n" + v +
             "\r\n";
    s.length = static_cast<std::int64_t>(s.text.size());
    reader.segments.push_back(std::move(s));
  }
  for (std::size_t i = 0; i < req.files.size(); ++i) {
    Segment head;
    head.text = file_part_header(boundary, req.files[i]);
    head.length = static_cast<std::int64_t>(head.text.size());
    reader.segments.push_back(std::move(head));
    Segment bytes;
    bytes.file = static_cast<int>(i);
    bytes.length = part_size(req.files[i].bytes);
    if (bytes.length < 0) {
      resp.error = "cannot read the size of " + req.files[i].bytes.file.string();
      resp.source_failed = true;
      return resp;
    }
    reader.file_bytes_total += bytes.length;
    reader.segments.push_back(std::move(bytes));
    Segment tail;
    tail.text = "\r\n";
    tail.length = 2;
    reader.segments.push_back(std::move(tail));
  }
  Segment end;
  end.text = "--" + boundary + "--\r\n";
  end.length = static_cast<std::int64_t>(end.text.size());
  reader.segments.push_back(std::move(end));
  std::int64_t total = 0;
  for (const auto& s : reader.segments) total += s.length;

  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(total));
  curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, req.connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, req.stall_timeout_s);
  curl_slist* hdrs = nullptr;
  hdrs = curl_slist_append(hdrs, ("Content-Type: multipart/form-data; boundary=" + boundary).c_str());
  hdrs = curl_slist_append(hdrs, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);

  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(hdrs);
  resp.bytes_sent = reader.file_bytes_done;
  if (reader.callback_exception) std::rethrow_exception(reader.callback_exception);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (reader.source_failed) {
    resp.source_failed = true;
    resp.error = reader.error;
    return resp;
  }
  if (rc != CURLE_OK) {
    // A server may answer early (413, 429) and close while we still send: keep its answer.
    if (status > 0 && !resp.body.empty()) {
      resp.status = status;
      return resp;
    }
    resp.error = rc == CURLE_OPERATION_TIMEDOUT
                     ? "upload stalled (no progress for " + std::to_string(req.stall_timeout_s) + " s)"
                     : std::string(curl_easy_strerror(rc));
    return resp;
  }
  reader.report(true);
  resp.status = status;
  return resp;
}

}  // namespace cmup
