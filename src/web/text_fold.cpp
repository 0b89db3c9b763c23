#include "web/text_fold.hpp"

#include <algorithm>

namespace cmup::web {

namespace {

struct Fold {
  char32_t cp;
  const char* to;
};
constexpr Fold kFolds[] = {
#include "web/text_fold_table.inc"
};

// Decodes the code point at s[i] and advances i past it; on an invalid sequence (overlong,
// surrogate, truncated, above U+10FFFF) skips one byte and returns false.
bool next_code_point(std::string_view s, std::size_t& i, char32_t& cp) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    cp = c;
    ++i;
    return true;
  }
  int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
  if (n < 0 || i + static_cast<std::size_t>(n) >= s.size()) {
    ++i;
    return false;
  }
  char32_t v = c & (0x3F >> n);
  for (int k = 1; k <= n; ++k) {
    auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return false;
    }
    v = (v << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (v < kMin[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
    ++i;
    return false;
  }
  cp = v;
  i += static_cast<std::size_t>(n) + 1;
  return true;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Marks that only decorate the letter before them (NFD accents), and invisible characters.
bool dropped(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
         (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
         (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF || cp == 0x00AD;
}

enum class Class { Letter, Space, Punct };

Class classify(char32_t cp) {
  if (cp < 0x80) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z'))
      return Class::Letter;
    if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D)) return Class::Space;
    return Class::Punct;
  }
  if (cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
      cp == 0x202F || cp == 0x205F || cp == 0x3000)
    return Class::Space;
  if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7 || (cp >= 0x02B0 && cp <= 0x02FF) ||
      (cp >= 0x2010 && cp <= 0x205E) || (cp >= 0x20A0 && cp <= 0x20CF) || (cp >= 0x2190 && cp <= 0x2BFF) ||
      (cp >= 0x2E00 && cp <= 0x2E7F) || (cp >= 0x3001 && cp <= 0x303F) || (cp >= 0xFE10 && cp <= 0xFE1F) ||
      (cp >= 0xFE30 && cp <= 0xFE6F) || (cp >= 0xFF5F && cp <= 0xFF65) || (cp >= 0x1F000 && cp <= 0x1FAFF) ||
      cp == 0xFFFD)
    return Class::Punct;
  return Class::Letter;
}

// Cuts to at most `max` bytes without splitting a code point.
void cut(std::string& s, std::size_t max) {
  if (s.size() <= max) return;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
}

// Sorted: the words a title's searcher may leave out (English, French, German, Spanish,
// Italian, Portuguese articles and short prepositions, and the pieces of "'s", "l'", "d'").
constexpr std::string_view kSmallWords[] = {
    "a",     "al",  "an",  "and", "as",  "at",  "by",  "d",   "da",  "das", "de",  "dei",  "del",
    "della", "dem", "den", "der", "des", "di",  "die", "do",  "du",  "e",   "el",  "et",   "for",
    "from",  "gli", "i",   "il",  "in",  "l",   "la",  "las", "le",  "les", "lo",  "los",  "o",
    "of",    "on",  "os",  "s",   "t",   "the", "to",  "un",  "una", "und", "une", "with", "y"};
static_assert(std::is_sorted(std::begin(kSmallWords), std::end(kSmallWords)),
              "binary search needs sorted words");

}  // namespace

namespace {

void fold_into(std::string& out, std::string_view text, int depth) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {  // the common case, without a table lookup
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
      ++i;
      continue;
    }
    char32_t cp = 0;
    if (!next_code_point(text, i, cp) || dropped(cp)) continue;
    auto it = std::lower_bound(std::begin(kFolds), std::end(kFolds), cp,
                               [](const Fold& f, char32_t v) { return f.cp < v; });
    if (it == std::end(kFolds) || it->cp != cp) {
      append_utf8(out, cp);
      continue;
    }
    // A replacement may hold a letter the table folds further (U+01FE -> U+00F8 -> "o"):
    // fold it again, so that folding is a normal form (fold_text(fold_text(x)) ==
    // fold_text(x)) and both spellings find the same titles.
    std::string_view to = it->to;
    bool plain = std::none_of(to.begin(), to.end(), [](char ch) {
      auto u = static_cast<unsigned char>(ch);
      return u >= 0x80 || (u >= 'A' && u <= 'Z');
    });
    if (plain || depth >= 4)
      out += to;
    else
      fold_into(out, to, depth + 1);
  }
}

}  // namespace

std::string fold_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  fold_into(out, text, 0);
  return out;
}

std::vector<SearchWord> split_words(std::string_view text, std::size_t max_words) {
  std::string folded = fold_text(text);
  std::vector<SearchWord> words;
  std::vector<std::string> pieces;
  std::string cur;
  bool gap = false;  // punctuation seen after the current piece
  auto flush = [&] {
    if (!cur.empty()) pieces.push_back(std::move(cur));
    cur.clear();
    gap = false;
    if (pieces.empty() || words.size() >= max_words) {
      pieces.clear();
      return;
    }
    SearchWord w;
    for (const auto& p : pieces) w.joined += p;
    cut(w.joined, kMaxWordBytes);
    if (pieces.size() > 1) {
      for (auto& p : pieces) cut(p, kMaxWordBytes);
      w.parts = std::move(pieces);
    }
    pieces.clear();
    words.push_back(std::move(w));
  };
  std::size_t i = 0;
  while (i < folded.size()) {
    std::size_t start = i;
    char32_t cp = 0;
    if (!next_code_point(folded, i, cp)) continue;  // fold_text leaves none; stay total anyway
    switch (classify(cp)) {
      case Class::Letter:
        if (gap && !cur.empty()) {
          pieces.push_back(std::move(cur));
          cur.clear();
        }
        gap = false;
        cur.append(folded, start, i - start);
        break;
      case Class::Punct:
        if (!cur.empty()) gap = true;
        break;
      case Class::Space:
        flush();
        break;
    }
  }
  flush();
  return words;
}

bool is_small_word(std::string_view w) {
  return std::binary_search(std::begin(kSmallWords), std::end(kSmallWords), w);
}

NormalizedQuery normalize_query(std::string_view query) {
  NormalizedQuery q;
  q.words = split_words(query, kMaxQueryWords);
  for (const auto& w : q.words) {
    if (!q.joined_text.empty()) q.joined_text.push_back(' ');
    q.joined_text += w.joined;
    if (w.parts.empty()) {
      if (!q.parts_text.empty()) q.parts_text.push_back(' ');
      q.parts_text += w.joined;
    }
    for (const auto& p : w.parts) {
      if (!q.parts_text.empty()) q.parts_text.push_back(' ');
      q.parts_text += p;
    }
  }
  return q;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  std::size_t i = 0;
  char32_t cp = 0;
  while (i < s.size())
    if (next_code_point(s, i, cp)) ++n;
  return n;
}

std::u32string to_code_points(std::string_view s) {
  std::u32string out;
  std::size_t i = 0;
  char32_t cp = 0;
  while (i < s.size())
    if (next_code_point(s, i, cp)) out.push_back(cp);
  return out;
}

}  // namespace cmup::web
