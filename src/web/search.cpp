#include "web/search.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace cmup::web {

namespace {

constexpr std::size_t kMaxWords = 8;
constexpr std::size_t kMaxWordBytes = 64;
constexpr std::size_t kTypoCandidates = 200;
// Trigrams present in more titles than this say little about a title; they are skipped
// unless nothing rarer is left.
constexpr std::int64_t kCommonTrigramDocs = 5000;

std::string normalized(std::string_view text) {
  std::string out;
  for (const auto& w : search_words(text)) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

// The trigram vocabulary is a temp table, so read-only connections can create it.
void ensure_trigram_vocab(SQLite::Database& db) {
  db.exec(
      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.cmup_trigram_rows USING fts5vocab(main, 'titles_trigram', 'row');"
      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.cmup_trigram_instances "
      "USING fts5vocab(main, 'titles_trigram', 'instance');");
}

struct Ranked {
  std::int64_t id;
  double score;  // lower is better
};

// Whether title `id` passes the filter (one indexed lookup).
class FilterCheck {
 public:
  FilterCheck(SQLite::Database& db, const SqlClause& filter)
      : filter_(filter), q_(db, "SELECT 1 FROM titles t WHERE t.id = ?" + filter.sql) {}
  bool operator()(std::int64_t id) {
    q_.reset();
    q_.bind(1, id);
    filter_.bind(q_, 2);
    return q_.executeStep();
  }

 private:
  const SqlClause& filter_;
  SQLite::Statement q_;
};

// Stage 1. bm25 must score every match before it can sort, so matches are ranked only when
// they are few enough to rank quickly; a query as broad as "the" lists matches newest first
// instead (after any exact title), which is as useful for so general a query.
std::vector<std::int64_t> word_stage(SQLite::Database& db, const std::vector<std::string>& words,
                                     std::string_view query, const SqlClause& filter, std::size_t need) {
  std::string match = fts_match_expression(words);
  std::vector<std::int64_t> out;
  std::unordered_set<std::int64_t> seen;
  FilterCheck passes(db, filter);
  {
    // An exact title comes first whatever its bm25 (titles_title_nocase index).
    SQLite::Statement ex(db, "SELECT id FROM titles WHERE title = ? COLLATE NOCASE LIMIT 20");
    ex.bind(1, std::string(query));
    while (ex.executeStep() && out.size() < need) {
      auto id = ex.getColumn(0).getInt64();
      if (seen.insert(id).second && passes(id)) out.push_back(id);
    }
  }
  std::int64_t matches = 0;
  {
    SQLite::Statement n(db, "SELECT count(*) FROM (SELECT rowid FROM titles_fts WHERE titles_fts MATCH ? LIMIT ?)");
    n.bind(1, match);
    n.bind(2, kRankedMatchLimit + 1);
    n.executeStep();
    matches = n.getColumn(0).getInt64();
  }
  bool ranked = matches <= kRankedMatchLimit;
  SQLite::Statement q(db, ranked ? "SELECT rowid FROM titles_fts WHERE titles_fts MATCH ? "
                                   "AND rank MATCH 'bm25(10.0, 4.0, 1.0)' ORDER BY rank LIMIT ? OFFSET ?"
                                 : "SELECT rowid FROM titles_fts WHERE titles_fts MATCH ? ORDER BY rowid DESC "
                                   "LIMIT ? OFFSET ?");
  // Filters may reject many matches: read more, in growing pages, until enough pass.
  std::int64_t page = std::max<std::int64_t>(64, static_cast<std::int64_t>(need) * 2);
  std::int64_t offset = 0;
  while (out.size() < need) {
    q.reset();
    q.bind(1, match);
    q.bind(2, page);
    q.bind(3, offset);
    std::int64_t rows = 0;
    while (q.executeStep() && out.size() < need) {
      ++rows;
      auto id = q.getColumn(0).getInt64();
      if (seen.insert(id).second && passes(id)) out.push_back(id);
    }
    if (rows < page) break;
    offset += page;
    page *= 4;
  }
  return out;
}

std::vector<std::string> trigrams_of(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (const auto& w : words)
    for (std::size_t i = 0; i + 3 <= w.size(); ++i)
      if (seen.insert(w.substr(i, 3)).second) out.push_back(w.substr(i, 3));
  return out;
}

std::vector<Ranked> typo_stage(SQLite::Database& db, const std::vector<std::string>& words, const SqlClause& filter,
                               std::size_t max_results) {
  std::string query_text = normalized([&] {
    std::string s;
    for (const auto& w : words) s += w + " ";
    return s;
  }());
  int allowed = allowed_typos(query_text.size());
  auto grams = trigrams_of(words);
  if (allowed == 0 || grams.empty()) return {};
  ensure_trigram_vocab(db);

  // Rarest trigrams first: they single out the fewest, most telling candidates.
  std::vector<std::pair<std::int64_t, std::string>> by_docs;
  {
    SQLite::Statement q(db, "SELECT doc FROM temp.cmup_trigram_rows WHERE term = ?");
    for (const auto& g : grams) {
      q.reset();
      q.bind(1, g);
      if (q.executeStep()) by_docs.emplace_back(q.getColumn(0).getInt64(), g);
    }
  }
  std::sort(by_docs.begin(), by_docs.end());
  std::unordered_map<std::int64_t, int> hits;
  {
    SQLite::Statement q(db, "SELECT DISTINCT doc FROM temp.cmup_trigram_instances WHERE term = ?");
    std::size_t used = 0;
    for (const auto& [docs, g] : by_docs) {
      if (docs > kCommonTrigramDocs && used >= 3) break;
      q.reset();
      q.bind(1, g);
      while (q.executeStep()) ++hits[q.getColumn(0).getInt64()];
      ++used;
    }
  }
  std::vector<std::pair<int, std::int64_t>> candidates;
  candidates.reserve(hits.size());
  for (const auto& [id, n] : hits) candidates.emplace_back(n, id);
  std::size_t keep = std::min(candidates.size(), kTypoCandidates);
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep), candidates.end(),
                    [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  candidates.resize(keep);

  SQLite::Statement q(db, "SELECT t.title, ifnull(t.original_title, '') FROM titles t WHERE t.id = ?" + filter.sql);
  std::vector<Ranked> out;
  for (const auto& [n, id] : candidates) {
    q.reset();
    q.bind(1, id);
    filter.bind(q, 2);
    if (!q.executeStep()) continue;  // filtered out
    std::string title = normalized(q.getColumn(0).getString());
    std::string original = normalized(q.getColumn(1).getString());
    int d = substring_edit_distance(query_text, title);
    if (!original.empty()) d = std::min(d, substring_edit_distance(query_text, original));
    if (d > allowed) continue;
    // Fewer edits first; among equals, the title closest in length to the query.
    double length_gap = std::abs(static_cast<double>(title.size()) - static_cast<double>(query_text.size()));
    out.push_back({id, d * 10000.0 + length_gap});
  }
  std::sort(out.begin(), out.end(), [](const Ranked& a, const Ranked& b) {
    return a.score != b.score ? a.score < b.score : a.id < b.id;
  });
  if (out.size() > max_results) out.resize(max_results);
  return out;
}

}  // namespace

std::vector<std::string> search_words(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && words.size() < kMaxWords) words.push_back(cur.substr(0, kMaxWordBytes));
    cur.clear();
  };
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
      cur.push_back(static_cast<char>(c));
    else if (c >= 'A' && c <= 'Z')
      cur.push_back(static_cast<char>(c - 'A' + 'a'));
    else
      flush();
  }
  flush();
  return words;
}

