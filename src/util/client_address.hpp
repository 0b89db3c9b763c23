// Who the client is: the TCP peer, or the address a trusted reverse proxy reports.
//
// Contract: TrustedProxies holds web.trusted_proxies (CIDRs such as "127.0.0.1/32",
// "10.0.0.0/8", "::1/128"; a bare address is a /32 or /128). parse() throws
// std::invalid_argument naming the bad entry. client_of() returns `peer` unless the peer is
// trusted; then it walks the X-Forwarded-For list right to left (or, without one, the
// Forwarded header's for= values), skipping trusted hops, and returns the first address that
// is not trusted (the real client); a malformed entry stops the walk at the last trusted
// hop; when every hop is trusted it returns the leftmost. Addresses are returned in
// canonical text ("::ffff:1.2.3.4" becomes "1.2.3.4"), so rate limits key the same client
// the same way. With no trusted proxies the headers are never read. Immutable after
// parse(): safe from any thread.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmup {

struct IpAddress {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};                         // v4 in the first 4
  static std::optional<IpAddress> parse(std::string_view text);  // "1.2.3.4", "::1", "[::1]"; v4-mapped -> v4
  std::string to_string() const;
};

struct Cidr {
  IpAddress net;
  int prefix = 0;
  static std::optional<Cidr> parse(std::string_view text);
  bool contains(const IpAddress& a) const;
};

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // "10.0.0.0/8, ::1" or one entry per list item; throws std::invalid_argument.
  static TrustedProxies parse(const std::vector<std::string>& entries);
  bool empty() const { return nets_.empty(); }
  bool trusts(std::string_view address) const;
  std::string client_of(const std::string& peer, std::string_view x_forwarded_for,
                        std::string_view forwarded) const;

 private:
  bool trusts(const IpAddress& a) const;
  std::vector<Cidr> nets_;
};

}  // namespace cmup
