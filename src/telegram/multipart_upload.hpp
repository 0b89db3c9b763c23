// A streamed multipart/form-data POST (the body of sendVideo / sendDocument).
//
// Contract: post_multipart() sends text fields and at most a few file parts, each file part
// read from a ByteSource while the request is on the wire: a local file is read in chunks,
// a stream callback fills libcurl's own upload buffer directly. The body's exact length is
// computed up front and sent as Content-Length (no chunked encoding), so memory stays flat
// whatever the file size. It never throws for network or HTTP failures: a transport error,
// a stalled transfer, or a source that fails or ends early comes back with status 0 and
// `error` saying which (source errors also set `source_failed`). Progress is reported for the
// file parts' bytes (not headers) at most every ~200 ms and once at the end. One call at a
// time per MultipartUploader (it reuses one curl handle); not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "util/byte_source.hpp"
#include "util/progress.hpp"

namespace cmup {

struct MultipartFilePart {
  std::string field;         // "video", "document", "thumbnail"
  std::string file_name;     // sent in Content-Disposition
  std::string content_type;  // "video/mp4", "image/jpeg"
  ByteSource bytes;          // file or stream; `size` must be exact for a stream
};

struct MultipartRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> fields;  // text fields, in order
  std::vector<MultipartFilePart> files;
  long connect_timeout_ms = 10000;
  // The request fails (status 0, transient) when less than 1 byte/s moves for this long.
  long stall_timeout_s = 300;
};

struct MultipartResponse {
  long status = 0;  // 0 when no HTTP answer came
  std::string body;
  std::string error;  // transport or source error
  bool source_failed = false;
  std::int64_t bytes_sent = 0;  // file-part bytes handed to libcurl
};

class MultipartUploader {
 public:
  MultipartUploader();
  ~MultipartUploader();
  MultipartUploader(const MultipartUploader&) = delete;
  MultipartUploader& operator=(const MultipartUploader&) = delete;

  // `progress` may be empty. `progress_template` supplies stage and part numbers.
  MultipartResponse post(const MultipartRequest& req, const ProgressFn& progress,
                         const Progress& progress_template = {});

  // Exposed for tests: the boundary-delimited header that precedes a file part.
  static std::string file_part_header(const std::string& boundary, const MultipartFilePart& part);

 private:
  void* curl_;  // CURL*
};

}  // namespace cmup
