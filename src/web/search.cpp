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

std::vector<Ranked> word_stage(SQLite::Database& db, const std::vector<std::string>& words, const SqlClause& filter,
                               std::size_t max_results) {
  std::string query_text;
  for (const auto& w : words) query_text += (query_text.empty() ? "" : " ") + w;
  SQLite::Statement q(db,
                      "SELECT t.id, bm25(titles_fts, 10.0, 4.0, 1.0), t.title, ifnull(t.original_title, '') "
                      "FROM titles_fts JOIN titles t ON t.id = titles_fts.rowid "
                      "WHERE titles_fts MATCH ?" +
                          filter.sql + " ORDER BY 2 LIMIT ?");
  int i = 1;
  q.bind(i++, fts_match_expression(words));
  i = filter.bind(q, i);
  q.bind(i, static_cast<std::int64_t>(max_results));
  std::vector<Ranked> out;
  while (q.executeStep()) {
    double score = q.getColumn(1).getDouble();  // bm25: negative, lower is better
    std::string title = normalized(q.getColumn(2).getString());
    std::string original = normalized(q.getColumn(3).getString());
    // An exact title beats one that merely starts with the query, which beats the rest.
    if (title == query_text || original == query_text)
      score -= 1000;
    else if (title.rfind(query_text, 0) == 0 || original.rfind(query_text, 0) == 0)
      score -= 100;
    out.push_back({q.getColumn(0).getInt64(), score});
  }
  std::stable_sort(out.begin(), out.end(), [](const Ranked& a, const Ranked& b) { return a.score < b.score; });
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
  SqlClause clause = to_sql(filter);
  auto ranked = word_stage(db, words, clause, max_results);
  std::vector<SearchHit> out;
  std::unordered_set<std::int64_t> seen;
  for (const auto& r : ranked)
    if (seen.insert(r.id).second) out.push_back({r.id, false});
  if (out.size() < kTypoThreshold && out.size() < max_results) {
    for (const auto& r : typo_stage(db, words, clause, max_results - out.size()))
      if (seen.insert(r.id).second) out.push_back({r.id, true});
  }
  return out;
}

}  // namespace cmup::web
