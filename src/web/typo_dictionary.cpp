#include "web/typo_dictionary.hpp"

#include <algorithm>

#include "web/text_fold.hpp"

namespace cmup::web {

namespace {

std::uint32_t hash32(std::u32string_view s) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a over code points
  for (char32_t c : s) {
    h ^= static_cast<std::uint64_t>(c);
    h *= 1099511628211ULL;
  }
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}

bool all_digits(std::u32string_view s) {
  return std::all_of(s.begin(), s.end(), [](char32_t c) { return c >= '0' && c <= '9'; });
}

// Hashes of every string `word` becomes after deleting 0..depth characters (deduplicated).
void deletions(std::u32string& word, int depth, std::vector<std::uint32_t>& out) {
  out.push_back(hash32(word));
  if (depth == 0 || word.size() <= 1) return;
  for (std::size_t i = 0; i < word.size(); ++i) {
    // Deleting one of a run of equal characters gives the same string: do it once.
    if (i > 0 && word[i] == word[i - 1]) continue;
    char32_t c = word[i];
    word.erase(i, 1);
    deletions(word, depth - 1, out);
    word.insert(word.begin() + static_cast<std::ptrdiff_t>(i), c);
  }
}

}  // namespace

int max_typos(std::size_t n) {
  if (n < 4) return 0;
  if (n < 8) return 1;
  return 2;
}

int typo_distance(std::u32string_view a, std::u32string_view b, int limit) {
  if (a.size() > b.size()) std::swap(a, b);
  if (static_cast<int>(b.size() - a.size()) > limit) return limit + 1;
  const std::size_t n = a.size(), m = b.size();
  // Three rows (two back, for the swap of neighbours).
  std::vector<int> pp(m + 1), p(m + 1), c(m + 1);
  for (std::size_t j = 0; j <= m; ++j) p[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    c[0] = static_cast<int>(i);
    int row_min = c[0];
    for (std::size_t j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({p[j] + 1, c[j - 1] + 1, p[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, pp[j - 2] + 1);
      c[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > limit) return limit + 1;
    std::swap(pp, p);
    std::swap(p, c);
  }
  return std::min(p[m], limit + 1);
}

TypoDictionary::TypoDictionary(const std::vector<std::string>& vocabulary) : vocabulary_(&vocabulary) {
  std::vector<std::uint32_t> hashes;
  for (std::size_t t = 0; t < vocabulary.size(); ++t) {
    std::u32string w = to_code_points(vocabulary[t]);
    int depth = max_typos(w.size());
    if (depth == 0 || all_digits(w)) continue;
    hashes.clear();
    deletions(w, depth, hashes);
    std::sort(hashes.begin(), hashes.end());
    hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
    for (auto h : hashes) keys_.push_back((static_cast<std::uint64_t>(h) << 32) | t);
  }
  std::sort(keys_.begin(), keys_.end());
  keys_.shrink_to_fit();
  buckets_.assign((1u << 16) + 1, 0);
  std::size_t k = 0;
  for (std::uint32_t b = 0; b <= (1u << 16); ++b) {
    while (k < keys_.size() && (keys_[k] >> 48) < b) ++k;
    buckets_[b] = static_cast<std::uint32_t>(k);
  }
}

std::vector<TypoMatch> TypoDictionary::lookup(std::string_view word) const {
  std::vector<TypoMatch> out;
  if (!vocabulary_ || keys_.empty()) return out;
  std::u32string w = to_code_points(word);
  int limit = max_typos(w.size());
  if (limit == 0 || all_digits(w)) return out;
  std::vector<std::uint32_t> hashes;
  deletions(w, limit, hashes);
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  std::vector<std::uint32_t> terms;
  for (auto h : hashes) {
    std::uint32_t top = h >> 16;
    auto first = keys_.begin() + buckets_[top];
    auto last = keys_.begin() + buckets_[top + 1];
    std::uint64_t lo = static_cast<std::uint64_t>(h) << 32;
    for (auto it = std::lower_bound(first, last, lo); it != last && (*it >> 32) == h; ++it)
      terms.push_back(static_cast<std::uint32_t>(*it & 0xFFFFFFFFu));
  }
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  for (auto t : terms) {
    std::u32string cand = to_code_points((*vocabulary_)[t]);
    // A long query word may not reach a short vocabulary word's distance, and the reverse.
    int allowed = std::min(limit, std::max(1, max_typos(cand.size())));
    int d = typo_distance(w, cand, allowed);
    if (d >= 1 && d <= allowed) out.push_back({t, d});
  }
  std::sort(out.begin(), out.end(), [](const TypoMatch& a, const TypoMatch& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.term < b.term;
  });
  return out;
}

std::size_t TypoDictionary::memory_bytes() const {
  return keys_.capacity() * sizeof(std::uint64_t) + buckets_.capacity() * sizeof(std::uint32_t);
}

}  // namespace cmup::web
