#include "catalog/normalize.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>

#include "util/safe_text.hpp"

namespace cmup {

namespace {

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 0x80;
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

size_t utf8_len(std::string_view s, size_t i) { return utf8_sequence_length(s, i); }

// Reads up to max_digits digits at s[i]; the value, and i moved past them. nullopt when
// there is no digit or there are more than max_digits.
std::optional<int> read_number(std::string_view s, size_t& i, size_t max_digits) {
  size_t b = i;
  int v = 0;
  while (i < s.size() && is_digit(s[i])) {
    if (i - b >= max_digits) return std::nullopt;
    v = v * 10 + (s[i] - '0');
    ++i;
  }
  if (i == b) return std::nullopt;
  return v;
}

void skip_separators(std::string_view s, size_t& i, size_t max) {
  size_t b = i;
  while (i < s.size() && i - b < max && !is_alnum(s[i])) ++i;
}

bool word_start(std::string_view s, size_t i) { return i == 0 || !is_alnum(s[i - 1]); }

std::optional<SeasonEpisode> form_sxxexx(std::string_view s, size_t i) {
  if (s[i] != 's' || !word_start(s, i)) return std::nullopt;
  ++i;
  auto season = read_number(s, i, 4);
  if (!season) return std::nullopt;
  skip_separators(s, i, 3);
  if (i >= s.size() || s[i] != 'e') return std::nullopt;
  ++i;
  auto episode = read_number(s, i, 5);
  if (!episode) return std::nullopt;
  return SeasonEpisode{*season, *episode};
}

std::optional<SeasonEpisode> form_nxnn(std::string_view s, size_t i) {
  // Season of at most 2 digits and episode of at most 3, so "1920x1080" is not an episode.
  if (!is_digit(s[i]) || !word_start(s, i)) return std::nullopt;
  auto season = read_number(s, i, 2);
  if (!season || i >= s.size() || s[i] != 'x') return std::nullopt;
  ++i;
  auto episode = read_number(s, i, 3);
  if (!episode || (i < s.size() && is_alnum(s[i]))) return std::nullopt;
  return SeasonEpisode{*season, *episode};
}

std::optional<SeasonEpisode> form_words(std::string_view s, size_t i) {
  constexpr std::string_view kSeason = "season", kEpisode = "episode";
  if (s.substr(i, kSeason.size()) != kSeason || !word_start(s, i)) return std::nullopt;
  i += kSeason.size();
  skip_separators(s, i, 3);
  auto season = read_number(s, i, 4);
  if (!season) return std::nullopt;
  skip_separators(s, i, 5);
  if (s.substr(i, kEpisode.size()) != kEpisode) return std::nullopt;
  i += kEpisode.size();
  skip_separators(s, i, 3);
  auto episode = read_number(s, i, 5);
  if (!episode) return std::nullopt;
  return SeasonEpisode{*season, *episode};
}

// The forms in priority order; the first form that matches anywhere in the hint decides.
using EpisodeForm = std::optional<SeasonEpisode> (*)(std::string_view, size_t);
constexpr EpisodeForm kEpisodeForms[] = {form_sxxexx, form_nxnn, form_words};

bool is_unreserved(char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string normalize_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = utf8_len(s, i);
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
                 (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) == 0xA0);
    if (space) {
      pending_space = !out.empty();
      i += n;
      continue;
    }
    if (n == 1 && (c < 0x20 || c == 0x7F)) {  // other control characters carry no meaning
      ++i;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::optional<int> normalize_year(std::int64_t year) {
  static const int kMaxYear = [] {
    auto now = std::chrono::system_clock::now();
    auto days = std::chrono::floor<std::chrono::days>(now);
    return static_cast<int>(std::chrono::year_month_day(days).year()) + 10;
  }();
  if (year < 1870 || year > kMaxYear) return std::nullopt;
  return static_cast<int>(year);
}

std::optional<SeasonEpisode> parse_episode_hint(std::string_view hint) {
  auto s = lower(hint.substr(0, 4096));
  for (auto form : kEpisodeForms)
    for (size_t i = 0; i < s.size(); ++i)
      if (auto se = form(s, i)) return se;
  return std::nullopt;
}

std::vector<std::string> normalize_genres(const std::vector<std::string>& genres) {
  std::vector<std::pair<std::string, std::string>> keyed;  // (lower-case key, text)
  for (const auto& g : genres) {
    auto t = normalize_text(g);
    if (t.empty()) continue;
    auto key = lower(t);
    if (std::none_of(keyed.begin(), keyed.end(), [&](const auto& k) { return k.first == key; }))
      keyed.emplace_back(std::move(key), std::move(t));
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::string> out;
  out.reserve(keyed.size());
  for (auto& [k, t] : keyed) out.push_back(std::move(t));
  return out;
}

std::optional<std::string> normalize_url(std::string_view url) {
  if (url.size() > 4096 || url.size() < 8) return std::nullopt;
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7F) return std::nullopt;
  auto sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  auto scheme = lower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  auto rest = url.substr(sep + 3);
  auto auth_end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, auth_end);
  rest.remove_prefix(auth_end == std::string_view::npos ? rest.size() : auth_end);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no credentials in links
  auto host = lower(authority);
  std::string port;
  if (auto colon = host.rfind(':');
      colon != std::string::npos && host.find(']', colon) == std::string::npos) {
    port = host.substr(colon + 1);
    host.resize(colon);
    if (!std::all_of(port.begin(), port.end(), is_digit) || port.size() > 5) return std::nullopt;
    if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443") || port.empty())
      port.clear();
  }
  if (host.empty()) return std::nullopt;
  // A colon left in the host is only valid inside an IPv6 literal ("[::1]"); anything else
  // ("http://:8:80/") would lose another "port" on every pass, so the form is not stable.
  if (host.find(':') != std::string::npos && !(host.front() == '[' && host.back() == ']'))
    return std::nullopt;
  if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  std::string out = scheme + "://" + host + (port.empty() ? "" : ":" + port);
  if (rest.empty() || rest.front() == '?') out.push_back('/');
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && hex_value(rest[i + 1]) >= 0 && hex_value(rest[i + 2]) >= 0) {
      char decoded = static_cast<char>(hex_value(rest[i + 1]) * 16 + hex_value(rest[i + 2]));
      if (is_unreserved(decoded)) {
        out.push_back(decoded);
      } else {
        out.push_back('%');
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(rest[i + 1]))));
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(rest[i + 2]))));
      }
      i += 2;
    } else {
      out.push_back(rest[i]);
    }
  }
  return out;
}

std::string url_host(std::string_view url) {
  auto sep = url.find("://");
  if (sep == std::string_view::npos) return "";
  auto rest = url.substr(sep + 3);
  auto host = lower(rest.substr(0, rest.find_first_of("/?#")));
  if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(']', colon) == std::string::npos)
    host.resize(colon);
  return host;
}

}  // namespace cmup
