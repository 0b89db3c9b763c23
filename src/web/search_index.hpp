// The in-memory search index: every title's words, the vocabulary with its postings and typo
// dictionary, the fields filters and sorts need, and each title's summary pre-rendered as the
// JSON /api/v1/titles returns (docs/api.md). SQLite stays the truth; this is a copy rebuilt
// when the catalog changes (search_service.hpp decides when).
//
// Contract: build_title_texts() reads every title in one read transaction of `db` (the
// caller's) and returns an immutable TitleTexts; load_availability() reads which titles have a
// deliverable variant of which quality. read_catalog_version() returns the counters migration
// 0003 keeps (nullopt on a database without them). All throw SQLite::Exception on database
// errors. Built objects are immutable: share them across threads freely.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "web/typo_dictionary.hpp"

namespace cmup::web {

// Where a word of a title sits: in its title, original title or year.
enum class Field : std::uint8_t { Title = 0, Original = 1, Year = 2 };

// Eight bytes: a catalog has about ten of these per title.
struct TitleWord {
  std::uint32_t term = 0;  // vocabulary index
  std::uint8_t pos = 0;    // word position within its field (a joined word: its first piece's)
  std::uint8_t span = 1;   // positions covered: a joined word covers all its pieces
  Field field = Field::Title;
  bool small : 1 = false;   // an article or preposition (is_small_word)
  bool joined : 1 = false;  // the joined form of a word written with inner punctuation
};
static_assert(sizeof(TitleWord) == 8);

// What a search reads for every candidate title (a common word has tens of thousands of
// them): one cache line each, in an array of its own, walked in index order.
struct alignas(64) TitleHot {
  // Hashes of the title's and original title's text in both spellings (joined / pieces).
  std::uint64_t exact[4] = {0, 0, 0, 0};
  std::uint32_t words_begin = 0, words_end = 0;    // into TitleTexts::words
  std::uint32_t genres_begin = 0, genres_end = 0;  // into TitleTexts::genre_ids
  std::uint32_t newest_rank = 0;                   // 0 = newest (created_at, then id, descending)
  int year = 0;                                    // 0 = unknown
  bool show = false;
  std::uint8_t significant_words = 0;  // title words that are not small words
};

// What only a shown page or a sort by title needs.
struct TitleRecord {
  std::int64_t id = 0;
  std::int64_t created_at = 0;
  std::string title;        // as stored, for sort=title
  std::string render_head;  // {"genres":..,"id":..,"kind":..,"original_title":..,"poster_url":..,"qualities":
  std::string render_tail;  // ,"title":..,"year":..}
};

struct TitleTexts {
  std::vector<TitleRecord> titles;  // ordered by id
  std::vector<TitleHot> hot;        // same indices as titles
  std::vector<TitleWord> words;
  std::vector<std::uint16_t> genre_ids;
  std::unordered_map<std::string, std::uint16_t> genres;  // genre text -> id
  std::vector<std::string> vocabulary;                    // sorted, so a prefix is a range
  std::vector<std::uint32_t> posting_begin;               // vocabulary.size() + 1 offsets
  std::vector<std::uint32_t> postings;                    // title indices, ascending per term
  TypoDictionary typos;
  std::int64_t build_ms = 0;

  // Index of the title with this id, or -1.
  std::int64_t index_of(std::int64_t id) const;
  // [first, last) vocabulary indices starting with `prefix`.
  std::pair<std::uint32_t, std::uint32_t> prefix_range(std::string_view prefix) const;
  std::size_t memory_bytes() const;
};

// Hash of a folded text as compared for exact matches.
std::uint64_t exact_key(std::string_view folded_text);

std::shared_ptr<const TitleTexts> build_title_texts(SQLite::Database& db);

// Per title index: bit quality_rank(label) set for each quality with a deliverable variant.
std::vector<std::uint8_t> load_availability(SQLite::Database& db, const TitleTexts& texts);

struct CatalogVersion {
  std::int64_t titles = 0;        // bumped by any change to a title's searchable or shown fields
  std::int64_t availability = 0;  // bumped when a variant becomes (or stops being) deliverable
  bool operator==(const CatalogVersion&) const = default;
};
std::optional<CatalogVersion> read_catalog_version(SQLite::Database& db);

// The JSON array of the qualities in `mask`, best first: ["1080P","720P"].
const std::string& render_qualities(std::uint8_t mask);

}  // namespace cmup::web
