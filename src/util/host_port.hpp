// The one parser for "host:port" addresses in config and flags (web.listen,
// coordinator.listen, bot.webhook_listen, --listen).
//
// Contract: parse_host_port() accepts "1.2.3.4:80", "name:80" and "[v6]:80" and returns the
// host without brackets and the port; a bare IPv6 address without brackets, a missing or
// non-numeric port, a port above 65535, an empty host or characters that cannot be in a host
// name throw std::invalid_argument with a sentence saying what is wrong and what to write.
// Port 0 is accepted (tests: any free port). Pure function: safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace cmup {

struct HostPort {
  std::string host;  // without brackets: "::1", "127.0.0.1", "cm-ember"
  int port = 0;
};

HostPort parse_host_port(std::string_view text);

// "host:port" for URLs and logs: IPv6 hosts get their brackets back.
std::string format_host_port(const std::string& host, int port);
// The host as it goes into a URL: "[::1]" for IPv6, unchanged otherwise.
std::string bracket_host(const std::string& host);

}  // namespace cmup
