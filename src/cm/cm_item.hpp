// CM's catalog items (movies, shows, episodes and their source links) as cmup keeps them:
// parsed from CM's JSON (field names mapped by [cm.fields]), validated and normalized.
//
// Contract: parse_movie/parse_show/parse_episode never throw; any JSON value gives either a
// normalized item or a one-line reason it was rejected (missing id, wrong types, absurd
// sizes, non-HTTP URLs, oversized strings). Rejection is per item: the caller logs, counts
// and moves on. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/quality.hpp"
#include "catalog/quality_rules.hpp"

namespace cmup {
class Config;
}

namespace cmup::cm {

// JSON field names of the CM contract (docs/cm-api.md), overridable by [cm.fields].
struct FieldNames {
  std::string items = "items", page = "page", total_pages = "total_pages";
  std::string access_token = "access_token", refresh_token = "refresh_token", expires_in = "expires_in";
  std::string id = "id", title = "title", original_title = "original_title", year = "year", poster = "poster",
              overview = "overview", genres = "genres", sources = "sources";
  std::string season = "season", episode = "episode", episode_title = "title", air_date = "air_date";
  std::string url = "url", quality = "quality", label = "label", size = "size", container = "container",
              host = "host";

  static FieldNames from_config(const Config& cfg);
};

// Limits beyond which an item is malformed rather than merely long.
inline constexpr std::size_t kMaxTitleBytes = 1000;
inline constexpr std::size_t kMaxTextBytes = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxIdBytes = 128;
inline constexpr std::size_t kMaxSources = 200;
inline constexpr std::int64_t kMaxSourceBytes = std::int64_t{1} << 40;  // 1 TiB

struct Source {
  std::string url;       // as CM gave it
  std::string url_norm;  // normalize_url(url): the deduplication key
  std::string host;
  std::optional<std::string> quality_field, label, container;
  std::optional<std::int64_t> size_bytes;
  int cm_order = 0;  // position in CM's list
  Quality quality = Quality::Unknown;
  QualityFrom quality_from = QualityFrom::None;
  bool is_mp4() const;  // container "mp4", or a .mp4 path when CM gives no container
};

struct Episode {
  std::string cm_id;
  int season = 0, episode = 0;
  std::optional<std::string> name, air_date;
  std::vector<Source> sources;  // deduplicated by url_norm, CM's order kept
  std::string content_hash;     // of everything above
};

enum class TitleKind { Movie, Show };
std::string_view title_kind_name(TitleKind k);  // "movie", "show"

struct Title {
  TitleKind kind = TitleKind::Movie;
  std::string cm_id, title;
  std::optional<std::string> original_title, poster_url, overview;
  std::optional<int> year;
  std::vector<std::string> genres;  // normalize_genres()
  std::vector<Source> sources;      // movies only
  std::vector<Episode> episodes;    // shows only (fetched separately)
  std::string content_hash;         // of the title's own fields and (movies) its sources
};

template <typename T>
struct Parsed {
  std::optional<T> item;
  std::string error;  // why the item was rejected, when !item
  std::string cm_id;  // the id, when one could be read (for the log line)
};

Parsed<Title> parse_movie(const nlohmann::json& j, const FieldNames& f);
Parsed<Title> parse_show(const nlohmann::json& j, const FieldNames& f);  // episodes left empty
Parsed<Episode> parse_episode(const nlohmann::json& j, const FieldNames& f);

// Parses `text` as JSON and then as a movie (the fuzz target's entry point); never throws.
Parsed<Title> parse_movie_text(std::string_view text, const FieldNames& f);

}  // namespace cmup::cm
