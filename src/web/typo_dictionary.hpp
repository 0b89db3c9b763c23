// Typo tolerance over the search vocabulary: a symmetric-deletion dictionary (the SymSpell
// idea). Every word of the vocabulary is stored under each string it becomes after deleting up
// to max_typos() of its characters; a query word looks up its own deletions, and the words
// found are confirmed by an edit distance that counts a swap of neighbours as one edit. A lookup
// costs a few dozen hash probes whatever the vocabulary size, where scanning titles would cost
// one edit distance per title.
//
// Contract: lengths and distances count Unicode code points of folded text (text_fold.hpp),
// never bytes, so "amelie" and "amélie" tolerate the same typos. Words of digits only never
// match by typo (a year is exact or a prefix). Immutable after construction: lookups are safe
// from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cmup::web {

// Edits tolerated in a word of `code_points` characters: none below 4, 1 up to 7, 2 from 8.
int max_typos(std::size_t code_points);

// Optimal-string-alignment distance (insert, delete, substitute, swap of neighbours), or
// `limit + 1` as soon as it must exceed `limit`.
int typo_distance(std::u32string_view a, std::u32string_view b, int limit);

struct TypoMatch {
  std::uint32_t term = 0;  // index into the vocabulary
  int distance = 0;        // 1 or more (the word itself is not reported)
};

class TypoDictionary {
 public:
  TypoDictionary() = default;
  // `vocabulary` must outlive the dictionary (the index owns both).
  explicit TypoDictionary(const std::vector<std::string>& vocabulary);

  // Vocabulary words within max_typos(length of `word`) edits of `word` (folded), nearest
  // first; empty for short or all-digit words.
  std::vector<TypoMatch> lookup(std::string_view word) const;

  std::size_t entries() const { return keys_.size(); }
  std::size_t memory_bytes() const;

 private:
  const std::vector<std::string>* vocabulary_ = nullptr;
  // (hash of a deletion << 32 | term), sorted; buckets_[h >> 16] is where hashes with those top
  // 16 bits start, so a probe is one jump and a short binary search.
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> buckets_;
};

}  // namespace cmup::web
