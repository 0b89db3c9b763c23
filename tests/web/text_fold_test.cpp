// Folding and word splitting: the spellings a searcher types must meet the spelling a title
// was stored with.
#include "web/text_fold.hpp"

#include <gtest/gtest.h>

namespace cmup::web {
namespace {

std::vector<std::string> joined(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& w : split_words(text)) out.push_back(w.joined);
  return out;
}

TEST(TextFold, LowerCasesAndRemovesAccents) {
  EXPECT_EQ(fold_text("Amélie"), "amelie");
  EXPECT_EQ(fold_text("LÉON"), "leon");
  EXPECT_EQ(fold_text("Les Misérables"), "les miserables");
  EXPECT_EQ(fold_text("Crème Brûlée à la Française"), "creme brulee a la francaise");
  EXPECT_EQ(fold_text("Pokémon"), "pokemon");
  EXPECT_EQ(fold_text("Åsa Nisse i Ölands"), "asa nisse i olands");
  EXPECT_EQ(fold_text("Łódź"), "lodz");
  EXPECT_EQ(fold_text("Çok Güzel Şarkı"), "cok guzel sarki");
}

TEST(TextFold, DecomposedAccentsFoldLikeComposedOnes) {
  EXPECT_EQ(fold_text("Ame\xcc\x81lie"), "amelie");  // e + COMBINING ACUTE ACCENT
}

TEST(TextFold, LettersWithoutDecompositionBecomeTheirSpelling) {
  EXPECT_EQ(fold_text("Die Straße"), "die strasse");
  EXPECT_EQ(fold_text("Æon Flux"), "aeon flux");
  EXPECT_EQ(fold_text("Œuvre"), "oeuvre");
  EXPECT_EQ(fold_text("Søren"), "soren");
  EXPECT_EQ(fold_text("Þór"), "thor");
  EXPECT_EQ(fold_text("ﬁnal"), "final");  // the fi ligature
}

TEST(TextFold, FoldingIsANormalFormSoBothSpellingsMatch) {
  // Found by fuzz/search_query: U+01FE folded to U+00F8, which folds on to "o".
  EXPECT_EQ(fold_text("\xC7\xBE"), "o");  // Ǿ
  EXPECT_EQ(fold_text("\xC7\xBF"), "o");  // ǿ
  for (std::string s : {"\xC7\xBE", "Ǿrsted Ærø Ŀ ǅ ﬃ Ｌ", "Straße"})
    EXPECT_EQ(fold_text(fold_text(s)), fold_text(s)) << s;
}

TEST(TextFold, FullWidthFormsBecomeAscii) {
  EXPECT_EQ(fold_text("ＬＯＲＤ"), "lord");
  EXPECT_EQ(fold_text("ｍａｔｒｉｘ　１９９９"),
            "matrix\xe3\x80\x80"
            "1999");  // ideographic space kept as a space
  EXPECT_EQ(joined("ｍａｔｒｉｘ　１９９９"), (std::vector<std::string>{"matrix", "1999"}));
}

TEST(TextFold, OtherScriptsAreLowerCasedAndKept) {
  EXPECT_EQ(fold_text("Ёлки"), "елки");
  EXPECT_EQ(fold_text("ΑΘΗΝΑ"), "αθηνα");
  EXPECT_EQ(fold_text("千と千尋の神隠し"), "千と千尋の神隠し");
}

TEST(TextFold, InvalidUtf8IsDroppedNotFatal) {
  EXPECT_EQ(fold_text("a\xff"
                      "b\xc3"),
            "ab");
  EXPECT_EQ(fold_text("\xed\xa0\x80x"), "x");  // an encoded surrogate
  EXPECT_EQ(fold_text("\xc0\xafy"), "y");      // an overlong '/'
  EXPECT_EQ(fold_text(""), "");
}

TEST(SplitWords, PunctuationBetweenLettersJoinsAndKeepsThePieces) {
  auto swat = split_words("S.W.A.T.");
  ASSERT_EQ(swat.size(), 1u);
  EXPECT_EQ(swat[0].joined, "swat");
  EXPECT_EQ(swat[0].parts, (std::vector<std::string>{"s", "w", "a", "t"}));
  EXPECT_EQ(joined("M*A*S*H"), std::vector<std::string>{"mash"});
  EXPECT_EQ(joined("WALL·E"), std::vector<std::string>{"walle"});
  auto schindler = split_words("Schindler's List");
  ASSERT_EQ(schindler.size(), 2u);
  EXPECT_EQ(schindler[0].joined, "schindlers");
  EXPECT_EQ(schindler[0].parts, (std::vector<std::string>{"schindler", "s"}));
  EXPECT_EQ(joined("Schindler’s List"),
            (std::vector<std::string>{"schindlers", "list"}));  // curly apostrophe
}

TEST(SplitWords, PunctuationAtWordEdgesSeparates) {
  EXPECT_EQ(joined("Spider-Man: Into the Spider-Verse"),
            (std::vector<std::string>{"spiderman", "into", "the", "spiderverse"}));
  EXPECT_EQ(joined("Mission: Impossible - Fallout"),
            (std::vector<std::string>{"mission", "impossible", "fallout"}));
  EXPECT_EQ(joined("  \"Heat\" (1995)  "), (std::vector<std::string>{"heat", "1995"}));
  EXPECT_TRUE(split_words(" ... -- !! ").empty());
}

TEST(SplitWords, WordsAreBounded) {
  EXPECT_EQ(split_words("a b c d e f g h i j", 8).size(), 8u);
  auto w = split_words(std::string(300, 'x'));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].joined.size(), kMaxWordBytes);
  auto accented = split_words(std::string(100, 'a') + "é");  // never cut inside a code point
  EXPECT_EQ(accented[0].joined, std::string(kMaxWordBytes, 'a'));
}

TEST(NormalizeQuery, GivesBothSpellingsOfTheWholeQuery) {
  auto q = normalize_query("Schindler's  LIST");
  EXPECT_EQ(q.joined_text, "schindlers list");
  EXPECT_EQ(q.parts_text, "schindler s list");
  EXPECT_EQ(normalize_query("s.w.a.t.").joined_text, "swat");
  EXPECT_EQ(normalize_query("ＬＯＲＤ ｏｆ ｔｈｅ ｒｉｎｇｓ").joined_text, "lord of the rings");
  EXPECT_LE(normalize_query("a b c d e f g h i j k l").words.size(), kMaxQueryWords);
}

TEST(NormalizeQuery, SmallWordsAreKnown) {
  for (auto w : {"the", "of", "a", "le", "la", "der", "die", "s"}) EXPECT_TRUE(is_small_word(w)) << w;
  for (auto w : {"lord", "rings", "matrix", "amelie"}) EXPECT_FALSE(is_small_word(w)) << w;
}

TEST(CodePoints, CountsCharactersNotBytes) {
  EXPECT_EQ(code_points("amélie"), 6u);
  EXPECT_EQ(code_points("千と千尋"), 4u);
  EXPECT_EQ(to_code_points("é").size(), 1u);
}

}  // namespace
}  // namespace cmup::web
