// Title search over the in-memory index (search_index.hpp): the whole ranked result set of a
// query, decided before any paging, so a page never depends on the page size.
//
// Contract: search_titles() returns the titles passing `filter` whose words match every query
// word, each once, in `sort` order, at most kMaxSearchResults of them. A query word matches a
// title word it equals or begins (type-ahead), after folding (text_fold.hpp: case, accents,
// full-width forms, punctuation between letters). Small words (articles, prepositions) in the
// query are optional when it has other words. When fewer than kTypoThreshold titles match,
// query words absent from the vocabulary also match words within max_typos() edits
// (typo_dictionary.hpp). Relevance order, best first:
//   1. the query is the whole title or original title (in either spelling: "swat" = "S.W.A.T.")
//   2. fewer optional small words missing   3. fewer typos   4. fewer words matched only as a
//   prefix   5. fewer words matched outside the title (original title, year)   6. query words
//   in the title's order, close together, from its first word on (small words between do not
//   count)   7. fewer title words beyond the query   8. newest, then highest id.
// Pure function of (index, arguments); safe from any thread (scratch memory is per thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "web/search_index.hpp"
#include "web/title_filter.hpp"
#include "web/title_query.hpp"

namespace cmup::web {

inline constexpr std::size_t kMaxSearchResults = 1000;
inline constexpr std::size_t kTypoThreshold = 10;

// One consistent view of the catalog for searching: the title texts (rebuilt when titles
// change) and which qualities each title can deliver (rebuilt when uploads finish).
struct SearchIndex {
  std::shared_ptr<const TitleTexts> texts;
  std::vector<std::uint8_t> qualities;  // per title index: bit quality_rank() per deliverable quality
  std::uint64_t generation = 0;         // changes whenever anything above does
  CatalogVersion version;
};

struct SearchHit {
  std::uint32_t index = 0;  // into texts->titles
  bool typo = false;        // found only by typo tolerance
};

std::vector<SearchHit> search_titles(const SearchIndex& index, std::string_view query,
                                     const TitleFilter& filter = {}, TitleSort sort = TitleSort::Relevance);

}  // namespace cmup::web
