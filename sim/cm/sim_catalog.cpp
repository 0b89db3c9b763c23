#include "cm/sim_catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>

namespace cmup::sim {

namespace {

using json = nlohmann::json;

// Generated items all date from here; items changed through the control API are newer.
constexpr std::int64_t kBaseUpdatedAt = 1700000000;

constexpr std::array kAdjectives{"Silent",  "Crimson",  "Last",     "Hidden",  "Broken", "Golden",
                                 "Endless", "Frozen",   "Electric", "Distant", "Wild",   "Secret",
                                 "Burning", "Lonely",   "Iron",     "Paper",   "Velvet", "Hollow",
                                 "Bright",  "Midnight", "Northern", "Savage",  "Gentle", "Lost"};
constexpr std::array kNouns{"River",   "Empire", "Garden",  "Signal",   "Harbor",  "Machine",
                            "Kingdom", "Mirror", "Orchard", "Frontier", "Lantern", "Voyage",
                            "Station", "Island", "Circus",  "Shadow",   "Winter",  "Horizon",
                            "Engine",  "Forest", "Citadel", "Meadow",   "Comet",   "Canyon"};
constexpr std::array kGenres{"Action", "Adventure", "Animation", "Comedy", "Crime",   "Documentary",
                             "Drama",  "Family",    "Fantasy",   "Horror", "Mystery", "Sci-Fi"};
constexpr std::array kQualities{"2160p", "1080p", "720p", "480p"};
constexpr std::array kSourcesTags{"WEB-DL", "BluRay", "WEBRip", "HDTV"};

std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t item_rng(std::uint64_t seed, char kind, int id) {
  std::uint64_t s =
      seed * 0x100000001b3ULL ^ (static_cast<std::uint64_t>(kind) << 56) ^ static_cast<std::uint64_t>(id);
  splitmix(s);
  return s;
}

int pick(std::uint64_t& rng, int n) {
  return static_cast<int>(splitmix(rng) % static_cast<std::uint64_t>(n));
}

std::string slug(const std::string& title) {
  std::string s;
  for (char c : title) s.push_back(c == ' ' ? '.' : c);
  return s;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_base_id(const std::string& id, int count, int& n) {
  if (id.empty() || id.size() > 9 || !std::all_of(id.begin(), id.end(), ::isdigit)) return false;
  n = std::stoi(id);
  return n >= 1 && n <= count;
}

}  // namespace

SimCatalog::SimCatalog(CatalogOptions opts, std::vector<MediaFile> media)
    : opts_(std::move(opts)), media_(std::move(media)) {}

json SimCatalog::sources_for(std::uint64_t& rng, const std::string& owner, const std::string& name, int year,
                             int qualities) const {
  json out = json::array();
  const bool mixed = opts_.sources_per_item == 0;
  int first_q = mixed ? pick(rng, 2) : 1;  // 2160p is rarer than 1080p
  bool dead_first = mixed && pick(rng, 8) == 0;
  bool duplicate = mixed && pick(rng, 8) == 1;
  for (int k = 0; k < qualities; ++k) {
    std::string q = kQualities[static_cast<size_t>(std::min(3, first_q + k))];
    if (!mixed) q = kQualities[static_cast<size_t>(1 + k % 3)];
    int r = pick(rng, 20);
    const MediaFile& m = media_[static_cast<size_t>(r < 10 ? 0 : r < 14 ? 1 : r < 17 ? 2 : 3)];
    std::string tag = kSourcesTags[static_cast<size_t>(pick(rng, 4))];
    int style = mixed ? pick(rng, 3) : 0;  // 0: explicit field, 1: label, 2: only in the file name
    std::string file_name =
        fmt::format("{}.{}.{}{}.x264.{}", name, year, style == 2 ? q + "." : "", tag, m.container);
    // v= keeps the links of different qualities distinct even when they share a file.
    std::string url =
        fmt::format("{}/media/{}?item={}&v={}&name={}", opts_.public_url, m.name, owner, k + 1, file_name);
    json s{{"url", url}, {"size", m.size}, {"container", m.container}};
    if (style == 0) s["quality"] = q;
    if (style == 1) s["label"] = q + " " + tag;
    if (k == 0 && dead_first) {
      static constexpr std::array kFaults{"fault=404", "fault=reset&after=65536", "fault=stall&after=65536"};
      json dead = s;
      dead["url"] = url + "&" + kFaults[static_cast<size_t>(pick(rng, 3))];
      out.push_back(dead);
    }
    out.push_back(s);
    if (k == 0 && duplicate) {
      json dup = s;
      dup["url"] = url + "#again";
      out.push_back(dup);
    }
  }
  return out;
}

json SimCatalog::generate_movie(int id) const {
  auto rng = item_rng(opts_.seed, 'm', id);
  std::string title =
      fmt::format("The {} {}", kAdjectives[static_cast<size_t>(pick(rng, kAdjectives.size()))],
                  kNouns[static_cast<size_t>(pick(rng, kNouns.size()))]);
  if (pick(rng, 4) == 0) title += fmt::format(" {}", 2 + pick(rng, 3));
  int year = 1950 + pick(rng, 74);
  json genres = json::array();
  for (int g = 0, n = 1 + pick(rng, 3); g < n; ++g)
    genres.push_back(kGenres[static_cast<size_t>(pick(rng, 12))]);
  int qualities = opts_.sources_per_item > 0 ? opts_.sources_per_item : 1 + pick(rng, 3);
  return json{{"id", id},
              {"title", title},
              {"year", year},
              {"poster", fmt::format("{}/posters/movie-{}.png", opts_.public_url, id)},
              {"overview", fmt::format("A story of {} and what it hid, told in {}.", title, year)},
              {"genres", genres},
              {"updated_at", kBaseUpdatedAt},
              {"sources", sources_for(rng, fmt::format("m{}", id), slug(title), year, qualities)}};
}

json SimCatalog::generate_show(int id) const {
  auto rng = item_rng(opts_.seed, 's', id);
  std::string title = fmt::format("{} {}", kAdjectives[static_cast<size_t>(pick(rng, kAdjectives.size()))],
                                  kNouns[static_cast<size_t>(pick(rng, kNouns.size()))]);
  return json{{"id", id},
              {"title", title},
              {"year", 1990 + pick(rng, 34)},
              {"poster", fmt::format("{}/posters/show-{}.png", opts_.public_url, id)},
              {"overview", "A series about " + title + "."},
              {"genres", json::array({kGenres[static_cast<size_t>(pick(rng, 12))]})},
              {"updated_at", kBaseUpdatedAt}};
}

json SimCatalog::generate_episodes(int show_id) const {
  auto show = generate_show(show_id);
  json out = json::array();
  for (int k = 0; k < opts_.episodes_per_show; ++k) {
    auto rng = item_rng(opts_.seed, 'e', show_id * 100000 + k);
    int season = 1 + k / 10, episode = 1 + k % 10;
    std::string name =
        fmt::format("{}.S{:02d}E{:02d}", slug(show["title"].get<std::string>()), season, episode);
    int qualities = opts_.sources_per_item > 0 ? opts_.sources_per_item : 1 + pick(rng, 2);
    json e{
        {"id", fmt::format("s{}e{}", show_id, k + 1)},
        {"title", fmt::format("Episode {}", episode)},
        {"air_date", fmt::format("{}-{:02d}-{:02d}", 2000 + season, 1 + k % 12, 1 + k % 28)},
        {"updated_at", kBaseUpdatedAt},
        {"sources", sources_for(rng, fmt::format("s{}e{}", show_id, k + 1), name, 2000 + season, qualities)}};
    // Some CMs leave the numbers out; the importer reads them from the name (S01E02).
    if (opts_.sources_per_item > 0 || pick(rng, 10) != 0) {
      e["season"] = season;
      e["episode"] = episode;
    } else {
      e["title"] = fmt::format("Episode S{:02d}E{:02d}", season, episode);
    }
    out.push_back(std::move(e));
  }
  return out;
}

json SimCatalog::page_of(const std::string& kind, int base_count, int page, int per_page,
                         std::optional<std::int64_t> since) const {
  per_page = std::clamp(per_page, 1, 5000);
  page = std::max(1, page);
  auto generate = [&](int id) { return kind == "movies" ? generate_movie(id) : generate_show(id); };
  std::lock_guard lock(mu_);
  auto ov = overrides_.find(kind);
  // Fast path for the common case (no overrides, no filter): page arithmetic.
  if ((ov == overrides_.end() || ov->second.empty()) && !since) {
    int total = std::max(1, (base_count + per_page - 1) / per_page);
    json items = json::array();
    for (int id = (page - 1) * per_page + 1; id <= std::min(base_count, page * per_page); ++id)
      items.push_back(generate(id));
    return json{{"items", items}, {"page", page}, {"total_pages", total}};
  }
  std::vector<json> all;
  const auto* over = ov == overrides_.end() ? nullptr : &ov->second;
  for (int id = 1; id <= base_count; ++id) {
    auto it = over ? over->find(std::to_string(id)) : decltype(over->end()){};
    if (over && it != over->end()) {
      if (!it->second.first.is_null() && (!since || it->second.second >= *since))
        all.push_back(it->second.first);
    } else if (!since || kBaseUpdatedAt >= *since) {
      all.push_back(generate(id));
    }
  }
  if (over)
    for (const auto& [id, v] : *over) {
      int n = 0;
      if (!is_base_id(id, base_count, n) && !v.first.is_null() && (!since || v.second >= *since))
        all.push_back(v.first);
    }
  int total = std::max(
      1, static_cast<int>((all.size() + static_cast<size_t>(per_page) - 1) / static_cast<size_t>(per_page)));
  json items = json::array();
  for (size_t i = static_cast<size_t>((page - 1) * per_page);
       i < all.size() && i < static_cast<size_t>(page * per_page); ++i)
    items.push_back(all[i]);
  return json{{"items", items}, {"page", page}, {"total_pages", total}};
}

json SimCatalog::movies_page(int page, int per_page, std::optional<std::int64_t> since) const {
  return page_of("movies", opts_.movies, page, per_page, since);
}

json SimCatalog::shows_page(int page, int per_page, std::optional<std::int64_t> since) const {
  return page_of("shows", opts_.shows, page, per_page, since);
}

std::optional<json> SimCatalog::episodes_page(const std::string& show_id, int page, int per_page) const {
  if (!get("shows", show_id)) return std::nullopt;
  json all;
  {
    std::lock_guard lock(mu_);
    auto ov = overrides_.find("episodes");
    if (ov != overrides_.end())
      if (auto it = ov->second.find(show_id); it != ov->second.end()) all = it->second.first;
  }
  int n = 0;
  if (all.is_null()) all = is_base_id(show_id, opts_.shows, n) ? generate_episodes(n) : json::array();
  per_page = std::clamp(per_page, 1, 5000);
  page = std::max(1, page);
  int total = std::max(
      1, static_cast<int>((all.size() + static_cast<size_t>(per_page) - 1) / static_cast<size_t>(per_page)));
  json items = json::array();
  for (size_t i = static_cast<size_t>((page - 1) * per_page);
       i < all.size() && i < static_cast<size_t>(page * per_page); ++i)
    items.push_back(all[i]);
  return json{{"items", items}, {"page", page}, {"total_pages", total}};
}

std::optional<json> SimCatalog::get(const std::string& kind, const std::string& id) const {
  {
    std::lock_guard lock(mu_);
    auto ov = overrides_.find(kind);
    if (ov != overrides_.end())
      if (auto it = ov->second.find(id); it != ov->second.end()) {
        if (it->second.first.is_null()) return std::nullopt;
        return it->second.first;
      }
  }
  int n = 0;
  if (kind == "movies" && is_base_id(id, opts_.movies, n)) return generate_movie(n);
  if (kind == "shows" && is_base_id(id, opts_.shows, n)) return generate_show(n);
  if (kind == "episodes" && is_base_id(id, opts_.shows, n)) return generate_episodes(n);
  return std::nullopt;
}

void SimCatalog::put(const std::string& kind, const std::string& id, json value) {
  std::lock_guard lock(mu_);
  overrides_[kind][id] = {std::move(value), unix_now()};
}

}  // namespace cmup::sim
