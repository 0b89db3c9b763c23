// Title search: FTS5 words and prefixes first, then typo tolerance from the trigram index.
//
// Contract: search_titles() returns at most `max_results` title ids that pass `filter`, best
// first, each once. Stage 1 matches every query word as a prefix of a word of the title,
// original title or year (unicode61, diacritics and punctuation ignored: "spider man" finds
// "Spider-Man"), ranked by bm25 with exact and leading matches first. Stage 2 runs when stage 1
// finds fewer than kTypoThreshold titles: titles sharing trigrams with the query are ranked
// by edit distance of the query to their best-matching part ("avngers" finds "Avengers") and
// appended. User text never reaches SQL except as a quoted, bound FTS5 phrase.
// Pass max_results = what the caller shows (offset + page + 1): the work grows with it.
// Not thread-safe per connection: use one SQLite connection per thread.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "web/title_filter.hpp"

namespace cmup::web {

inline constexpr std::size_t kMaxSearchResults = 1000;
inline constexpr std::size_t kTypoThreshold = 10;
// Above this many word matches, stage 1 lists them newest first instead of by bm25.
inline constexpr std::int64_t kRankedMatchLimit = 4000;

struct SearchHit {
  std::int64_t title_id = 0;
  bool typo = false;  // found by typo tolerance rather than by words
};

std::vector<SearchHit> search_titles(SQLite::Database& db, std::string_view query, const TitleFilter& filter = {},
                                     std::size_t max_results = kMaxSearchResults);

// Lower-cased words of `text`: ASCII punctuation separates words; non-ASCII bytes (UTF-8
// letters) are kept. At most 8 words of at most 64 bytes each.
std::vector<std::string> search_words(std::string_view text);
// The FTS5 MATCH expression for the words: each a quoted prefix phrase, all required.
std::string fts_match_expression(const std::vector<std::string>& words);
// Levenshtein distance from `needle` to the closest substring of `hay` (free start and end).
int substring_edit_distance(std::string_view needle, std::string_view hay);
// Edits tolerated for a query of this many bytes (0 for very short queries).
int allowed_typos(std::size_t query_len);

}  // namespace cmup::web
