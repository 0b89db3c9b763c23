// Title search over the in-memory index, with a catalog of real titles: what a person types
// and what they expect to see first.
#include "web/search.hpp"

#include <gtest/gtest.h>

#include "support/test_support.hpp"
#include "web/catalog_fixture.hpp"

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
    amazing = f.movie("The Amazing Spider-Man", 2012, R"(["Action"])");
    matrix = f.movie("The Matrix", 1999, R"(["Sci-Fi"])");
    matrix_re = f.movie("The Matrix Reloaded", 2003, R"(["Sci-Fi"])");
    amelie = [&] {
      auto s = test::CatalogFixture::spec("movie", "Amélie", 2001, R"(["Comedy"])");
      s.original_title = "Le Fabuleux Destin d'Amélie Poulain";
      return f.title(s);
    }();
    leon = f.movie("Leon: The Professional", 1994, R"(["Crime"])");
    office = f.show("The Office", 2005, R"(["Comedy"])");
    schindler = f.movie("Schindler's List", 1993, R"(["Drama"])");
    lotr_1978 = f.movie("The Lord of the Rings", 1978, R"(["Animation"])");
    fellowship = f.movie("The Lord of the Rings: The Fellowship of the Ring", 2001, R"(["Fantasy"])");
    king = f.movie("The Lord of the Rings: The Return of the King", 2003, R"(["Fantasy"])");
    power = f.show("The Lord of the Rings: The Rings of Power", 2022, R"(["Fantasy"])");
    lord_of_war = f.movie("Lord of War", 2005, R"(["Crime"])");
    rings = f.movie("Rings", 2017, R"(["Horror"])");
    kings = f.movie("Kings", 2017, R"(["Drama"])");
    swat = f.movie("S.W.A.T.", 2003, R"(["Action"])");
    mash = f.show("M*A*S*H", 1972, R"(["Comedy"])");
    walle = f.movie("WALL·E", 2008, R"(["Animation"])");
    terminator = f.movie("The Terminator", 1984, R"(["Action"])");
    t2 = f.movie("Terminator 2: Judgment Day", 1991, R"(["Action"])");
    miserables = f.movie("Les Misérables", 2012, R"(["Drama"])");
    pokemon = f.movie("Pokémon: The First Movie", 1998, R"(["Animation"])");
    unavailable = f.movie("Avengers Unreleased", 2030);
    for (auto id : {avengers, endgame,   spider,    spider_verse, amazing,    matrix, amelie,      leon,
                    office,   schindler, lotr_1978, fellowship,   king,       power,  lord_of_war, rings,
                    kings,    swat,      mash,      walle,        terminator, t2,     miserables,  pokemon})
      f.variant(id, 0, "1080P");
    f.variant(matrix_re, 0, "720P");
    f.variant(unavailable, 0, "1080P", "pending");
    index.texts = build_title_texts(*db);
    index.qualities = load_availability(*db, *index.texts);
  }
  std::vector<std::int64_t> ids(std::string_view q, const TitleFilter& filter = {},
                                TitleSort sort = TitleSort::Relevance) {
    std::vector<std::int64_t> out;
    for (const auto& h : search_titles(index, q, filter, sort))
      out.push_back(index.texts->titles[h.index].id);
    return out;
  }
  std::int64_t first(std::string_view q) {
    auto r = ids(q);
    return r.empty() ? 0 : r[0];
  }
  static bool has(const std::vector<std::int64_t>& v, std::int64_t id) {
    return std::find(v.begin(), v.end(), id) != v.end();
  }

  test::TempDir dir;
  std::unique_ptr<SQLite::Database> db;
  SearchIndex index;
  std::int64_t avengers, endgame, spider, spider_verse, amazing, matrix, matrix_re, amelie, leon, office,
      schindler, lotr_1978, fellowship, king, power, lord_of_war, rings, kings, swat, mash, walle, terminator,
      t2, miserables, pokemon, unavailable;
};

