#include "util/client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "util/http_message.hpp"

namespace cmup {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    auto next = s.find(sep, pos);
    if (next == std::string_view::npos) next = s.size();
    out.push_back(trim_ows(s.substr(pos, next - pos)));
    pos = next + 1;
  }
  return out;
}

// A Forwarded for= value: 1.2.3.4, "1.2.3.4:80", "[::1]:80", "[::1]" -> the address text.
std::string_view forwarded_node(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (!v.empty() && v.front() == '[') {
    auto close = v.find(']');
    return close == std::string_view::npos ? std::string_view() : v.substr(1, close - 1);
  }
  if (auto colon = v.find(':');
      colon != std::string_view::npos && v.find(':', colon + 1) == std::string_view::npos)
    v = v.substr(0, colon);  // v4 with a port
  return v;
}

// The for= values of a Forwarded header, in order.
std::vector<std::string_view> forwarded_for(std::string_view header) {
  std::vector<std::string_view> out;
  for (auto element : split(header, ','))
    for (auto pair : split(element, ';')) {
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      auto key = trim_ows(pair.substr(0, eq));
      if (key.size() == 3 && (key[0] | 0x20) == 'f' && (key[1] | 0x20) == 'o' && (key[2] | 0x20) == 'r')
        out.push_back(forwarded_node(trim_ows(pair.substr(eq + 1))));
    }
  return out;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 45) return std::nullopt;
  std::string s(text);
  IpAddress a;
  if (s.find(':') == std::string::npos) {
    in_addr v4{};
    if (inet_pton(AF_INET, s.c_str(), &v4) != 1) return std::nullopt;
    std::memcpy(a.bytes.data(), &v4, 4);
    return a;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) != 1) return std::nullopt;
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(&v6, mapped, 12) == 0) {
    std::memcpy(a.bytes.data(), reinterpret_cast<const unsigned char*>(&v6) + 12, 4);
    return a;
  }
  a.v6 = true;
  std::memcpy(a.bytes.data(), &v6, 16);
  return a;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  text = trim_ows(text);
  auto slash = text.find('/');
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  Cidr c;
  c.net = *addr;
  int max = addr->v6 ? 128 : 32;
  c.prefix = max;
  if (slash != std::string_view::npos) {
    auto bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string_view::npos)
      return std::nullopt;
    c.prefix = std::stoi(std::string(bits));
    // An IPv4-mapped network written in IPv6 form counts its prefix in IPv6 bits.
    if (!addr->v6 && text.substr(0, slash).find(':') != std::string_view::npos) c.prefix -= 96;
    if (c.prefix < 0 || c.prefix > max) return std::nullopt;
  }
  return c;
}

bool Cidr::contains(const IpAddress& a) const {
  if (a.v6 != net.v6) return false;
  int full = prefix / 8;
  if (std::memcmp(a.bytes.data(), net.bytes.data(), static_cast<std::size_t>(full)) != 0) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a.bytes[static_cast<std::size_t>(full)] & mask) ==
         (net.bytes[static_cast<std::size_t>(full)] & mask);
}

TrustedProxies TrustedProxies::parse(const std::vector<std::string>& entries) {
  TrustedProxies t;
  for (const auto& entry : entries)
    for (auto item : split(entry, ',')) {
      if (item.empty()) continue;
      auto c = Cidr::parse(item);
      if (!c)
        throw std::invalid_argument(
            "'" + std::string(item.substr(0, 64)) +
            "' is not an address or CIDR (e.g. \"127.0.0.1/32\", \"10.0.0.0/8\", \"::1/128\")");
      t.nets_.push_back(*c);
    }
  return t;
}

bool TrustedProxies::trusts(const IpAddress& a) const {
  return std::any_of(nets_.begin(), nets_.end(), [&](const Cidr& c) { return c.contains(a); });
}

bool TrustedProxies::trusts(std::string_view address) const {
  if (nets_.empty()) return false;
  auto a = IpAddress::parse(address);
  return a && trusts(*a);
}

std::string TrustedProxies::client_of(const std::string& peer, std::string_view x_forwarded_for,
                                      std::string_view forwarded) const {
  if (nets_.empty()) return peer;  // no proxy to believe: nothing to parse
  auto peer_ip = IpAddress::parse(peer);
  if (!peer_ip) return peer;
  std::string current = peer_ip->to_string();
  if (!trusts(*peer_ip)) return current;
  std::vector<std::string_view> hops;
  if (!trim_ows(x_forwarded_for).empty())
    hops = split(x_forwarded_for, ',');
  else if (!trim_ows(forwarded).empty())
    hops = forwarded_for(forwarded);
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto ip = IpAddress::parse(*it);
    if (!ip) return current;  // a hop we cannot read: believe no further
    current = ip->to_string();
    if (!trusts(*ip)) return current;
  }
  return current;
}

}  // namespace cmup
