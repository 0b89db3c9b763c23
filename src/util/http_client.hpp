// Outbound HTTP for cmup: the one libcurl client (one curl_global_init, one header parser,
// one mapping of failures). It serves three uses:
//   - JSON calls (CM, the Bot API, the coordinator): `body`, whole answer in `body`;
//   - streamed downloads (media/http_fetch: a source file from an offset): `range_from`,
//     `accept_body` + `on_body`, redirects, the stall limits, `cancel`;
//   - streamed multipart/form-data uploads (sendVideo / sendDocument): `form`, built with
//     curl_mime; a file part is read from its ByteSource (a spool file or a stream) while the
//     request is on the wire, in libcurl's own buffer, with its exact length announced, so
//     memory stays flat whatever the file size.
//
// Contract: perform() never throws for network, HTTP or source failures. `status` is the HTTP
// status of an answer that arrived (a whole one, one whose body the caller declined or cut
// short, or a server's early answer to an upload it stopped reading); it is 0 when none did,
// and then `failure` and `error` say why (refused, reset, DNS, timeout, stall, cancel, a
// source that failed or ended early). `answer_status` is what the server began to answer
// even when the transfer broke. Exceptions thrown by the caller's callbacks (on_body,
// accept_body, upload_progress, a ByteSource) are carried past libcurl and rethrown by
// perform() after the transfer is torn down. A request given a `cancel` flag stops within
// about 0.1 s of the flag turning true (checked between waits of at most 100 ms, also while
// stalled or waiting for a long poll's answer) and comes back with status 0 and `cancelled`;
// the flag may be set from any thread. One HttpClient per thread; it keeps connections alive between calls to
// the same host.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/byte_source.hpp"
#include "util/progress.hpp"

namespace cmup {

// One part of a multipart/form-data body: a text field, or a file part streamed from `file`.
struct HttpFormPart {
  std::string name;                // "chat_id", "video", "thumbnail"
  std::string value;               // a text field's value
  std::optional<ByteSource> file;  // set: a file part; for a stream `size` must be exact
  std::string file_name;           // Content-Disposition filename of a file part
  std::string content_type;        // of a file part; application/octet-stream when empty

  static HttpFormPart text(std::string name, std::string value);
  static HttpFormPart bytes(std::string name, std::string file_name, std::string content_type,
                            ByteSource source);
};

struct HttpRequest {
  std::string method = "GET";  // "POST" when `form` is set
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Content-Type", "application/json"}
  std::string body;
  std::vector<HttpFormPart> form;  // non-empty: a multipart/form-data POST (`body` unused)
  long timeout_ms = 30000;         // whole request; 0 = none
  long connect_timeout_ms = 10000;
  // Stall limits (0 = off). libcurl's: fewer than low_speed_bytes per second, averaged, for
  // low_speed_time_s. Ours: no byte at all in either direction for no_data_timeout_ms (plus
  // the connect timeout while nothing has moved yet), which is what "stalled" means to a
  // download that gets nothing, where libcurl's average still remembers earlier bytes.
  long low_speed_bytes = 0;
  long low_speed_time_s = 0;
  long no_data_timeout_ms = 0;
  bool follow_redirects = false;  // up to 5, to http(s) only
  // Range: bytes=range_from-[range_to] when range_from > 0 or range_to >= 0.
  std::int64_t range_from = 0;
  std::int64_t range_to = -1;
  std::size_t max_body_bytes = 0;  // a longer answer body (kept in `body`) is a failure; 0 = no cap
  // Optional streaming of the response body. accept_body(status) is asked once, before the
  // first body byte: false discards the body and ends the transfer (an error page, a whole
  // file where a Range was asked). on_body gets each chunk; false stops the transfer. When
  // on_body is set, HttpResponse::body stays empty.
  std::function<bool(long status)> accept_body;
  std::function<bool(const char* data, size_t len)> on_body;
  // Progress of the form's file parts (bytes read from their sources, stage "upload" unless
  // the template names one): at most every ~200 ms and once at the end. May throw to cancel.
  ProgressFn upload_progress;
  Progress progress_template;
  // Optional: set to true (from any thread) to abandon the request, e.g. a long poll at
  // shutdown. Must outlive perform(). `cancel_also` is a second reason (the reader left).
  const std::atomic<bool>* cancel = nullptr;
  const std::atomic<bool>* cancel_also = nullptr;
};

enum class HttpFailure {
  None,
  Transport,     // refused, reset, DNS, TLS, a cut connection: `error` is libcurl's reason
  TimedOut,      // timeout_ms passed
  Stalled,       // a stall limit ended it
  Cancelled,     // `cancel` was set
  Aborted,       // on_body returned false (status kept)
  Declined,      // accept_body returned false (status kept)
  TooLarge,      // the answer's body passed max_body_bytes
  SourceFailed,  // a form part's source failed or ended before its announced size
};

struct HttpResponse {
  long status = 0;  // see the contract: 0 when no usable answer came
  long answer_status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // of the last answer; names lower-cased; last value wins
  std::string error;                           // empty when the answer arrived whole
  HttpFailure failure = HttpFailure::None;
  bool timed_out = false;           // libcurl gave up on a time limit (whole request or stall)
  bool cancelled = false;           // stopped because HttpRequest::cancel was set
  std::int64_t body_bytes = 0;      // answer body bytes received (into `body` or on_body)
  std::int64_t sent_bytes = 0;      // form file-part bytes read from their sources

  bool ok() const { return status >= 200 && status < 300; }
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse perform(const HttpRequest& req);

  // Convenience: JSON body with Content-Type set.
  HttpResponse post_json(const std::string& url, const std::string& json,
                         std::vector<std::pair<std::string, std::string>> headers = {});
  HttpResponse get(const std::string& url, std::vector<std::pair<std::string, std::string>> headers = {});

  // Percent-encodes a query-string component.
  static std::string escape(const std::string& s);

 private:
  void* curl_;            // CURL*
  void* multi_ = nullptr;  // CURLM*: made on the first cancellable request, keeps its connections
};

}  // namespace cmup
