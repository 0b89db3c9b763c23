// Internal to util/http_*: the Beast parser setup shared by HttpServer and
// parse_http_request(), so the fuzzed parser is the served parser.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
#include <boost/beast/http.hpp>
// clang-format on

#include "util/http_parse.hpp"

namespace cmup::http_detail {

void configure(boost::beast::http::request_parser<boost::beast::http::string_body>& p,
               const HttpLimits& limits);
// 400, 413 or 431 for a parser error.
int status_of(const boost::system::error_code& ec);
// Completes `req`, whose target is already split (split_target(), done once when the
// request is routed): method, version, headers, body, peer and real client.
void complete_request(ServerRequest& req, boost::beast::http::request<boost::beast::http::string_body>&& msg,
                      const std::string& peer, const TrustedProxies& proxies);

}  // namespace cmup::http_detail
