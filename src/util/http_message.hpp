// The request and response every cmup HTTP handler sees (util/http_server.hpp serves them).
//
// Contract: ServerRequest is complete when a handler runs: the whole body is read (within the
// server's limits), `path` is percent-decoded, `params` holds the query's pairs in order
// (repeats kept, '+' is a space), `matches` the route pattern's capture groups, `peer` the
// socket's address and `client` the real client (the peer, or what a trusted proxy said,
// util/client_address.hpp). Header lookups are case-insensitive. ServerResponse starts as
// 200 with no body; whatever a handler sets is sent as is (Content-Length is computed); a
// cached answer may instead carry headers serialized earlier and a shared body. The server
// owns the framing headers (Content-Length, Transfer-Encoding, Connection): a handler's own
// are not sent, nor a header with CR or LF in it.
// Plain values: a request belongs to one handler call at a time.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cmup {

// A header value without the optional white space (spaces, tabs) around it (RFC 9110 OWS).
inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct ServerRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoded path, without the query
  std::multimap<std::string, std::string> params;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<std::string> matches;  // [0] the whole path, then the route's groups
  std::string peer;                  // the TCP peer's address
  std::string client;                // the real client's address (== peer unless a trusted proxy said)
  int version = 11;                  // 10 or 11

  // The first value of header `name` (case-insensitive), or "".
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // Every value of header `name`, joined with ", " (RFC 9110 list semantics), or "".
  std::string header_list(std::string_view name) const;
};

// A response's status and header lines serialized once, to be sent with many bodies (every
// cached search answer has the same): "Name: value\r\n" each, without Content-Length, which
// the server adds per body. Immutable: share it between requests and threads freely.
struct PreparedHeaders {
  int status = 200;
  std::string lines;

  bool has_header(std::string_view name) const;
};

struct ServerResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, sent instead of `status` and `headers` (nothing formatted per request).
  std::shared_ptr<const PreparedHeaders> prepared;
  // When set, sent instead of `body`, not copied (a body shared with a cache).
  std::shared_ptr<const std::string> shared_body;

  // Replaces header `name` (case-insensitive) with one value.
  void set_header(std::string_view name, std::string value);
  // The value of header `name`, or "".
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  void set_content(std::string body_text, std::string_view content_type);
};

// `res`'s status and headers serialized once (its body aside).
std::shared_ptr<const PreparedHeaders> prepare_headers(const ServerResponse& res);
// Appends "Name: value\r\n" per header, except the framing headers the server writes itself
// (Content-Length, Transfer-Encoding, Connection) and any header with CR or LF in it.
void append_header_lines(std::string& out, const std::vector<std::pair<std::string, std::string>>& headers);
// Whether a response with this status carries a body (and Content-Length): not 1xx, 204, 304.
bool status_has_body(int status);

// Percent-decoding; with `plus_is_space` ('+' as in forms and queries) a '+' is a space.
// nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> url_decode(std::string_view s, bool plus_is_space = true);
// Percent-encoding of everything except unreserved characters (RFC 3986).
std::string url_encode(std::string_view s);
// "a=1&b=&c" -> [(a,1),(b,""),(c,"")], decoded; a malformed escape is kept as written.
std::multimap<std::string, std::string> parse_query(std::string_view query);
// Case-insensitive ASCII comparison of header names and tokens.
bool iequals(std::string_view a, std::string_view b);

}  // namespace cmup
