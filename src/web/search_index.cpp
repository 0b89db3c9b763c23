#include "web/search_index.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <nlohmann/json.hpp>

#include "web/catalog_reader.hpp"
#include "web/text_fold.hpp"

namespace cmup::web {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxTitleWords = 64;
constexpr const char* kQualityLabels[] = {"2160P", "1440P", "1080P", "720P", "576P", "480P", "UNKNOWN"};

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Both spellings of a text, as normalize_query() builds them for a query.
std::pair<std::string, std::string> texts_of(const std::vector<SearchWord>& words) {
  std::string joined, parts;
  for (const auto& w : words) {
    if (!joined.empty()) joined.push_back(' ');
    joined += w.joined;
    for (const auto& p : w.parts.empty() ? std::vector<std::string>{w.joined} : w.parts) {
      if (!parts.empty()) parts.push_back(' ');
      parts += p;
    }
  }
  return {joined, parts};
}

class Builder {
 public:
  std::uint32_t term(const std::string& w) {
    auto [it, added] = ids_.try_emplace(w, static_cast<std::uint32_t>(ids_.size()));
    return it->second;
  }
  // Adds the words of `text` in `field`; returns them for the exact-match keys.
  std::vector<SearchWord> add(TitleTexts& t, std::string_view text, Field field, TitleHot* r) {
    auto words = split_words(text, kMaxTitleWords);
    std::size_t pos = 0;
    auto at = [&](std::size_t p) { return static_cast<std::uint8_t>(std::min<std::size_t>(p, 255)); };
    for (const auto& w : words) {
      if (w.parts.empty()) {
        bool small = is_small_word(w.joined);
        t.words.push_back({term(w.joined), at(pos), 1, field, small, false});
        count(r, field, small);
        ++pos;
        continue;
      }
      t.words.push_back({term(w.joined), at(pos), at(w.parts.size()), field, false, true});
      for (const auto& p : w.parts) {
        bool small = is_small_word(p);
        t.words.push_back({term(p), at(pos), 1, field, small, false});
        count(r, field, small);
        ++pos;
      }
    }
    return words;
  }
  std::unordered_map<std::string, std::uint32_t>& ids() { return ids_; }

 private:
  static void count(TitleHot* r, Field field, bool small) {
    if (field != Field::Title || small || !r) return;
    if (r->significant_words < 255) ++r->significant_words;
  }
  std::unordered_map<std::string, std::uint32_t> ids_;
};

}  // namespace

std::uint64_t exact_key(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h | 1;  // never 0, which marks "no text"
}

std::int64_t TitleTexts::index_of(std::int64_t id) const {
  auto it = std::lower_bound(titles.begin(), titles.end(), id,
                             [](const TitleRecord& r, std::int64_t v) { return r.id < v; });
  return it != titles.end() && it->id == id ? it - titles.begin() : -1;
}

std::pair<std::uint32_t, std::uint32_t> TitleTexts::prefix_range(std::string_view prefix) const {
  auto lo =
      std::lower_bound(vocabulary.begin(), vocabulary.end(), prefix,
                       [](const std::string& a, std::string_view b) { return std::string_view(a) < b; });
  auto hi = std::partition_point(
      lo, vocabulary.end(), [&](const std::string& w) { return std::string_view(w).starts_with(prefix); });
  return {static_cast<std::uint32_t>(lo - vocabulary.begin()),
          static_cast<std::uint32_t>(hi - vocabulary.begin())};
}

std::size_t TitleTexts::memory_bytes() const {
  std::size_t n = titles.capacity() * sizeof(TitleRecord) + hot.capacity() * sizeof(TitleHot) +
                  words.capacity() * sizeof(TitleWord) + genre_ids.capacity() * 2 +
                  posting_begin.capacity() * 4 + postings.capacity() * 4 +
                  vocabulary.capacity() * sizeof(std::string) + typos.memory_bytes();
  for (const auto& r : titles) n += r.title.capacity() + r.render_head.capacity() + r.render_tail.capacity();
  for (const auto& w : vocabulary) n += w.capacity() > 15 ? w.capacity() : 0;
  return n;
}

