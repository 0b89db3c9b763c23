// The one host:port parser: every address form operators write, and a clear error otherwise.
#include "util/host_port.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace cmup {
namespace {

TEST(HostPort, AcceptsIpv4NamesAndBracketedIpv6) {
  struct Case {
    const char* text;
    const char* host;
    int port;
  } cases[] = {
      {"127.0.0.1:8080", "127.0.0.1", 8080},     {"0.0.0.0:0", "0.0.0.0", 0},
      {"cm-ember:8081", "cm-ember", 8081},       {"[::1]:443", "::1", 443},
      {"[fe80::1%eth0]:80", "fe80::1%eth0", 80}, {"localhost:65535", "localhost", 65535},
  };
  for (const auto& c : cases) {
    auto hp = parse_host_port(c.text);
    EXPECT_EQ(hp.host, c.host) << c.text;
    EXPECT_EQ(hp.port, c.port) << c.text;
  }
}

TEST(HostPort, RefusesWhatIsNotHostColonPortWithASentenceSayingWhy) {
  struct Case {
    const char* text;
    const char* why;
  } cases[] = {
      {"127.0.0.1", "no port"},
      {"127.0.0.1:", "no port after"},
      {":8080", "no host"},
      {"::1:8080", "needs brackets"},
      {"[::1]8080", "no ':PORT'"},
      {"[::1:8080", "closing ']'"},
      {"[]:80", "empty address"},
      {"[127.0.0.1]:80", "only for IPv6"},
      {"host:80x", "number from 0 to 65535"},
      {"host:65536", "number from 0 to 65535"},
      {"host:-1", "number from 0 to 65535"},
      {"ho st:80", "cannot have"},
      {"", "no port"},
  };
  for (const auto& c : cases) {
    try {
      parse_host_port(c.text);
      ADD_FAILURE() << "accepted '" << c.text << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(c.why), std::string::npos) << c.text << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find("HOST:PORT"), std::string::npos) << e.what();
    }
  }
}

TEST(HostPort, FormatsIpv6WithBracketsForUrls) {
  EXPECT_EQ(format_host_port("::1", 80), "[::1]:80");
  EXPECT_EQ(format_host_port("127.0.0.1", 80), "127.0.0.1:80");
  EXPECT_EQ(bracket_host("cm-ember"), "cm-ember");
  EXPECT_EQ(bracket_host("::1"), "[::1]");
}

}  // namespace
}  // namespace cmup
