#include "web/title_query.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <set>

#include "catalog/quality.hpp"
#include "util/safe_text.hpp"

namespace cmup::web {

namespace {

const std::set<std::string> kKnownParams = {"q",       "kind", "year_from", "year_to", "genre",
                                            "quality", "sort", "limit",     "cursor",  "available"};

// Text a person could type: well-formed UTF-8 (what the cursor's JSON needs) without
// control characters.
bool printable_utf8(std::string_view s) {
  if (!is_valid_utf8(s)) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

std::string trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::optional<std::int64_t> parse_int(std::string_view s, std::int64_t lo, std::int64_t hi) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  if (s[0] == '+' || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  return v;
}

constexpr const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  while (i + 2 < in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out.push_back(kB64[(v >> k) & 63]);
    i += 3;
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    if (i + 1 < in.size()) out.push_back(kB64[(v >> 6) & 63]);
  }
  return out;
}

std::optional<std::string> unbase64url(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = c ? std::strchr(kB64, c) : nullptr;
    if (!p) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

// Binds a cursor to the query it paginates, so a cursor reused with other filters is refused
// instead of silently skipping titles.
std::string fingerprint(const TitleQuery& q) {
  const auto& f = q.filter;
  std::string s = q.q + '\x1f' + f.kind.value_or("") + '\x1f' + std::to_string(f.year_from.value_or(0)) + '\x1f' +
                  std::to_string(f.year_to.value_or(0)) + '\x1f' + f.genre.value_or("") + '\x1f' +
                  f.quality.value_or("") + '\x1f' + std::string(sort_name(q.sort)) + '\x1f' +
                  (f.available_only ? "1" : "0");
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a: a check, not a secret
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::string_view sort_name(TitleSort s) {
  switch (s) {
    case TitleSort::Relevance: return "relevance";
    case TitleSort::Newest: return "newest";
    case TitleSort::Year: return "year";
    case TitleSort::Title: return "title";
  }
  return "newest";
}

std::optional<std::int64_t> parse_id(std::string_view s) { return parse_int(s, 1, (1LL << 53)); }

std::string encode_cursor(const TitleQuery& q, const TitleCursor& c) {
  nlohmann::json j = {{"v", 1}, {"h", fingerprint(q)}, {"o", c.offset}, {"i", c.last_id}};
  if (const auto* n = std::get_if<std::int64_t>(&c.key)) j["k"] = *n;
  if (const auto* s = std::get_if<std::string>(&c.key)) j["k"] = *s;
  return base64url(j.dump());
}

std::optional<TitleCursor> decode_cursor(const TitleQuery& q, const std::string& text) {
  if (text.empty() || text.size() > kMaxCursorBytes) return std::nullopt;
  auto raw = unbase64url(text);
  if (!raw) return std::nullopt;
  auto j = nlohmann::json::parse(*raw, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto v = j.find("v"), h = j.find("h"), o = j.find("o"), i = j.find("i");
  if (v == j.end() || h == j.end() || o == j.end() || i == j.end()) return std::nullopt;
  if (!v->is_number_integer() || *v != 1 || !h->is_string() || *h != fingerprint(q)) return std::nullopt;
  if (!o->is_number_integer() || !i->is_number_integer()) return std::nullopt;
  TitleCursor c;
  c.offset = o->get<std::int64_t>();
  c.last_id = i->get<std::int64_t>();
  if (c.offset < 0 || c.offset > 1000000 || c.last_id < 0) return std::nullopt;
  if (auto k = j.find("k"); k != j.end()) {
    if (k->is_number_integer())
      c.key = k->get<std::int64_t>();
    else if (k->is_string() && k->get<std::string>().size() <= 1000)
      c.key = k->get<std::string>();
    else
      return std::nullopt;
  }
  return c;
}

std::variant<TitleQuery, ParamError> parse_title_query(const ParamMap& params) {
  for (const auto& [k, v] : params) {
    if (!kKnownParams.count(k)) return ParamError{k, "unknown parameter '" + k.substr(0, 64) + "'"};
    if (params.count(k) > 1) return ParamError{k, "parameter '" + k + "' given more than once"};
  }
  auto get = [&](const char* k) -> std::optional<std::string> {
    auto it = params.find(k);
    if (it == params.end()) return std::nullopt;
    return it->second;
  };
  TitleQuery out;
  if (auto q = get("q")) {
    if (q->size() > kMaxQueryBytes) return ParamError{"q", "q is longer than 200 bytes"};
    if (!printable_utf8(*q)) return ParamError{"q", "q must be UTF-8 text without control characters"};
    out.q = trim(*q);
  }
  if (auto k = get("kind")) {
    if (*k != "movie" && *k != "show") return ParamError{"kind", "kind must be 'movie' or 'show'"};
    out.filter.kind = *k;
  }
  const std::string year_range = "must be a year from 1870 to 2200";
  if (auto y = get("year_from")) {
    auto v = parse_int(*y, kMinYear, kMaxYear);
    if (!v) return ParamError{"year_from", "year_from " + year_range};
    out.filter.year_from = static_cast<int>(*v);
  }
  if (auto y = get("year_to")) {
    auto v = parse_int(*y, kMinYear, kMaxYear);
    if (!v) return ParamError{"year_to", "year_to " + year_range};
    out.filter.year_to = static_cast<int>(*v);
  }
  if (out.filter.year_from && out.filter.year_to && *out.filter.year_from > *out.filter.year_to)
    return ParamError{"year_from", "year_from is after year_to"};
  if (auto g = get("genre")) {
    if (g->empty() || g->size() > 64 || !printable_utf8(*g))
      return ParamError{"genre", "genre must be 1 to 64 bytes of text"};
    out.filter.genre = *g;
  }
  if (auto ql = get("quality")) {
    std::string upper;
    for (char c : ql->substr(0, 16)) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    auto parsed = ql->size() <= 16 ? quality_from_label(upper) : std::nullopt;
    if (!parsed) return ParamError{"quality", "quality must be one of 2160P, 1440P, 1080P, 720P, 576P, 480P, UNKNOWN"};
    out.filter.quality = std::string(quality_label(*parsed));
  }
  if (auto a = get("available")) {
    if (*a != "true" && *a != "false") return ParamError{"available", "available must be 'true' or 'false'"};
    out.filter.available_only = *a == "true";
  }
  out.sort = out.q.empty() ? TitleSort::Newest : TitleSort::Relevance;
  if (auto s = get("sort")) {
    if (*s == "relevance")
      out.sort = out.q.empty() ? TitleSort::Newest : TitleSort::Relevance;  // nothing to rank by: newest
    else if (*s == "newest")
      out.sort = TitleSort::Newest;
    else if (*s == "year")
      out.sort = TitleSort::Year;
    else if (*s == "title")
      out.sort = TitleSort::Title;
    else
      return ParamError{"sort", "sort must be one of relevance, newest, year, title"};
  }
  if (auto l = get("limit")) {
    auto v = parse_int(*l, 1, kMaxPageSize);
    if (!v) return ParamError{"limit", "limit must be an integer from 1 to 100"};
    out.limit = static_cast<int>(*v);
  }
  if (auto c = get("cursor")) {
    auto cur = decode_cursor(out, *c);
    if (!cur) return ParamError{"cursor", "cursor is not valid for this query (start again without it)"};
    out.cursor = *cur;
  }
  return out;
}

}  // namespace cmup::web
