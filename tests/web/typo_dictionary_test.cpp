// The deletion dictionary: typos counted in characters of folded words, 1 edit for short
// words and 2 for long ones.
#include "web/typo_dictionary.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "web/text_fold.hpp"

namespace cmup::web {
namespace {

class TypoDictionaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto w : {"avengers", "terminator", "miserables", "pokemon", "matrix", "amelie", "lord", "rings",
                   "1999", "千と千尋の神隠し"})
      vocab.push_back(fold_text(w));
    std::sort(vocab.begin(), vocab.end());
    dict = TypoDictionary(vocab);
  }
  std::vector<std::pair<std::string, int>> found(std::string_view typed) {
    std::vector<std::pair<std::string, int>> out;
    for (const auto& m : dict.lookup(fold_text(typed))) out.emplace_back(vocab[m.term], m.distance);
    return out;
  }
  std::vector<std::string> vocab;
  TypoDictionary dict;
};

TEST_F(TypoDictionaryTest, DistanceCountsCharactersAndSwapsAsOne) {
  EXPECT_EQ(typo_distance(U"amelie", U"amelei", 2), 1);  // neighbours swapped
  EXPECT_EQ(typo_distance(U"matrix", U"matrx", 2), 1);
  EXPECT_EQ(typo_distance(U"terminator", U"trminatr", 2), 2);
  EXPECT_EQ(typo_distance(U"abc", U"xyz", 1), 2);  // stops at limit + 1
  EXPECT_EQ(typo_distance(U"", U"", 0), 0);
}

TEST_F(TypoDictionaryTest, ShortWordsToleratedOneEditLongOnesTwo) {
  EXPECT_EQ(max_typos(3), 0);
  EXPECT_EQ(max_typos(4), 1);
  EXPECT_EQ(max_typos(7), 1);
  EXPECT_EQ(max_typos(8), 2);
  EXPECT_EQ(found("matrx"), (std::vector<std::pair<std::string, int>>{{"matrix", 1}}));
  EXPECT_EQ(found("avngers"), (std::vector<std::pair<std::string, int>>{{"avengers", 1}}));
  EXPECT_EQ(found("trminatr"), (std::vector<std::pair<std::string, int>>{{"terminator", 2}}));
  EXPECT_TRUE(found("mtrx").empty());     // 4 letters: one edit only, this is two
  EXPECT_TRUE(found("trmnatr").empty());  // three edits
  EXPECT_TRUE(found("lrd").empty());      // too short to guess
}

TEST_F(TypoDictionaryTest, AccentedWordsTolerateAsManyTyposAsPlainOnes) {
  // "pokémon" is 7 characters (8 bytes): one typo, counted after folding.
  EXPECT_EQ(found("pokemn"), (std::vector<std::pair<std::string, int>>{{"pokemon", 1}}));
  EXPECT_EQ(found("pokémn"), (std::vector<std::pair<std::string, int>>{{"pokemon", 1}}));
  EXPECT_EQ(found("misérabls"), (std::vector<std::pair<std::string, int>>{{"miserables", 1}}));
  EXPECT_EQ(found("mizerabls"), (std::vector<std::pair<std::string, int>>{{"miserables", 2}}));
  EXPECT_EQ(found("amleie"), (std::vector<std::pair<std::string, int>>{{"amelie", 1}}));
}

TEST_F(TypoDictionaryTest, NonLatinWordsCountCharactersToo) {
  // 8 characters (24 bytes): two edits.
  EXPECT_EQ(found("千と千尋の隠し"), (std::vector<std::pair<std::string, int>>{{"千と千尋の神隠し", 1}}));
}

TEST_F(TypoDictionaryTest, YearsNeverMatchByTypo) {
  EXPECT_TRUE(found("1998").empty());
  EXPECT_TRUE(found("199x").empty());  // "1999" is one edit away but a number
}

TEST_F(TypoDictionaryTest, TheWordItselfIsNotATypo) { EXPECT_TRUE(found("matrix").empty()); }

}  // namespace
}  // namespace cmup::web