TEST_F(SearchTest, AccentsFoldBothWays) {
  EXPECT_EQ(ids("amelie"), std::vector<std::int64_t>{amelie});  // plain query, accented title
  EXPECT_EQ(ids("AMÉLIE"), std::vector<std::int64_t>{amelie});
  EXPECT_EQ(first("léon"), leon);  // accented query, plain title
  EXPECT_EQ(first("les miserables"), miserables);
  EXPECT_EQ(first("pokemon"), pokemon);
  EXPECT_EQ(first("fabuleux destin"), amelie);  // the original title counts too
}

TEST_F(SearchTest, FullWidthQueryFindsTheTitle) {
  EXPECT_EQ(first("ＬＯＲＤ ｒｉｎｇｓ"), lotr_1978);
  EXPECT_EQ(ids("ＭＡＴＲＩＸ　１９９９"), std::vector<std::int64_t>{matrix});
}

TEST_F(SearchTest, PunctuationBetweenLettersIsFoundByThePlainWord) {
  EXPECT_EQ(first("swat"), swat);
  EXPECT_EQ(first("S.W.A.T."), swat);
  EXPECT_EQ(first("mash"), mash);
  EXPECT_EQ(first("walle"), walle);
  EXPECT_EQ(first("wall-e"), walle);
  EXPECT_EQ(first("wall e"), walle);
  auto r = ids("spiderman");
  EXPECT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], spider);
}

TEST_F(SearchTest, SpiderManWithoutHyphenFindsSpiderManFirst) {
  auto r = ids("spider man");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], spider);  // the whole title
  EXPECT_TRUE(has(r, spider_verse));
  EXPECT_TRUE(has(r, amazing));
}

TEST_F(SearchTest, QueryWithoutApostropheFindsThePossessiveTitle) {
  EXPECT_EQ(first("schindlers list"), schindler);
  EXPECT_EQ(first("Schindler's List"), schindler);
  EXPECT_EQ(first("schindler list"), schindler);
  EXPECT_EQ(first("schindler’s"), schindler);  // curly apostrophe
}

TEST_F(SearchTest, SkippedSmallWordsStillRankTheTitleFirst) {
  auto r = ids("lord rings");
  ASSERT_EQ(r.size(), 4u);  // every title with both words, none with one
  EXPECT_EQ(r[0], lotr_1978);
  EXPECT_FALSE(has(r, lord_of_war));
  EXPECT_FALSE(has(r, rings));
  EXPECT_EQ(first("lord of rings"), lotr_1978);
  EXPECT_EQ(first("the lord of the rings"), lotr_1978);
  EXPECT_EQ(first("lord rings fellowship"), fellowship);
  EXPECT_EQ(first("return king"), king);
  EXPECT_EQ(first("the office"), office);
}

TEST_F(SearchTest, OneTypoInShortWords) {
  auto r = ids("avngers");
  EXPECT_TRUE(has(r, avengers));
  EXPECT_TRUE(has(r, endgame));
  EXPECT_FALSE(has(r, matrix));
  EXPECT_EQ(ids("matrx"), (std::vector<std::int64_t>{matrix, matrix_re}));
  EXPECT_EQ(ids("the matrx"), (std::vector<std::int64_t>{matrix, matrix_re}));
  EXPECT_TRUE(ids("mtrx").empty());  // two edits in a four-letter word is too many
}

TEST_F(SearchTest, TwoTyposInLongWords) {
  auto r = ids("trminatr");
  EXPECT_EQ(r.size(), 2u);
  EXPECT_TRUE(has(r, terminator));
  EXPECT_TRUE(has(r, t2));
  EXPECT_EQ(first("shindlers lsit"), schindler);
}

TEST_F(SearchTest, TyposInAccentedTitlesCountCharacters) {
  EXPECT_EQ(first("pokemn"), pokemon);        // 1 edit from "pokémon" (7 characters, 8 bytes)
  EXPECT_EQ(first("misrables"), miserables);  // 1 edit from "misérables"
  EXPECT_EQ(first("mizerabls"), miserables);  // 2 edits
  EXPECT_EQ(first("amleie"), amelie);         // neighbours swapped: 1 edit
}