std::string fts_match_expression(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out.push_back(' ');
    out.push_back('"');
    for (char c : w) {
      if (c == '"') out.push_back('"');  // words hold no quotes today; stay safe if that changes
      out.push_back(c);
    }
    out += "\"*";
  }
  return out;
}

int substring_edit_distance(std::string_view needle, std::string_view hay) {
  // Sellers' algorithm: row 0 is all zeros, so a match may start anywhere in `hay`, and the
  // answer is the minimum of the last row, so it may end anywhere.
  if (needle.empty()) return 0;
  std::vector<int> prev(hay.size() + 1, 0), cur(hay.size() + 1, 0);
  for (std::size_t i = 1; i <= needle.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= hay.size(); ++j) {
      int sub = prev[j - 1] + (needle[i - 1] == hay[j - 1] ? 0 : 1);
      cur[j] = std::min({sub, prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return *std::min_element(prev.begin(), prev.end());
}

int allowed_typos(std::size_t query_len) {
  if (query_len < 4) return 0;
  if (query_len <= 5) return 1;
  if (query_len <= 10) return 2;
  return 3;
}

std::vector<SearchHit> search_titles(SQLite::Database& db, std::string_view query, const TitleFilter& filter,
                                     std::size_t max_results) {
  auto words = search_words(query);
  if (words.empty() || max_results == 0) return {};
  std::string trimmed(query);
  trimmed.erase(0, trimmed.find_first_not_of(" \t"));
  trimmed.erase(trimmed.find_last_not_of(" \t") + 1);
  SqlClause clause = to_sql(filter);
  std::vector<SearchHit> out;
  std::unordered_set<std::int64_t> seen;
  for (auto id : word_stage(db, words, trimmed, clause, max_results))
    if (seen.insert(id).second) out.push_back({id, false});
  if (out.size() < kTypoThreshold && out.size() < max_results) {
    for (const auto& r : typo_stage(db, words, clause, max_results - out.size()))
      if (seen.insert(r.id).second) out.push_back({r.id, true});
  }
  return out;
}

}  // namespace cmup::web
