#include "util/http_parse.hpp"

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
#include <boost/beast/http.hpp>
// clang-format on

#include "util/http_parse_detail.hpp"

namespace cmup {

namespace http = boost::beast::http;

void split_target(ServerRequest& req) {
  auto q = req.target.find('?');
  std::string_view raw_path = std::string_view(req.target).substr(0, q);
  auto decoded = url_decode(raw_path, /*plus_is_space=*/false);
  req.path = decoded ? *decoded : std::string(raw_path);
  if (q != std::string::npos) req.params = parse_query(std::string_view(req.target).substr(q + 1));
}

namespace http_detail {

void configure(http::request_parser<http::string_body>& p, const HttpLimits& limits) {
  p.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(limits.max_header_bytes, UINT32_MAX)));
  p.body_limit(limits.max_body_bytes);
}

int status_of(const boost::system::error_code& ec) {
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::body_limit) return 413;
  if (ec == http::error::buffer_overflow) return 431;
  return 400;
}

void complete_request(ServerRequest& r, http::request<http::string_body>&& msg, const std::string& peer,
                      const TrustedProxies& proxies) {
  r.method = std::string(msg.method_string());
  r.version = msg.version() == 10 ? 10 : 11;
  for (const auto& f : msg) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  r.body = std::move(msg.body());
  r.peer = peer;
  r.client = proxies.client_of(peer, r.header_list("X-Forwarded-For"), r.header_list("Forwarded"));
}

}  // namespace http_detail

ParsedRequest parse_http_request(std::string_view bytes, const HttpLimits& limits, const std::string& peer,
                                 const TrustedProxies& proxies) {
  ParsedRequest out;
  http::request_parser<http::string_body> p;
  http_detail::configure(p, limits);
  boost::system::error_code ec;
  bool header_checked = false;
  std::size_t used = 0;
  while (used < bytes.size() && !p.is_done()) {
    std::size_t n = p.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec == http::error::need_more) {
      ec = {};
      break;
    }
    if (ec) {
      out.status = http_detail::status_of(ec);
      return out;
    }
    used += n;
    if (p.is_header_done() && !header_checked) {
      // As the server does: the URL is judged before any of the body is read.
      header_checked = true;
      if (p.get().target().size() > limits.max_url_bytes) {
        out.status = 414;
        return out;
      }
      p.eager(true);
    }
    if (n == 0) break;
  }
  if (!p.is_done()) {
    out.status = -1;
    return out;
  }
  out.request.target = std::string(p.get().target());
  split_target(out.request);
  http_detail::complete_request(out.request, p.release(), peer, proxies);
  return out;
}

}  // namespace cmup