std::shared_ptr<const TitleTexts> build_title_texts(SQLite::Database& db) {
  auto t0 = std::chrono::steady_clock::now();
  auto out = std::make_shared<TitleTexts>();
  TitleTexts& t = *out;
  Builder b;
  SQLite::Statement q(db, "SELECT id, kind, title, original_title, year, " + stored_image_sql("poster") +
                              ", genres, created_at FROM titles t ORDER BY id");
  while (q.executeStep()) {
    TitleRecord r;
    TitleHot h;
    r.id = q.getColumn(0).getInt64();
    h.show = q.getColumn(1).getString() == "show";
    r.title = q.getColumn(2).getString();
    std::string original = q.getColumn(3).isNull() ? "" : q.getColumn(3).getString();
    h.year = q.getColumn(4).isNull() ? 0 : q.getColumn(4).getInt();
    r.created_at = q.getColumn(7).getInt64();
    json genres = parse_genres(q.getColumn(6).getString());

    h.words_begin = static_cast<std::uint32_t>(t.words.size());
    auto [tj, tp] = texts_of(b.add(t, r.title, Field::Title, &h));
    h.exact[0] = exact_key(tj);
    h.exact[1] = exact_key(tp);
    if (!original.empty()) {
      auto [oj, op] = texts_of(b.add(t, original, Field::Original, nullptr));
      h.exact[2] = exact_key(oj);
      h.exact[3] = exact_key(op);
    }
    if (h.year) t.words.push_back({b.term(std::to_string(h.year)), 0, 1, Field::Year, false, false});
    h.words_end = static_cast<std::uint32_t>(t.words.size());

    h.genres_begin = static_cast<std::uint32_t>(t.genre_ids.size());
    for (const auto& g : genres) {
      auto [it, added] =
          t.genres.try_emplace(g.get<std::string>(), static_cast<std::uint16_t>(t.genres.size()));
      t.genre_ids.push_back(it->second);
    }
    h.genres_end = static_cast<std::uint32_t>(t.genre_ids.size());

    // The summary exactly as catalog_reader renders it (keys in nlohmann's sorted order),
    // cut around "qualities", which changes with uploads and is filled in per answer.
    json head = {{"genres", genres},
                 {"id", r.id},
                 {"kind", h.show ? "show" : "movie"},
                 {"original_title", q.getColumn(3).isNull() ? json(nullptr) : json(original)},
                 {"poster_url", stored_image_url(q.getColumn(5), catalog::ImageSize::Card)}};
    r.render_head = dump(head);
    r.render_head.pop_back();
    r.render_head += ",\"qualities\":";
    json tail = {{"title", r.title}, {"year", h.year ? json(h.year) : json(nullptr)}};
    r.render_tail = dump(tail);
    r.render_tail[0] = ',';
    t.titles.push_back(std::move(r));
    t.hot.push_back(h);
  }

  // Vocabulary in sorted order (a prefix becomes a range of ids), words renumbered to it.
  auto& ids = b.ids();
  t.vocabulary.resize(ids.size());
  for (auto& [w, id] : ids) t.vocabulary[id] = w;
  std::vector<std::uint32_t> order(ids.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](auto a, auto c) { return t.vocabulary[a] < t.vocabulary[c]; });
  std::vector<std::uint32_t> renumber(order.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) renumber[order[i]] = i;
  std::vector<std::string> sorted(order.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) sorted[i] = std::move(t.vocabulary[order[i]]);
  t.vocabulary = std::move(sorted);
  ids.clear();
  for (auto& w : t.words) w.term = renumber[w.term];

  // Postings: each term's titles, ascending, once each.
  t.posting_begin.assign(t.vocabulary.size() + 1, 0);
  std::vector<std::uint32_t> terms;
  auto each_title_term = [&](auto&& f) {
    for (std::uint32_t i = 0; i < t.titles.size(); ++i) {
      terms.clear();
      for (auto k = t.hot[i].words_begin; k < t.hot[i].words_end; ++k) terms.push_back(t.words[k].term);
      std::sort(terms.begin(), terms.end());
      terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
      for (auto term : terms) f(term, i);
    }
  };
  each_title_term([&](std::uint32_t term, std::uint32_t) { ++t.posting_begin[term + 1]; });
  for (std::size_t i = 1; i < t.posting_begin.size(); ++i) t.posting_begin[i] += t.posting_begin[i - 1];
  t.postings.resize(t.posting_begin.back());
  std::vector<std::uint32_t> fill(t.posting_begin.begin(), t.posting_begin.end() - 1);
  each_title_term([&](std::uint32_t term, std::uint32_t i) { t.postings[fill[term]++] = i; });

  // Ties in relevance go to the newest title; a precomputed rank keeps sorting to integer compares.
  std::vector<std::uint32_t> by_age(t.titles.size());
  for (std::uint32_t i = 0; i < by_age.size(); ++i) by_age[i] = i;
  std::sort(by_age.begin(), by_age.end(), [&](auto a, auto c) {
    const auto &x = t.titles[a], &y = t.titles[c];
    return x.created_at != y.created_at ? x.created_at > y.created_at : x.id > y.id;
  });
  for (std::uint32_t r = 0; r < by_age.size(); ++r) t.hot[by_age[r]].newest_rank = r;

  t.typos = TypoDictionary(t.vocabulary);
  t.build_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

std::vector<std::uint8_t> load_availability(SQLite::Database& db, const TitleTexts& texts) {
  std::vector<std::uint8_t> mask(texts.titles.size(), 0);
  SQLite::Statement q(db, "SELECT v.title_id, v.quality FROM available_variants v");
  while (q.executeStep()) {
    auto i = texts.index_of(q.getColumn(0).getInt64());
    int rank = quality_rank(q.getColumn(1).getString());
    if (i >= 0 && rank < 7) mask[static_cast<std::size_t>(i)] |= static_cast<std::uint8_t>(1u << rank);
  }
  return mask;
}

std::optional<CatalogVersion> read_catalog_version(SQLite::Database& db) {
  if (!db.tableExists("catalog_version")) return std::nullopt;
  SQLite::Statement q(db, "SELECT titles, availability FROM catalog_version WHERE id = 1");
  if (!q.executeStep()) return std::nullopt;
  return CatalogVersion{q.getColumn(0).getInt64(), q.getColumn(1).getInt64()};
}

const std::string& render_qualities(std::uint8_t mask) {
  static const std::array<std::string, 128> rendered = [] {
    std::array<std::string, 128> r;
    for (unsigned m = 0; m < 128; ++m) {
      json a = json::array();
      for (unsigned b = 0; b < 7; ++b)
        if (m & (1u << b)) a.push_back(kQualityLabels[b]);
      r[m] = a.dump();
    }
    return r;
  }();
  return rendered[mask & 0x7F];
}

}  // namespace cmup::web
