// Normalization of catalog data as it arrives from CM: text, years, season/episode numbers,
// genres and source URLs.
//
// Contract: every function is pure, thread-safe and total (any input, including invalid
// UTF-8 and binary garbage, gives a defined answer, never a crash or exception).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmup {

// Trims, collapses every run of whitespace (ASCII and U+00A0) to one space, drops control
// characters, and replaces invalid UTF-8 with U+FFFD.
std::string normalize_text(std::string_view s);

// A plausible release year (1870 .. this year + 10), else nullopt.
std::optional<int> normalize_year(std::int64_t year);

struct SeasonEpisode {
  int season = 0;
  int episode = 0;
  bool operator==(const SeasonEpisode&) const = default;
};
// Season and episode from a hint, by the first matching form, in this order:
//   S01E02 (also s1e2, S01.E02, S01 E02), 1x02, "Season 1 Episode 2" (any case, any
//   separators). Season 0..9999, episode 0..99999; nullopt when no form matches.
std::optional<SeasonEpisode> parse_episode_hint(std::string_view hint);

// Each genre normalized as text; empty ones dropped; duplicates (case-insensitive) removed;
// sorted case-insensitively.
std::vector<std::string> normalize_genres(const std::vector<std::string>& genres);

// The form used to deduplicate source links: scheme and host lower-cased, default port and
// fragment removed, empty path made "/", percent-escapes of unreserved characters decoded
// and the others upper-cased. nullopt when `url` is not an absolute http(s) URL with a host,
// is longer than 4096 bytes, contains whitespace or control characters, or has a colon in
// its host outside an IPv6 literal. Idempotent: normalizing the result again changes nothing.
std::optional<std::string> normalize_url(std::string_view url);

// The host part of an http(s) URL (lower-cased, without port), or "" when there is none.
std::string url_host(std::string_view url);

}  // namespace cmup
