#include <gtest/gtest.h>

#include <set>

#include "util/backoff.hpp"
#include "util/hex.hpp"
#include "util/random.hpp"

namespace cmup {
namespace {

TEST(Backoff, DoublesFromTheBaseUpToTheCapWithJitterOnTop) {
  BackoffPolicy p{0.25, 4, 0.0};  // a remote worker waiting for its coordinator: plain doubling
  EXPECT_EQ(backoff_delay_ms(p, 1, 0.9), 250);
  EXPECT_EQ(backoff_delay_ms(p, 2, 0.9), 500);
  EXPECT_EQ(backoff_delay_ms(p, 5, 0.9), 4000);
  EXPECT_EQ(backoff_delay_ms(p, 60, 0.9), 4000);
  EXPECT_EQ(backoff_delay_ms(p, 0, 0.0), 250);  // "no attempt yet" waits the base, never less
  BackoffPolicy j{1, 30, 0.25};
  for (int i = 0; i < 200; ++i) {
    auto d = backoff_delay_ms_random(j, 3);
    EXPECT_GE(d, 4000);
    EXPECT_LE(d, 5000);
  }
}

TEST(RandomHex, GivesTwoDigitsPerByteAndNeverRepeats) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto h = random_hex(16);
    ASSERT_EQ(h.size(), 32u);
    EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos) << h;
    seen.insert(h);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(random_hex(0), "");
}

// The one hex spelling: image hashes, Mini App signatures and random ids all compare as
// lowercase, high nibble first, every byte value included.
TEST(Hex, LowercaseHighNibbleFirst) {
  EXPECT_EQ(to_hex(std::string_view("\x00\x01\x7f\x80\xab\xff", 6)), "00017f80abff");
  EXPECT_EQ(to_hex("CM"), "434d");
  EXPECT_EQ(to_hex(""), "");
}

}  // namespace
}  // namespace cmup
