// Text folding and word splitting for title search: the one place that decides when two
// spellings of a title are "the same word".
//
// Contract: pure functions of their input, safe from any thread, total (any bytes, including
// invalid UTF-8, give a defined answer; never throw except std::bad_alloc).
//   fold_text()      lower-case, accents and other marks removed (é -> e, ß -> ss, æ -> ae,
//                    й -> и), full-width forms to ASCII (ＬＯＲＤ -> lord), ligatures split
//                    (ﬁ -> fi); invalid UTF-8 bytes are dropped.
//   split_words()    folds, then splits at spaces and at punctuation that does not sit between
//                    two letters or digits. Punctuation between letters joins ("S.W.A.T." ->
//                    "swat", "Schindler's" -> "schindlers", "WALL·E" -> "walle") and the pieces
//                    it separated are kept too ({"s","w","a","t"}), so "spider man" still finds
//                    "Spider-Man".
//   normalize_query() the words a search matches, as the index sees them (bounded: at most
//                    kMaxQueryWords words of at most kMaxWordBytes bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cmup::web {

inline constexpr std::size_t kMaxQueryWords = 8;
inline constexpr std::size_t kMaxWordBytes = 64;

std::string fold_text(std::string_view text);

struct SearchWord {
  std::string joined;              // letters and digits, inner punctuation dropped: "schindlers"
  std::vector<std::string> parts;  // pieces between inner punctuation, when there was any: {"schindler", "s"}
};
std::vector<SearchWord> split_words(std::string_view text, std::size_t max_words = 64);

// Articles, prepositions and possessive pieces ("the", "of", "s", "le", "der" ...): a query may
// skip them, and they do not count as words a title has beyond the query.
bool is_small_word(std::string_view folded_word);

struct NormalizedQuery {
  std::vector<SearchWord> words;
  // The whole query as "words joined by one space", in both spellings: with joined words
  // ("swat", "schindlers list") and with their pieces ("s w a t", "schindler s list"). A
  // title whose own forms equal either one is an exact match.
  std::string joined_text;
  std::string parts_text;
};
NormalizedQuery normalize_query(std::string_view query);

// Number of Unicode code points in valid UTF-8 (what typo tolerance counts).
std::size_t code_points(std::string_view utf8);
// UTF-8 -> code points, invalid bytes dropped.
std::u32string to_code_points(std::string_view utf8);

}  // namespace cmup::web
