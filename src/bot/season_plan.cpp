#include "bot/season_plan.hpp"

#include <algorithm>
#include <charconv>

#include "catalog/quality.hpp"

namespace cmup::bot {
namespace {

// Splits `s` at `sep` into exactly 2 or 3 fields.
std::vector<std::string_view> fields(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (out.size() < 4) {
    auto at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + 1);
  }
  return out;
}

template <typename T>
bool number(std::string_view s, T& out, T max) {
  if (s.empty() || s.size() > 18 || (s.size() > 1 && s[0] == '0')) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= 0 && out <= max;
}

std::optional<SeasonRef> from_fields(const std::vector<std::string_view>& f) {
  if (f.size() < 2 || f.size() > 3) return std::nullopt;
  SeasonRef r;
  if (!number<std::int64_t>(f[0], r.title_id, (std::int64_t{1} << 53)) || r.title_id == 0)
    return std::nullopt;
  if (!number<int>(f[1], r.season, 9999)) return std::nullopt;
  if (f.size() == 3) {
    if (!quality_from_label(f[2])) return std::nullopt;
    r.quality = std::string(f[2]);
  }
  return r;
}

}  // namespace

std::optional<SeasonRef> parse_season_start(std::string_view payload) {
  if (payload.size() < 4 || payload.size() > 64 || payload[0] != 's') return std::nullopt;
  return from_fields(fields(payload.substr(1), '_'));
}

std::string season_start_payload(const SeasonRef& s) {
  std::string p = "s" + std::to_string(s.title_id) + "_" + std::to_string(s.season);
  if (!s.quality.empty()) p += "_" + s.quality;
  return p;
}

std::optional<SeasonRef> parse_season_callback(std::string_view data) {
  if (data.size() < 5 || data.size() > 64 || data.substr(0, 2) != "A:") return std::nullopt;
  return from_fields(fields(data.substr(2), ':'));
}

std::string season_callback_data(const SeasonRef& s) {
  std::string d = "A:" + std::to_string(s.title_id) + ":" + std::to_string(s.season);
  if (!s.quality.empty()) d += ":" + s.quality;
  return d;
}

std::vector<PlannedPart> plan_season(std::vector<EpisodeVariants> episodes, const std::string& quality) {
  std::stable_sort(episodes.begin(), episodes.end(),
                   [](const EpisodeVariants& a, const EpisodeVariants& b) { return a.episode < b.episode; });
  std::vector<PlannedPart> out;
  for (const auto& e : episodes) {
    if (e.variants.empty()) continue;
    auto chosen = std::find_if(e.variants.begin(), e.variants.end(),
                               [&](const EpisodeVariants::Variant& v) { return v.quality == quality; });
    if (chosen == e.variants.end()) chosen = e.variants.begin();  // the best stored one
    for (int p = 1; p <= std::max(1, chosen->part_count); ++p)
      out.push_back({e.episode, chosen->variant_id, p});
  }
  return out;
}

std::vector<std::string> season_qualities(const std::vector<EpisodeVariants>& episodes) {
  std::vector<std::pair<Quality, std::string>> found;
  for (const auto& e : episodes)
    for (const auto& v : e.variants) {
      auto q = quality_from_label(v.quality);
      if (!q) continue;
      if (std::none_of(found.begin(), found.end(), [&](const auto& f) { return f.first == *q; }))
        found.emplace_back(*q, v.quality);
    }
  // The enum runs from the best (2160P) down to Unknown.
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  out.reserve(found.size());
  for (auto& f : found) out.push_back(f.second);
  return out;
}

std::size_t album_size(const std::vector<PartToSend>& next) {
  if (next.empty()) return 0;
  if (!next[0].has_bot_file_id) return 1;
  std::size_t n = 1;
  while (n < next.size() && n < kAlbumMax && next[n].has_bot_file_id && next[n].is_video == next[0].is_video)
    ++n;
  return n;
}

}  // namespace cmup::bot
