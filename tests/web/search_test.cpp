#include <gtest/gtest.h>

#include "support/test_support.hpp"
#include "web/catalog_fixture.hpp"
#include "web/search.hpp"

namespace cmup::web {
namespace {

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = db::open(dir / "cmup.db");
    test::CatalogFixture f(*db);
    avengers = f.movie("The Avengers", 2012, R"(["Action"])");
    endgame = f.movie("Avengers: Endgame", 2019, R"(["Action"])");
    spider = f.movie("Spider-Man", 2002, R"(["Action"])");
    spider_verse = f.movie("Spider-Man: Into the Spider-Verse", 2018, R"(["Animation"])");
    matrix = f.movie("The Matrix", 1999, R"(["Sci-Fi"])");
    matrix_re = f.movie("The Matrix Reloaded", 2003, R"(["Sci-Fi"])");
    amelie = [&] {
      auto s = test::CatalogFixture::spec("movie", "Amélie", 2001, R"(["Comedy"])");
      s.original_title = "Le Fabuleux Destin d'Amélie Poulain";
      return f.title(s);
    }();
    office = f.show("The Office", 2005, R"(["Comedy"])");
    schindler = f.movie("Schindler's List", 1993, R"(["Drama"])");
    unavailable = f.movie("Avengers Unreleased", 2030);
    for (auto id : {avengers, endgame, spider, spider_verse, matrix, matrix_re, amelie, office, schindler})
      f.variant(id, 0, "1080P");
    f.variant(unavailable, 0, "1080P", "pending");
  }
  std::vector<std::int64_t> ids(std::string_view q, const TitleFilter& filter = {}) {
    std::vector<std::int64_t> out;
    for (const auto& h : search_titles(*db, q, filter)) out.push_back(h.title_id);
    return out;
  }
  bool has(const std::vector<std::int64_t>& v, std::int64_t id) { return std::find(v.begin(), v.end(), id) != v.end(); }

  test::TempDir dir;
  std::unique_ptr<SQLite::Database> db;
  std::int64_t avengers, endgame, spider, spider_verse, matrix, matrix_re, amelie, office, schindler, unavailable;
};

TEST_F(SearchTest, WordsIgnorePunctuationAndCase) {
  EXPECT_EQ(search_words("Spider-Man: Into"), (std::vector<std::string>{"spider", "man", "into"}));
  EXPECT_EQ(search_words("  ...  "), std::vector<std::string>{});
  EXPECT_EQ(search_words("Amélie"), std::vector<std::string>{"amélie"});
}

TEST_F(SearchTest, MatchExpressionQuotesEveryWord) {
  EXPECT_EQ(fts_match_expression({"spider", "man"}), "\"spider\"* \"man\"*");
}

TEST_F(SearchTest, SubstringEditDistance) {
  EXPECT_EQ(substring_edit_distance("avngers", "the avengers"), 1);
  EXPECT_EQ(substring_edit_distance("matrix", "the matrix reloaded"), 0);
  EXPECT_EQ(substring_edit_distance("", "x"), 0);
  EXPECT_EQ(substring_edit_distance("abc", ""), 3);
}

TEST_F(SearchTest, SpiderManWithoutHyphenFindsSpiderMan) {
  auto r = ids("spider man");
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r[0], spider);  // the exact title first
  EXPECT_TRUE(has(r, spider_verse));
}

TEST_F(SearchTest, PrefixesMatchAsYouType) {
  EXPECT_TRUE(has(ids("aven"), avengers));
  EXPECT_TRUE(has(ids("aven"), endgame));
  EXPECT_TRUE(has(ids("the matr"), matrix));
}

TEST_F(SearchTest, TypoFindsAvengers) {
  auto r = ids("avngers");
  EXPECT_TRUE(has(r, avengers));
  EXPECT_TRUE(has(r, endgame));
  EXPECT_FALSE(has(r, matrix));
  EXPECT_TRUE(has(ids("matrx"), matrix));
  EXPECT_TRUE(has(ids("schindlers list"), schindler));
}

TEST_F(SearchTest, YearNarrowsTheMatch) {
  auto r = ids("matrix 1999");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], matrix);
}

TEST_F(SearchTest, DiacriticsAndOriginalTitles) {
  EXPECT_TRUE(has(ids("amelie"), amelie));
  EXPECT_TRUE(has(ids("fabuleux destin"), amelie));
}

TEST_F(SearchTest, ExactTitleRanksFirst) {
  auto r = ids("the matrix");
  ASSERT_GE(r.size(), 2u);
  EXPECT_EQ(r[0], matrix);
  EXPECT_EQ(r[1], matrix_re);
}

TEST_F(SearchTest, FiltersApplyToBothStages) {
  TitleFilter shows;
  shows.kind = "show";
  EXPECT_TRUE(ids("avengers", shows).empty());
  EXPECT_TRUE(ids("avngers", shows).empty());
  EXPECT_EQ(ids("office", shows), std::vector<std::int64_t>{office});
  TitleFilter years;
  years.year_from = 2015;
  EXPECT_EQ(ids("avengers", years), std::vector<std::int64_t>{endgame});
}

TEST_F(SearchTest, UnavailableTitlesAreHiddenUnlessAsked) {
  EXPECT_FALSE(has(ids("unreleased"), unavailable));
  TitleFilter all;
  all.available_only = false;
  EXPECT_TRUE(has(ids("unreleased", all), unavailable));
}

TEST_F(SearchTest, Fts5SyntaxInQueriesIsJustText) {
  for (std::string q : {"\"", "*", "NEAR(a b)", "a OR b", "title:x", "^x", "a AND NOT b", "'; DROP TABLE titles; --",
                        "\xff\xfe", "(", ")"})
    EXPECT_NO_THROW(ids(q)) << q;
  EXPECT_TRUE(db->tableExists("titles"));
}

TEST_F(SearchTest, NothingForShortNonsense) { EXPECT_TRUE(ids("zq").empty()); }

}  // namespace
}  // namespace cmup::web
