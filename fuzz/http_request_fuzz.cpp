// libFuzzer target: the web tier's request handling on raw bytes, with the server's own
// parser and limits (util/http_parse.hpp), plus the Range parser (util/http_range.hpp) and
// the trusted-proxy walk (util/client_address.hpp) on the same bytes. Any input yields a
// request within the limits or one of the documented refusals, never a crash; a range is
// always inside the resource; the client address is the peer or a well-formed address.
// fuzz-link: cmup_util
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/client_address.hpp"
#include "util/http_parse.hpp"
#include "util/http_range.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  static const cmup::TrustedProxies proxies =
      cmup::TrustedProxies::parse({"127.0.0.0/8, 10.0.0.0/8, ::1, fd00::/8"});
  cmup::HttpLimits limits;
  limits.max_header_bytes = 4096;
  limits.max_url_bytes = 512;
  limits.max_body_bytes = 1024;

  auto parsed = cmup::parse_http_request(raw, limits, "127.0.0.1", proxies);
  switch (parsed.status) {
    case 0:
      if (parsed.request.body.size() > limits.max_body_bytes) __builtin_trap();
      if (parsed.request.target.size() > limits.max_url_bytes) __builtin_trap();
      if (parsed.request.client != "127.0.0.1" && !cmup::IpAddress::parse(parsed.request.client))
        __builtin_trap();
      for (const auto& [k, v] : parsed.request.headers)
        if (k.empty()) __builtin_trap();
      if (parsed.request.has_header("Range")) {
        auto r = cmup::parse_range(parsed.request.header("Range"), 1000);
        if (r.kind == cmup::ByteRange::Kind::Single && (r.first > r.last || r.last >= 1000)) __builtin_trap();
      }
      break;
    case -1:
    case 400:
    case 413:
    case 414:
    case 431:
      break;
    default:
      __builtin_trap();
  }

  // The bytes as a Range header of a resource whose size comes from the input too.
  std::uint64_t resource = size ? data[0] * 97u : 0;
  auto range = cmup::parse_range(raw, resource);
  if (range.kind == cmup::ByteRange::Kind::Single && (range.first > range.last || range.last >= resource))
    __builtin_trap();

  // The bytes as X-Forwarded-For and Forwarded from a trusted and an untrusted peer.
  auto via_proxy = proxies.client_of("10.1.2.3", raw, raw);
  if (via_proxy.empty() || !cmup::IpAddress::parse(via_proxy)) __builtin_trap();
  if (proxies.client_of("203.0.113.9", raw, raw) != "203.0.113.9") __builtin_trap();
  return 0;
}
