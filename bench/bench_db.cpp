#include "bench_db.hpp"

#include <fmt/format.h>

#include <array>
#include <vector>
#include <string_view>

#include "db/database.hpp"

namespace cmup::bench {

namespace {

constexpr std::array<std::string_view, 32> kAdjectives = {
    "Silent", "Broken", "Golden", "Hidden", "Last",   "Dark",    "Frozen", "Burning",
    "Lost",   "Secret", "Wild",   "Final",  "Crimson", "Iron",   "Distant", "Bright",
    "Hollow", "Savage", "Quiet",  "Endless", "Fallen", "Scarlet", "Eternal", "Stolen",
    "Brave",  "Lonely", "Wicked", "Sacred", "Electric", "Velvet", "Northern", "Midnight"};
constexpr std::array<std::string_view, 40> kNouns = {
    "Harbor",  "Kingdom", "River",   "Empire",  "Garden",  "Witness", "Horizon", "Station",
    "Mirror",  "Shadow",  "Voyage",  "Frontier", "Island", "Machine", "Promise", "Signal",
    "Fortress", "Dancer", "Stranger", "Compass", "Orchard", "Monsoon", "Lantern", "Canyon",
    "Glacier", "Citadel", "Outlaw",  "Prophet", "Carnival", "Tribute", "Meridian", "Harvest",
    "Lighthouse", "Serpent", "Falcon", "Pilgrim", "Avalanche", "Labyrinth", "Requiem", "Odyssey"};
constexpr std::array<std::string_view, 16> kPlaces = {
    "Winter", "Avalon", "Berlin",  "the North", "Tomorrow", "Eden",   "Kyoto",  "the Sea",
    "Mars",   "Sparta", "Babylon", "the Dead",  "Orion",    "Nevada", "Lisbon", "Atlantis"};

// A cheap deterministic mix (splitmix64), so names spread evenly over the lists.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Made-up words, three syllables each (32^3 of them): most titles carry one, so a search for
// it finds a handful of titles, as a search for a real film's name does.
constexpr std::array<std::string_view, 32> kSyllables = {
    "ka", "ro", "vel", "min", "dor", "tha", "lis", "ber", "an", "sol", "gar", "ne", "mo", "rin", "zar", "qui",
    "el", "dra", "fen", "ost", "ma", "lu", "cor", "vin", "ta", "sha", "bel", "nor", "ix", "pe", "wen", "gal"};

std::string made_up_word(std::uint64_t h) {
  std::string w;
  for (int k = 0; k < 3; ++k, h /= kSyllables.size()) w += kSyllables[h % kSyllables.size()];
  w[0] = static_cast<char>(w[0] - 'a' + 'A');
  return w;
}

}  // namespace

std::string synthetic_title(std::uint64_t i) {
  auto h = mix(i);
  auto adj = kAdjectives[h % kAdjectives.size()];
  auto noun = kNouns[(h >> 8) % kNouns.size()];
  auto place = kPlaces[(h >> 16) % kPlaces.size()];
  auto name = made_up_word(h >> 28);
  switch ((h >> 24) % 6) {
    case 0: return fmt::format("The {} {}", adj, noun);
    case 1: return fmt::format("{} of {}", name, place);
    case 2: return fmt::format("The {} {} of {}", adj, noun, name);
    case 3: return fmt::format("{} {} {}", name, noun, 2 + (h >> 50) % 7);
    case 4: return fmt::format("{}", name);
    default: return fmt::format("The {} {}", name, noun);
  }
}

std::string synthetic_query(std::uint64_t i, std::uint64_t titles) {
  auto h = mix(i ^ 0x5555);
  auto title = synthetic_title(h % titles);
  std::vector<std::string> words;
  for (std::size_t b = 0; b < title.size();) {
    auto e = title.find(' ', b);
    if (e == std::string::npos) e = title.size();
    auto w = title.substr(b, e - b);
    if (w != "The" && w != "of" && w != "the") words.push_back(w);
    b = e + 1;
  }
  std::string longest;
  for (const auto& w : words)
    if (w.size() > longest.size()) longest = w;
  switch ((h >> 32) % 20) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9:
      return longest;                                    // 50 %: a distinctive word of a title
    case 10: case 11: case 12: case 13:
      return longest.substr(0, 4);                       // 20 %: a prefix, as typed
    case 14: case 15: case 16:                           // 15 %: two words of a title
      return words.size() >= 2 ? words[0] + " " + words[1] : longest;
    default:
      return std::string(kNouns[(h >> 40) % kNouns.size()]);  // 15 %: one common word
  }
}