TEST_F(SearchTest, AWordOfTheCatalogIsNotTakenForATypo) {
  auto r = ids("rings");  // "kings" is one edit away, but "rings" is a word titles have
  EXPECT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0], rings);
  EXPECT_FALSE(has(r, kings));
  EXPECT_EQ(ids("kings"), std::vector<std::int64_t>{kings});
}

TEST_F(SearchTest, PrefixesMatchAsYouType) {
  auto aven = ids("aven");
  EXPECT_TRUE(has(aven, avengers));
  EXPECT_TRUE(has(aven, endgame));
  EXPECT_EQ(ids("the matr"), (std::vector<std::int64_t>{matrix, matrix_re}));
  EXPECT_EQ(ids("termin").size(), 2u);
  EXPECT_EQ(first("poké"), pokemon);
  EXPECT_EQ(first("schindl"), schindler);
}

TEST_F(SearchTest, YearNarrowsTheMatch) { EXPECT_EQ(ids("matrix 1999"), std::vector<std::int64_t>{matrix}); }

TEST_F(SearchTest, ExactTitleRanksFirst) {
  EXPECT_EQ(ids("the matrix"), (std::vector<std::int64_t>{matrix, matrix_re}));
  EXPECT_EQ(first("rings"), rings);
  EXPECT_EQ(first("the avengers"), avengers);
}

TEST_F(SearchTest, FiltersApplyToEveryMatch) {
  TitleFilter shows;
  shows.kind = "show";
  EXPECT_TRUE(ids("avengers", shows).empty());
  EXPECT_TRUE(ids("avngers", shows).empty());
  EXPECT_EQ(ids("office", shows), std::vector<std::int64_t>{office});
  EXPECT_EQ(ids("lord rings", shows), std::vector<std::int64_t>{power});
  TitleFilter years;
  years.year_from = 2015;
  EXPECT_EQ(ids("avengers", years), std::vector<std::int64_t>{endgame});
  years.year_to = 2016;
  EXPECT_TRUE(ids("avengers", years).empty());
  TitleFilter animation;
  animation.genre = "Animation";
  EXPECT_EQ(ids("spider man", animation), std::vector<std::int64_t>{spider_verse});
  animation.genre = "No Such Genre";
  EXPECT_TRUE(ids("spider man", animation).empty());
  TitleFilter hd;
  hd.quality = "720P";
  EXPECT_EQ(ids("matrix", hd), std::vector<std::int64_t>{matrix_re});
}

TEST_F(SearchTest, SortsOrderTheWholeMatchSet) {
  EXPECT_EQ(ids("matrix", {}, TitleSort::Year), (std::vector<std::int64_t>{matrix_re, matrix}));
  EXPECT_EQ(ids("terminator", {}, TitleSort::Title), (std::vector<std::int64_t>{t2, terminator}));
  EXPECT_EQ(ids("terminator", {}, TitleSort::Newest), (std::vector<std::int64_t>{t2, terminator}));
}

TEST_F(SearchTest, UnavailableTitlesAreHiddenUnlessAsked) {
  EXPECT_FALSE(has(ids("unreleased"), unavailable));
  TitleFilter all;
  all.available_only = false;
  EXPECT_TRUE(has(ids("unreleased", all), unavailable));
}

TEST_F(SearchTest, QuerySyntaxIsJustText) {
  for (std::string q : {"\"", "*", "NEAR(a b)", "a OR b", "title:x", "^x", "a AND NOT b",
                        "'; DROP TABLE titles; --", "\xff\xfe", "(", ")", "%", "_", "\\"})
    EXPECT_NO_THROW(ids(q)) << q;
  EXPECT_EQ(first("\"the matrix\""), matrix);
}

TEST_F(SearchTest, NothingForNonsense) {
  EXPECT_TRUE(ids("zq").empty());
  EXPECT_TRUE(ids("zzzzzzzz").empty());
  EXPECT_TRUE(ids("   ").empty());
}

TEST_F(SearchTest, ResultsAreDeterministic) {
  for (auto q : {"the", "lord", "aven", "spider man", "trminatr"}) EXPECT_EQ(ids(q), ids(q)) << q;
}

}  // namespace
}  // namespace cmup::web
