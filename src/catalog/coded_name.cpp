#include "catalog/coded_name.hpp"

#include <fmt/format.h>

#include <cctype>
#include <regex>
#include <stdexcept>

namespace cmup {

std::string movie_coded_name(std::int64_t title_id, Quality q) {
  if (title_id <= 0) throw std::invalid_argument("coded name needs a positive title id");
  return fmt::format("CM_M{:06d}_{}", title_id, quality_label(q));
}

std::string episode_coded_name(std::int64_t show_title_id, int season, int episode, Quality q) {
  if (show_title_id <= 0) throw std::invalid_argument("coded name needs a positive title id");
  if (season < 0 || episode < 0) throw std::invalid_argument("season and episode must be >= 0");
  return fmt::format("CM_T{:06d}_S{:02d}E{:02d}_{}", show_title_id, season, episode, quality_label(q));
}

std::string part_coded_name(std::string_view coded_name, int part_no, int part_count) {
  if (part_no < 1 || part_count < 1 || part_no > part_count)
    throw std::invalid_argument("part numbers must satisfy 1 <= n <= N");
  return fmt::format("{}_P{}of{}", coded_name, part_no, part_count);
}

std::string stored_name(std::string_view coded_name, int part_no, int part_count) {
  if (part_count <= 1) return std::string(coded_name);
  return part_coded_name(coded_name, part_no, part_count);
}

std::string nonce_tag(std::string_view nonce) {
  if (!nonce.empty() && nonce.front() == '#') return std::string(nonce);
  return "#" + std::string(nonce);
}

std::string nonce_caption(std::string_view stored_name, std::string_view nonce) {
  return std::string(stored_name) + " " + nonce_tag(nonce);
}

bool caption_has_nonce(std::string_view caption, std::string_view nonce) {
  std::string tag = nonce_tag(nonce);
  if (tag.size() < 2) return false;
  for (std::size_t pos = caption.find(tag); pos != std::string_view::npos; pos = caption.find(tag, pos + 1)) {
    std::size_t end = pos + tag.size();
    bool starts = pos == 0 || std::isspace(static_cast<unsigned char>(caption[pos - 1]));
    bool ends = end == caption.size() || std::isspace(static_cast<unsigned char>(caption[end]));
    if (starts && ends) return true;
  }
  return false;
}

std::optional<std::pair<int, int>> caption_part(std::string_view caption, std::string_view coded_name) {
  if (caption.substr(0, coded_name.size()) != coded_name) return std::nullopt;
  auto rest = caption.substr(coded_name.size());
  auto word_end = rest.find(' ');
  auto suffix = rest.substr(0, word_end);
  if (suffix.empty()) return std::pair{1, 1};
  // "_P{n}of{N}" and nothing else before the space.
  static const std::regex re(R"(_P(\d{1,6})of(\d{1,6}))");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(suffix.begin(), suffix.end(), m, re)) return std::nullopt;
  int n = std::stoi(m[1].str()), total = std::stoi(m[2].str());
  if (n < 1 || n > total) return std::nullopt;
  return std::pair{n, total};
}

bool is_valid_coded_name(std::string_view name) { return parse_coded_name(name).has_value(); }

std::optional<ParsedCodedName> parse_coded_name(std::string_view name) {
  static const std::regex re(
      R"(CM_(?:M(\d{6,})|T(\d{6,})_S(\d{2,})E(\d{2,}))_(2160P|1440P|1080P|720P|576P|480P|UNKNOWN)(?:_P(\d+)of(\d+))?)");
  std::match_results<std::string_view::const_iterator> m;
  if (name.size() > 100 || !std::regex_match(name.begin(), name.end(), m, re)) return std::nullopt;
  ParsedCodedName p;
  try {
    if (m[1].matched) {
      p.kind = 'M';
      p.title_id = std::stoll(m[1].str());
    } else {
      p.kind = 'T';
      p.title_id = std::stoll(m[2].str());
      p.season = std::stoi(m[3].str());
      p.episode = std::stoi(m[4].str());
    }
    p.quality = *quality_from_label(m[5].str());
    if (m[6].matched) {
      p.part_no = std::stoi(m[6].str());
      p.part_count = std::stoi(m[7].str());
      if (p.part_no < 1 || p.part_no > p.part_count) return std::nullopt;
    }
  } catch (const std::out_of_range&) {
    return std::nullopt;
  }
  if (p.title_id <= 0) return std::nullopt;
  return p;
}

}  // namespace cmup
