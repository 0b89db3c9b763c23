// Outbound HTTP for cmup (all of it goes through libcurl).
//
// Contract: perform() never throws for network or HTTP errors: a transport failure
// (refused, reset, timeout, DNS) comes back with status 0 and `error` set; an HTTP error
// comes back with its status and body. One HttpClient per thread; it keeps connections
// alive between calls to the same host. A request given a `cancel` flag stops within about
// a second of the flag turning true (libcurl checks it while waiting: at least once a second)
// and comes back with status 0 and `cancelled` set; the flag may be set from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cmup {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Content-Type", "application/json"}
  std::string body;
  long timeout_ms = 30000;          // whole request; 0 = none
  long connect_timeout_ms = 10000;
  // Optional streaming of the response body (downloads): called with each chunk; return
  // false to abort. When set, HttpResponse::body stays empty.
  std::function<bool(const char* data, size_t len)> on_body;
  // Optional: set to true (from any thread) to abandon the request, e.g. a long poll at
  // shutdown. Must outlive perform().
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponse {
  long status = 0;                              // 0 when the request never got an HTTP answer
  std::string body;
  std::map<std::string, std::string> headers;   // names lower-cased; last value wins
  std::string error;                            // transport error, empty when an answer came
  bool timed_out = false;
  bool cancelled = false;                       // stopped because HttpRequest::cancel was set

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
  void* curl_;  // CURL*
};

}  // namespace cmup
