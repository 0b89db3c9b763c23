// Trusted proxies: X-Forwarded-For / Forwarded are believed only from them, walked right to
// left; anything else sees the TCP peer.
#include "util/client_address.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace cmup {
namespace {

TEST(ClientAddress, CidrsMatchTheirNetworksOnly) {
  auto net = *Cidr::parse("10.1.0.0/16");
  EXPECT_TRUE(net.contains(*IpAddress::parse("10.1.200.3")));
  EXPECT_FALSE(net.contains(*IpAddress::parse("10.2.0.1")));
  EXPECT_FALSE(net.contains(*IpAddress::parse("::1")));
  auto odd = *Cidr::parse("192.168.1.128/25");
  EXPECT_TRUE(odd.contains(*IpAddress::parse("192.168.1.200")));
  EXPECT_FALSE(odd.contains(*IpAddress::parse("192.168.1.127")));
  auto v6 = *Cidr::parse("fd00::/8");
  EXPECT_TRUE(v6.contains(*IpAddress::parse("fd12:3456::1")));
  EXPECT_FALSE(v6.contains(*IpAddress::parse("fe80::1")));
  EXPECT_TRUE(Cidr::parse("::ffff:10.0.0.0/104")->contains(*IpAddress::parse("10.9.9.9")));
  for (const char* bad : {"", "10.0.0.0/33", "10.0.0/8", "::1/129", "10.0.0.0/", "10.0.0.0/x", "host/8"})
    EXPECT_FALSE(Cidr::parse(bad)) << bad;
}

TEST(ClientAddress, WithoutTrustedProxiesTheHeadersAreIgnored) {
  TrustedProxies none;
  EXPECT_EQ(none.client_of("203.0.113.9", "1.2.3.4", "for=5.6.7.8"), "203.0.113.9");
}

TEST(ClientAddress, AnUntrustedPeersForwardedForIsIgnored) {
  auto t = TrustedProxies::parse({"127.0.0.1/32, ::1"});
  EXPECT_EQ(t.client_of("203.0.113.9", "1.2.3.4", ""), "203.0.113.9");
}

TEST(ClientAddress, ATrustedProxysForwardedForNamesTheClientSkippingTrustedHops) {
  auto t = TrustedProxies::parse({"127.0.0.1/32", "10.0.0.0/8"});
  EXPECT_EQ(t.client_of("127.0.0.1", "198.51.100.7", ""), "198.51.100.7");
  // A client forging the header only adds entries on the left: the proxy's view wins.
  EXPECT_EQ(t.client_of("127.0.0.1", "6.6.6.6, 198.51.100.7", ""), "198.51.100.7");
  // Two proxies in a row (both trusted) are skipped.
  EXPECT_EQ(t.client_of("127.0.0.1", "198.51.100.7, 10.0.0.5", ""), "198.51.100.7");
  // Every hop trusted: the leftmost.
  EXPECT_EQ(t.client_of("127.0.0.1", "10.0.0.9, 10.0.0.5", ""), "10.0.0.9");
  // An unreadable hop stops the walk at the last trusted address.
  EXPECT_EQ(t.client_of("127.0.0.1", "198.51.100.7, garbage", ""), "127.0.0.1");
  // No header: the proxy itself.
  EXPECT_EQ(t.client_of("127.0.0.1", "", ""), "127.0.0.1");
  // v4-mapped peers and hops are canonical v4.
  EXPECT_EQ(t.client_of("::ffff:127.0.0.1", "::ffff:198.51.100.7", ""), "198.51.100.7");
}

TEST(ClientAddress, ForwardedHeaderIsReadWhenThereIsNoXForwardedFor) {
  auto t = TrustedProxies::parse({"127.0.0.1"});
  EXPECT_EQ(t.client_of("127.0.0.1", "", "for=198.51.100.7;proto=https"), "198.51.100.7");
  EXPECT_EQ(t.client_of("127.0.0.1", "", R"(for="[2001:db8::7]:4711", for=127.0.0.1)"), "2001:db8::7");
  EXPECT_EQ(t.client_of("127.0.0.1", "", "For=\"198.51.100.7:80\""), "198.51.100.7");
}

TEST(ClientAddress, ABadEntryInTheSettingIsNamed) {
  try {
    TrustedProxies::parse({"127.0.0.1, 10.0.0.0/40"});
    FAIL() << "accepted a /40";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("10.0.0.0/40"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cmup
