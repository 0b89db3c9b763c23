// HttpServer: the one event-driven HTTP/1.1 server every cmup server runs on (the website
// and API, the coordinator API, the bot webhook); Boost.Beast on Asio, C++20 coroutines.
//
// Contract:
//  - start() binds host:port (port 0 = any free port; throws std::runtime_error naming the
//    address when it cannot), raises RLIMIT_NOFILE to its hard limit, and serves on
//    `io_threads` threads until stop(); it returns the bound port. Connections are coroutines,
//    not threads: thousands of idle or slow connections cost memory, never a thread.
//  - Deadlines per connection: the request line and headers must arrive within
//    header_timeout (counted from the first byte; a client trickling header lines is cut
//    there), the body within body_timeout, a keep-alive connection may sit idle for
//    idle_timeout between requests, and a response must be taken within write_timeout.
//    Deadlines are checked every 100 ms: a connection is cut up to 100 ms after its deadline.
//  - Limits: at most max_connections open connections and max_connections_per_client from
//    one peer address (trusted proxies exempt); over either a new connection gets a 503 and
//    is closed. Headers over max_header_bytes get 431, a URL over max_url_bytes 414, a body
//    over the route's limit 413 as soon as the declared length or the chunks received cross
//    it (the body is never buffered beyond the limit), and the connection is closed.
//    A POST/PUT without Content-Length and without a chunked body has an empty body.
//  - Routing (util/http_router.hpp): unknown path 404, known path with another method 405
//    with Allow. Pool routes run on `pool_threads` worker threads with at most `pool_queue`
//    requests waiting; beyond that the answer is 503 with Retry-After, at once.
//  - Errors the server makes itself use `error_page` (the default writes the JSON shape
//    {"error":{"code","message"}}); a handler's exception goes to `on_exception` (default 500).
//  - HTTP/1.1 keep-alive; "Connection: close" and HTTP/1.0 close after the response;
//    TCP_NODELAY on every connection.
//  - stop() stops accepting, lets running handlers finish, closes every connection; idempotent.
// Thread-safety: start()/stop() from one thread; handlers run concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "util/client_address.hpp"
#include "util/http_parse.hpp"
#include "util/http_router.hpp"

namespace cmup {

struct HttpServerOptions {
  std::string name = "http";  // for logs: "web", "coordinator", "bot webhook"
  std::string host = "127.0.0.1";
  int port = 0;
  int io_threads = 2;
  int pool_threads = 8;
  std::size_t pool_queue = 256;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::size_t max_connections = 10'000;
  std::size_t max_connections_per_client = 64;
  HttpLimits limits;
  TrustedProxies trusted_proxies;
  // Sent on every response that does not set the header itself (e.g. X-Content-Type-Options).
  std::vector<std::pair<std::string, std::string>> default_headers;
  std::function<void(ServerResponse&, int status, const std::string& code, const std::string& message)>
      error_page;
  std::function<void(const ServerRequest&, ServerResponse&, std::exception_ptr)> on_exception;
};

// The default error_page: {"error":{"code","message"}} as application/json.
void json_error_page(ServerResponse& res, int status, const std::string& code, const std::string& message);

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, Router router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int start();
  void stop();
  int port() const;

  struct Stats {
    std::size_t open_connections = 0;
    std::uint64_t requests = 0;
    std::uint64_t rejected_connections = 0;  // over a connection cap
    std::uint64_t pool_full = 0;             // 503 because the worker pool's queue was full
  };
  Stats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new soft limit.
std::size_t raise_open_file_limit();

}  // namespace cmup