void seed_titles(SQLite::Database& db, std::int64_t n) {
  db::write_tx(db, [&] {
    SQLite::Statement q(db,
                        "INSERT INTO titles(kind, cm_id, title, year, genres, created_at, updated_at) "
                        "VALUES ('movie', ?, ?, ?, '[\"Drama\"]', 0, 0)");
    for (std::int64_t i = 0; i < n; ++i) {
      q.bind(1, fmt::format("bench-{}", i));
      q.bind(2, synthetic_title(static_cast<std::uint64_t>(i)));
      q.bind(3, static_cast<int>(1950 + mix(static_cast<std::uint64_t>(i) + 7) % 75));
      q.exec();
      q.reset();
    }
    // Every title available (the API lists only titles with a stored variant by default):
    // one done 1080P variant with its stored file each, written set-wise.
    db.exec(
        "INSERT INTO upload_variants(title_id, quality, coded_name, state, channel_id, size_bytes, part_count, "
        "created_at, updated_at, done_at) SELECT id, '1080P', printf('CM_M%06d_1080P', id), 'done', -1009000000001, "
        "1000000, 1, 0, 0, 0 FROM titles WHERE cm_id LIKE 'bench-%' AND cm_id NOT LIKE 'bench-job-%'");
    db.exec(
        "INSERT INTO telegram_objects(variant_id, part_no, part_count, account, channel_id, message_id, file_id, "
        "file_unique_id, file_name, size_bytes, mime_type, created_at) SELECT id, 1, 1, 'bench', -1009000000001, id, "
        "'BAAC' || id, 'AgAD' || id, coded_name || '.mp4', 1000000, 'video/mp4', 0 FROM upload_variants "
        "WHERE state = 'done'");
  });
}

std::vector<std::int64_t> seed_jobs(SQLite::Database& db, const std::vector<SeedJob>& jobs) {
  std::vector<std::int64_t> ids;
  db::write_tx(db, [&] {
    SQLite::Statement t(db,
                        "INSERT INTO titles(kind, cm_id, title, created_at, updated_at) "
                        "VALUES ('movie', ?, ?, 0, 0)");
    SQLite::Statement s(db,
                        "INSERT INTO source_links(title_id, url, url_norm, quality, quality_from, size_bytes, "
                        "container, host, created_at, updated_at) VALUES (?, ?, ?, ?, 'explicit', ?, ?, "
                        "'127.0.0.1', 0, 0)");
    SQLite::Statement v(db,
                        "INSERT INTO upload_variants(title_id, quality, coded_name, created_at, updated_at) "
                        "VALUES (?, ?, ?, 0, 0)");
    SQLite::Statement vs(db, "INSERT INTO variant_sources(variant_id, source_id, rank) VALUES (?, ?, 0)");
    std::int64_t base = db.execAndGet("SELECT ifnull(max(id), 0) FROM titles").getInt64();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const auto& j = jobs[i];
      t.bind(1, fmt::format("bench-job-{}", base + static_cast<std::int64_t>(i)));
      t.bind(2, fmt::format("Bench Job {}", base + static_cast<std::int64_t>(i)));
      t.exec();
      t.reset();
      auto title_id = db.getLastInsertRowid();
      s.bind(1, title_id);
      s.bind(2, j.url);
      s.bind(3, j.url);
      s.bind(4, j.quality);
      s.bind(5, j.size_bytes);
      s.bind(6, j.container);
      s.exec();
      s.reset();
      auto source_id = db.getLastInsertRowid();
      v.bind(1, title_id);
      v.bind(2, j.quality);
      v.bind(3, fmt::format("CM_M{:06d}_{}", title_id, j.quality));
      v.exec();
      v.reset();
      auto variant_id = db.getLastInsertRowid();
      vs.bind(1, variant_id);
      vs.bind(2, source_id);
      vs.exec();
      vs.reset();
      ids.push_back(variant_id);
    }
  });
  return ids;
}

void seed_channel(SQLite::Database& db, std::int64_t chat_id, const std::string& kind) {
  SQLite::Statement q(db,
                      "INSERT INTO storage_channels(chat_id, kind, updated_at) VALUES (?, ?, 0) "
                      "ON CONFLICT(chat_id) DO NOTHING");
  q.bind(1, chat_id);
  q.bind(2, kind);
  q.exec();
}

}  // namespace cmup::bench
