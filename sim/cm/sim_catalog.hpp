// The simulated CM's catalog: movies, shows and episodes generated deterministically from
// a seed (the same options always give the same catalog, item by item), plus overrides set
// through the control API (replace, add or delete an item) to test re-imports.
//
// The catalog exercises the importer and the workers: 1-3 qualities per movie; quality
// given as CM's explicit field, as a label, or only in the file name; links to the media
// files the simulator serves (faststart MP4, moov-at-end MP4, MKV with AC3 + SRT, a larger
// MP4); some titles have a dead FIRST link (404, connection reset, stall) before a good
// one; some list the same link twice. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cm/sim_media.hpp"

namespace cmup::sim {

struct CatalogOptions {
  int movies = 16;
  int shows = 4;
  int episodes_per_show = 6;
  std::uint64_t seed = 1;
  int sources_per_item = 0;  // 0: mixed (1-3 qualities, dead links, duplicates); N: exactly N plain links
  std::string public_url;    // base of media and poster URLs
};

class SimCatalog {
 public:
  SimCatalog(CatalogOptions opts, std::vector<MediaFile> media);

  // {items, page, total_pages}; items changed at or after `since` (Unix s) when given.
  nlohmann::json movies_page(int page, int per_page, std::optional<std::int64_t> since) const;
  nlohmann::json shows_page(int page, int per_page, std::optional<std::int64_t> since) const;
  // {items, page, total_pages} of one show's episodes; nullopt for an unknown show.
  std::optional<nlohmann::json> episodes_page(const std::string& show_id, int page, int per_page) const;

  // Current item, or nullopt (unknown or deleted). Kinds: "movies", "shows".
  std::optional<nlohmann::json> get(const std::string& kind, const std::string& id) const;
  // Replaces (or adds) an item; a null value deletes it. Episodes: kind "episodes", id =
  // show id, value = the array of that show's episodes.
  void put(const std::string& kind, const std::string& id, nlohmann::json value);

 private:
  nlohmann::json generate_movie(int id) const;
  nlohmann::json generate_show(int id) const;
  nlohmann::json generate_episodes(int show_id) const;
  nlohmann::json sources_for(std::uint64_t& rng, const std::string& owner, const std::string& slug, int year,
                             int qualities) const;
  nlohmann::json page_of(const std::string& kind, int base_count, int page, int per_page,
                         std::optional<std::int64_t> since) const;

  CatalogOptions opts_;
  std::vector<MediaFile> media_;
  mutable std::mutex mu_;
  // kind -> id -> (value or null for deleted, changed at)
  std::map<std::string, std::map<std::string, std::pair<nlohmann::json, std::int64_t>>> overrides_;
};

}  // namespace cmup::sim
