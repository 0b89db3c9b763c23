// Normalization of CM data: what an operator sees in titles, years, episode numbers,
// genres, and which source links count as the same link.
#include <gtest/gtest.h>

#include "catalog/normalize.hpp"

namespace cmup {
namespace {

TEST(NormalizeText, TrimsAndCollapsesWhitespace) {
  EXPECT_EQ(normalize_text("  The   Matrix \t\n Reloaded  "), "The Matrix Reloaded");
  EXPECT_EQ(normalize_text("Am\xC3\xA9lie\xC2\xA0\xC2\xA0(2001)"), "Am\xC3\xA9lie (2001)");
  EXPECT_EQ(normalize_text("a\x01\x02" "b"), "ab");
  EXPECT_EQ(normalize_text("   "), "");
}

TEST(NormalizeText, ReplacesInvalidUtf8) {
  EXPECT_EQ(normalize_text("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(normalize_text("\xC3"), "\xEF\xBF\xBD");
  EXPECT_EQ(normalize_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(NormalizeYear, AcceptsPlausibleYearsOnly) {
  EXPECT_EQ(normalize_year(1999), 1999);
  EXPECT_EQ(normalize_year(1895), 1895);
  EXPECT_FALSE(normalize_year(0));
  EXPECT_FALSE(normalize_year(1869));
  EXPECT_FALSE(normalize_year(9999));
  EXPECT_FALSE(normalize_year(-2000));
}

struct EpisodeCase {
  const char* hint;
  int season, episode;  // -1: no match
};

constexpr EpisodeCase kEpisodes[] = {
    {"Breaking.Bad.S01E02.720p.mkv", 1, 2},
    {"breaking bad s1e2", 1, 2},
    {"Show.S01.E02.1080p", 1, 2},
    {"Show S01 E02", 1, 2},
    {"Show.S2024E105", 2024, 105},
    {"Show.S03E04E05.720p", 3, 4},
    {"Show 1x02", 1, 2},
    {"Show.10x100.HDTV", 10, 100},
    {"Season 1 Episode 2", 1, 2},
    {"season 12, episode 7", 12, 7},
    {"The Show - Season 3 - Episode 10", 3, 10},
    {"Show.S00E01.Special", 0, 1},
    // Not episodes.
    {"Movie.1920x1080.mkv", -1, -1},
    {"Movie.2019.1080p.x264", -1, -1},
    {"Seasons of Love", -1, -1},
    {"Mass.Effect.S1", -1, -1},
    {"", -1, -1},
    {"Show.S123456E01", -1, -1},
};

TEST(EpisodeHint, Forms) {
  for (const auto& c : kEpisodes) {
    auto se = parse_episode_hint(c.hint);
    if (c.season < 0) {
      EXPECT_FALSE(se) << c.hint;
    } else {
      ASSERT_TRUE(se) << c.hint;
      EXPECT_EQ(se->season, c.season) << c.hint;
      EXPECT_EQ(se->episode, c.episode) << c.hint;
    }
  }
}

TEST(Genres, SortedUniqueTrimmed) {
  EXPECT_EQ(normalize_genres({" Drama", "action", "Action ", "", "  ", "Sci-Fi", "drama"}),
            (std::vector<std::string>{"action", "Drama", "Sci-Fi"}));
}

TEST(Url, NormalizesForDeduplication) {
  EXPECT_EQ(normalize_url("HTTP://Example.COM:80/a%2fb%41?x=1#frag"), "http://example.com/a%2FbA?x=1");
  EXPECT_EQ(normalize_url("https://example.com:443"), "https://example.com/");
  EXPECT_EQ(normalize_url("https://example.com?x"), "https://example.com/?x");
  EXPECT_EQ(normalize_url("http://example.com:8080/m.mp4"), "http://example.com:8080/m.mp4");
  EXPECT_EQ(normalize_url("http://h.example/a.mp4"), normalize_url("http://H.EXAMPLE:80/a.mp4#t=10"));
}

TEST(Url, RejectsNonHttpAndMalformed) {
  EXPECT_FALSE(normalize_url("ftp://example.com/a.mp4"));
  EXPECT_FALSE(normalize_url("file:///etc/passwd"));
  EXPECT_FALSE(normalize_url("javascript:alert(1)"));
  EXPECT_FALSE(normalize_url("http:///nohost"));
  EXPECT_FALSE(normalize_url("http://exa mple.com/a"));
  EXPECT_FALSE(normalize_url("http://user:pw@example.com/a"));
  EXPECT_FALSE(normalize_url("http://example.com:99999999/a"));
  EXPECT_FALSE(normalize_url("http://example.com/" + std::string(5000, 'a')));
}

TEST(Url, NormalizingTwiceChangesNothing) {
  // Issue 21: a colon left in the host lost another "port" on each pass.
  EXPECT_FALSE(normalize_url("http://:8:80/a%2fb.0/b.0/a%2fb.2160p.mkv#x"));
  EXPECT_FALSE(normalize_url("http://a:b:80/x"));
  EXPECT_EQ(normalize_url("http://[::1]:80/a"), "http://[::1]/a");
  EXPECT_EQ(normalize_url("http://[::1]:8080/a"), "http://[::1]:8080/a");
  for (std::string u : {"HTTP://Example.COM:80/a%2fb%41?x=1#frag", "http://[::1]:8080/%7e",
                        "https://h.example:/a", "http://h.example/%zz%4", "http://h.example/ÿþ"}) {
    auto once = normalize_url(u);
    ASSERT_TRUE(once) << u;
    EXPECT_EQ(normalize_url(*once), once) << u;
  }
}

TEST(Url, Host) {
  EXPECT_EQ(url_host("https://CDN.Example.com:8443/a"), "cdn.example.com");
  EXPECT_EQ(url_host("nonsense"), "");
}

}  // namespace
}  // namespace cmup
