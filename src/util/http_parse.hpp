// Request parsing with the server's limits, shared by HttpServer's connections and by the
// fuzz target (fuzz/http_request_fuzz.cpp), which runs it on raw bytes without sockets.
//
// Contract: parse_http_request() feeds `bytes` to the same Beast parser, configured the same
// way (header size, URL length, body size; chunked bodies counted as they arrive), and
// returns status 0 with the complete request, or the status the server answers with and
// closes: 400 malformed, 413 body over the limit, 414 URL too long, 431 header too large,
// or -1 when the bytes end before the request does (the server would wait, up to its
// deadline). Pure function: safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/client_address.hpp"
#include "util/http_message.hpp"

namespace cmup {

struct HttpLimits {
  std::size_t max_header_bytes = std::size_t{16} * 1024;  // request line + headers
  std::size_t max_url_bytes = 4096;
  std::size_t max_body_bytes = 1 << 20;  // Content-Length or the sum of chunks
};

struct ParsedRequest {
  int status = 0;  // 0 ok; 400, 413, 414, 431 refused; -1 incomplete
  ServerRequest request;
};

ParsedRequest parse_http_request(std::string_view bytes, const HttpLimits& limits,
                                 const std::string& peer = "127.0.0.1", const TrustedProxies& proxies = {});

// Splits the target into path (percent-decoded; kept as sent when malformed) and params.
void split_target(ServerRequest& req);

}  // namespace cmup
