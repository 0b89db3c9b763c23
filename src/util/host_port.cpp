#include "util/host_port.hpp"

#include <stdexcept>

namespace cmup {

namespace {

[[noreturn]] void bad(std::string_view text, const std::string& why) {
  throw std::invalid_argument("'" + std::string(text.substr(0, 200)) + "': " + why +
                              " (write HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)");
}

bool host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_';
}

}  // namespace

HostPort parse_host_port(std::string_view text) {
  HostPort out;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) bad(text, "'[' without a closing ']'");
    if (close + 1 >= text.size() || text[close + 1] != ':')
      bad(text, "no ':PORT' after the bracketed address");
    out.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
    if (out.host.empty()) bad(text, "empty address between the brackets");
    for (char c : out.host)
      if (!(c == ':' || c == '.' || c == '%' || host_char(c)))
        bad(text, "not an IPv6 address between the brackets");
    if (out.host.find(':') == std::string::npos) bad(text, "brackets are only for IPv6 addresses");
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) bad(text, "no port");
    out.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
    if (out.host.find(':') != std::string::npos) bad(text, "an IPv6 address needs brackets");
    if (out.host.empty()) bad(text, "no host before the ':'");
    for (char c : out.host)
      if (!host_char(c)) bad(text, "the host has characters a host name cannot have");
  }
  if (port.empty()) bad(text, "no port after the ':'");
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
    bad(text, "the port must be a number from 0 to 65535");
  out.port = std::stoi(std::string(port));
  if (out.port > 65535) bad(text, "the port must be a number from 0 to 65535");
  return out;
}

std::string bracket_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string format_host_port(const std::string& host, int port) {
  return bracket_host(host) + ":" + std::to_string(port);
}

}  // namespace cmup
