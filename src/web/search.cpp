#include "web/search.hpp"

#include <algorithm>
#include <array>
#include <bit>

#include "web/catalog_reader.hpp"
#include "web/text_fold.hpp"

namespace cmup::web {

namespace {

// A query spelled "a.b.c.d..." becomes one word per piece; more than this many are ignored.
constexpr std::size_t kMaxTerms = 32;

// A query word as the index sees it: the vocabulary range it begins, and its typo neighbours.
struct QueryTerm {
  std::string text;
  std::uint32_t lo = 0, hi = 0;  // vocabulary ids the word equals or begins
  std::int64_t exact = -1;       // the vocabulary id equal to the word, if any
  std::vector<TypoMatch> typos;  // sorted by term (stage 2 only)
  bool optional = false;
};

struct Prepared {
  std::vector<QueryTerm> terms;
  std::uint64_t joined_key = 0, parts_key = 0;
};

Prepared prepare(const TitleTexts& t, std::string_view query) {
  Prepared p;
  NormalizedQuery nq = normalize_query(query);
  if (nq.words.empty()) return p;
  p.joined_key = exact_key(nq.joined_text);
  p.parts_key = exact_key(nq.parts_text);
  auto add = [&](const std::string& w) {
    if (p.terms.size() >= kMaxTerms) return;
    QueryTerm q;
    q.text = w;
    std::tie(q.lo, q.hi) = t.prefix_range(w);
    if (q.lo < q.hi && t.vocabulary[q.lo] == w) q.exact = q.lo;
    p.terms.push_back(std::move(q));
  };
  for (const auto& w : nq.words) {
    auto [lo, hi] = t.prefix_range(w.joined);
    // "spider-man" searched where titles say "Spider Man": the pieces, when the joined word
    // is nowhere in the vocabulary.
    if (lo == hi && !w.parts.empty())
      for (const auto& part : w.parts) add(part);
    else
      add(w.joined);
  }
  bool any_significant =
      std::any_of(p.terms.begin(), p.terms.end(), [](const QueryTerm& q) { return !is_small_word(q.text); });
  for (auto& q : p.terms) q.optional = any_significant && is_small_word(q.text);
  return p;
}

bool all_digits(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Words that may be typos: required, not in the vocabulary, long enough to tolerate one.
bool add_typos(const TitleTexts& t, Prepared& p) {
  bool any = false;
  for (auto& q : p.terms) {
    if (q.optional || q.exact >= 0 || all_digits(q.text) || max_typos(code_points(q.text)) == 0) continue;
    q.typos = t.typos.lookup(q.text);
    std::sort(q.typos.begin(), q.typos.end(),
              [](const TypoMatch& a, const TypoMatch& b) { return a.term < b.term; });
    any = any || !q.typos.empty();
  }
  return any;
}

struct Filter {
  const TitleFilter& f;
  const SearchIndex& index;
  int genre = -1;  // -2: a genre no title has
  int quality_bit = -1;

  Filter(const TitleFilter& filter, const SearchIndex& idx) : f(filter), index(idx) {
    if (f.genre) {
      auto it = idx.texts->genres.find(*f.genre);
      genre = it == idx.texts->genres.end() ? -2 : it->second;
    }
    if (f.quality) quality_bit = quality_rank(*f.quality);
  }
  bool nothing() const { return genre == -2; }
  bool operator()(std::uint32_t i) const {
    const TitleHot& r = index.texts->hot[i];
    if (f.kind && r.show != (*f.kind == "show")) return false;
    if (f.year_from && (r.year == 0 || r.year < *f.year_from)) return false;
    if (f.year_to && (r.year == 0 || r.year > *f.year_to)) return false;
    if (genre >= 0) {
      const auto& g = index.texts->genre_ids;
      if (std::find(g.begin() + r.genres_begin, g.begin() + r.genres_end, genre) == g.begin() + r.genres_end)
        return false;
    }
    std::uint8_t q = i < index.qualities.size() ? index.qualities[i] : 0;
    if (quality_bit >= 0) return quality_bit < 7 && (q & (1u << quality_bit));
    return !f.available_only || q != 0;
  }
};

struct Scored {
  std::uint64_t key = 0;  // lower is better (see the contract in search.hpp)
  std::uint32_t index = 0;
  bool typo = false;
};

std::uint64_t bits_between(int lo, int hi) {  // positions lo < p < hi, within 0..63
  if (hi - lo <= 1 || lo >= 62) return 0;
  std::uint64_t below_hi = hi >= 64 ? ~0ULL : ((1ULL << hi) - 1);
  std::uint64_t upto_lo = lo < 0 ? 0 : ((2ULL << lo) - 1);
  return below_hi & ~upto_lo;
}

// Scores title i against every query word; false when a required word is not in the title.
bool score(const TitleTexts& t, const Prepared& p, std::uint32_t i, Scored& out) {
  constexpr int kNone = 1 << 20;
  const TitleHot& r = t.hot[i];
  struct Best {  // no member initializers: the array below is not cleared, only its first n
    int cost;
    int pos;
    int span;
    int typos;
    bool prefix;
    Field field;
  };
  std::size_t n = std::min(p.terms.size(), kMaxTerms);
  std::array<Best, kMaxTerms> best;
  for (std::size_t q = 0; q < n; ++q) best[q] = Best{kNone, 0, 1, 0, false, Field::Title};
  std::uint64_t significant = 0;
  for (auto k = r.words_begin; k < r.words_end; ++k) {
    const TitleWord& w = t.words[k];
    if (w.field == Field::Title && !w.joined && !w.small && w.pos < 64) significant |= 1ULL << w.pos;
    for (std::size_t q = 0; q < n; ++q) {
      const QueryTerm& qt = p.terms[q];
      int d = 0;
      bool prefix = false;
      if (w.term >= qt.lo && w.term < qt.hi) {
        prefix = static_cast<std::int64_t>(w.term) != qt.exact;
      } else if (!qt.typos.empty()) {
        auto it = std::lower_bound(qt.typos.begin(), qt.typos.end(), w.term,
                                   [](const TypoMatch& m, std::uint32_t v) { return m.term < v; });
        if (it == qt.typos.end() || it->term != w.term) continue;
        d = it->distance;
      } else {
        continue;
      }
      int cost = d * 8 + (prefix ? 4 : 0) + (w.field != Field::Title ? 2 : 0);
      Best& b = best[q];
      if (cost < b.cost || (cost == b.cost && w.field == Field::Title && w.pos < b.pos)) {
        b.cost = cost;
        b.pos = w.pos;
        b.span = w.span;
        b.typos = d;
        b.prefix = prefix;
        b.field = w.field;
      }
    }
  }
  int missing = 0, typos = 0, prefixes = 0, outside = 0, proximity = 0;
  std::uint64_t matched = 0;
  int prev = -1;
  for (std::size_t q = 0; q < n; ++q) {
    const Best& b = best[q];
    if (b.cost == kNone) {
      if (!p.terms[q].optional) return false;
      ++missing;
      continue;
    }
    typos += b.typos;
    prefixes += b.prefix ? 1 : 0;
    if (b.field != Field::Title) {
      ++outside;
      continue;
    }
    if (b.pos < 64) matched |= (b.span >= 64 ? ~0ULL : ((1ULL << b.span) - 1)) << b.pos;
    if (prev < 0)
      proximity += std::popcount(significant & bits_between(-1, b.pos));  // words before the first match
    else if (b.pos > prev)
      proximity += std::popcount(significant & bits_between(prev, b.pos));
    else
      proximity += 3;  // out of order
    prev = b.pos;
  }
  bool exact = false;
  for (auto key : r.exact)
    if (key && (key == p.joined_key || key == p.parts_key)) exact = true;
  int unmatched = std::popcount(significant & ~matched) + std::max(0, int(r.significant_words) - 64);
  auto clamp = [](int v, int max) { return static_cast<std::uint64_t>(std::min(v, max)); };
  out.key = (exact ? 0ULL : 1ULL) << 60 | clamp(missing, 15) << 56 | clamp(typos, 15) << 52 |
            clamp(prefixes, 15) << 48 | clamp(outside, 15) << 44 | clamp(proximity, 255) << 36 |
            clamp(unmatched, 255) << 28 | (r.newest_rank & 0x0FFFFFFFu);
  out.index = i;
  out.typo = typos > 0;
  return true;
}

std::vector<Scored> match(const SearchIndex& index, const Prepared& p, const Filter& pass) {
  const TitleTexts& t = *index.texts;
  // Candidates come from the required word with the fewest postings.
  auto cost = [&](const QueryTerm& q) {
    std::size_t c = t.posting_begin[q.hi] - t.posting_begin[q.lo];
    for (const auto& m : q.typos) c += t.posting_begin[m.term + 1] - t.posting_begin[m.term];
    return c;
  };
  const QueryTerm* driver = nullptr;
  for (const auto& q : p.terms)
    if (!q.optional && (!driver || cost(q) < cost(*driver))) driver = &q;
  std::vector<Scored> out;
  if (!driver) return out;

  thread_local std::vector<std::uint64_t> seen;
  if (seen.size() < t.titles.size() / 64 + 1) seen.assign(t.titles.size() / 64 + 1, 0);
  std::vector<std::uint32_t> candidates;
  std::size_t words = t.titles.size() / 64 + 1;
  // Sets (set = true) or clears the bits of every title word q matches.
  auto mark = [&](const QueryTerm& q, bool set) {
    auto each = [&](std::uint32_t term) {
      for (auto k = t.posting_begin[term]; k < t.posting_begin[term + 1]; ++k) {
        std::uint32_t i = t.postings[k];
        if (set)
          seen[i >> 6] |= 1ULL << (i & 63);
        else
          seen[i >> 6] = 0;
      }
    };
    for (auto term = q.lo; term < q.hi; ++term) each(term);
    for (const auto& m : q.typos) each(m.term);
  };
  mark(*driver, true);
  // Walk the marked titles in index order (and clear the marks): the per-title data is then
  // read front to back, which the memory prefetcher follows, instead of in posting order.
  candidates.clear();
  for (std::size_t wi = 0; wi < words; ++wi) {
    for (std::uint64_t bits = seen[wi]; bits; bits &= bits - 1)
      candidates.push_back(
          static_cast<std::uint32_t>(wi * 64 + static_cast<std::size_t>(std::countr_zero(bits))));
    seen[wi] = 0;
  }

  // Every other required word must be in the title too: narrowing by its postings (sequential
  // reads) is cheaper than scoring candidates that lack it (a cache miss each), e.g. for two
  // common words.
  for (const auto& q : p.terms) {
    if (&q == driver || q.optional || candidates.empty() || cost(q) > 8 * candidates.size()) continue;
    mark(q, true);
    std::size_t kept = 0;
    for (auto i : candidates)
      if (seen[i >> 6] & (1ULL << (i & 63))) candidates[kept++] = i;
    candidates.resize(kept);
    mark(q, false);
  }

  Scored s;
  for (auto i : candidates)
    if (pass(i) && score(t, p, i, s)) out.push_back(s);
  return out;
}

}  // namespace

std::vector<SearchHit> search_titles(const SearchIndex& index, std::string_view query,
                                     const TitleFilter& filter, TitleSort sort) {
  std::vector<SearchHit> hits;
  if (!index.texts || index.texts->titles.empty()) return hits;
  const TitleTexts& t = *index.texts;
  Filter pass(filter, index);
  if (pass.nothing()) return hits;
  Prepared p = prepare(t, query);
  if (p.terms.empty()) return hits;
  auto found = match(index, p, pass);
  if (found.size() < kTypoThreshold && add_typos(t, p)) found = match(index, p, pass);

  const auto& titles = t.titles;
  auto newest = [&](const Scored& a, const Scored& b) {
    return t.hot[a.index].newest_rank < t.hot[b.index].newest_rank;
  };
  auto nocase_less = [](const std::string& a, const std::string& b) {  // SQLite's NOCASE: ASCII only
    std::size_t n = std::min(a.size(), b.size());
    for (std::size_t k = 0; k < n; ++k) {
      auto ca = static_cast<unsigned char>(a[k]), cb = static_cast<unsigned char>(b[k]);
      if (ca >= 'A' && ca <= 'Z') ca = static_cast<unsigned char>(ca + 32);
      if (cb >= 'A' && cb <= 'Z') cb = static_cast<unsigned char>(cb + 32);
      if (ca != cb) return ca < cb;
    }
    return a.size() < b.size();
  };
  auto order = [&](const Scored& a, const Scored& b) {
    const auto &x = titles[a.index], &y = titles[b.index];
    switch (sort) {
      case TitleSort::Relevance:
        return a.key < b.key;  // the newest rank is its last part
      case TitleSort::Year:
        if (t.hot[a.index].year != t.hot[b.index].year) return t.hot[a.index].year > t.hot[b.index].year;
        return x.id > y.id;
      case TitleSort::Title:
        if (nocase_less(x.title, y.title)) return true;
        if (nocase_less(y.title, x.title)) return false;
        return x.id < y.id;
      case TitleSort::Newest:
        return newest(a, b);
    }
    return newest(a, b);
  };
  // Select the best kMaxSearchResults in linear time, then sort only those.
  std::size_t keep = std::min(found.size(), kMaxSearchResults);
  auto cut = found.begin() + static_cast<std::ptrdiff_t>(keep);
  if (keep < found.size()) std::nth_element(found.begin(), cut, found.end(), order);
  std::sort(found.begin(), cut, order);
  hits.reserve(keep);
  for (std::size_t k = 0; k < keep; ++k) hits.push_back({found[k].index, found[k].typo});
  return hits;
}

}  // namespace cmup::web
