// safe_text / safe_dump: whatever bytes arrive from outside, what cmup echoes is valid
// UTF-8 that nlohmann::json can serialize, holds no line breaks or terminal escapes, and is
// bounded; ordinary text in any script passes unchanged.
#include "util/safe_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cmup {
namespace {

TEST(SafeText, PrintableTextInAnyScriptPassesUnchanged) {
  for (std::string s : {"Inception (2010) 1080p", "Брат 2", "千と千尋の神隠し", "Amélie — 🎬", ""})
    EXPECT_EQ(safe_text(s), s);
}

TEST(SafeText, InvalidBytesBecomeReplacementCharactersAndDumpNoLongerThrows) {
  std::string bad = "ab\xFF\xC3(\xED\xA0\x80z";  // stray byte, truncated sequence, surrogate
  EXPECT_THROW((void)nlohmann::json(bad).dump(), nlohmann::json::type_error);
  auto s = safe_text(bad);
  EXPECT_TRUE(is_valid_utf8(s));
  EXPECT_EQ(s, "ab\xEF\xBF\xBD\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz");
  EXPECT_NO_THROW((void)nlohmann::json(s).dump());
}

TEST(SafeText, ControlCharactersCannotStartALogLineOrDriveATerminal) {
  EXPECT_EQ(safe_text("name\n2026-01-01 ERROR forged"), "name\\n2026-01-01 ERROR forged");
  EXPECT_EQ(safe_text("a\tb\rc\x1b[31md\x7f"), "a\\tb\\rc\\x1B[31md\\x7F");
  EXPECT_EQ(safe_text("x\xC2\x85y"), "x\\u{0085}y");      // NEL (C1)
  EXPECT_EQ(safe_text("x\xE2\x80\xAEy"), "x\\u{202E}y");  // right-to-left override
  EXPECT_EQ(safe_text("x\xE2\x80\xA8y"), "x\\u{2028}y");  // line separator
}

TEST(SafeText, LongTextIsCutAtACharacterBoundaryWithAnEllipsis) {
  std::string s(100, 'a');
  auto cut = safe_text(s, 10);
  EXPECT_EQ(cut, std::string(7, 'a') + "\xE2\x80\xA6");
  std::string cyr;
  for (int i = 0; i < 50; ++i) cyr += "\xD0\x96";  // Ж, two bytes each
  auto c2 = safe_text(cyr, 11);
  EXPECT_LE(c2.size(), 11u);
  EXPECT_TRUE(is_valid_utf8(c2));
  EXPECT_EQ(c2, "\xD0\x96\xD0\x96\xD0\x96\xD0\x96\xE2\x80\xA6");
  EXPECT_EQ(safe_text("\n\n\n", 5), "\\n\xE2\x80\xA6");                  // never half an escape
  EXPECT_EQ(safe_text(std::string(10, 'b'), 10), std::string(10, 'b'));  // exactly fits: no cut
}

TEST(SafeText, Utf8HelpersFollowRfc3629) {
  EXPECT_TRUE(is_valid_utf8("plain \xF0\x9F\x8E\xAC"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_EQ(to_valid_utf8("a\xFFz"), "a\xEF\xBF\xBDz");
  EXPECT_EQ(cut_utf8("\xD0\x96\xD0\x96", 3), "\xD0\x96");
  EXPECT_EQ(cut_utf8("abc", 10), "abc");
}

TEST(SafeDump, AWholeUntrustedDocumentSerializesWithReplacements) {
  nlohmann::json j = {{"name", "ok"}, {"bad", std::string("x\xFFy")}};
  auto text = safe_dump(j);
  auto back = nlohmann::json::parse(text);
  EXPECT_EQ(back["name"], "ok");
  EXPECT_EQ(back["bad"], "x\xEF\xBF\xBDy");
  EXPECT_NE(safe_dump(j, 2).find('\n'), std::string::npos);
}

}  // namespace
}  // namespace cmup
