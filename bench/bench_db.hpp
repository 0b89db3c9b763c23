// Synthetic rows for the benchmarks, written straight into a migrated cmup database.
//
// Contract: each function writes its rows in ONE transaction on `db` (opened with
// db::open, so the schema exists) and returns what it created. Names are deterministic
// for a given seed, so two runs measure the same data. Throws SQLite::Exception.
// Not thread-safe (one connection).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cmup::bench {

// A title name built from word lists ("The Silent Harbor of Winter"), deterministic in i.
std::string synthetic_title(std::uint64_t i);
// Search query i, drawn from the first `titles` synthetic titles: 50 % a distinctive word of
// one title, 20 % its first four letters, 15 % two words of a title, 15 % one common word
// (which matches thousands of titles, as "love" does in a real catalog).
std::string synthetic_query(std::uint64_t i, std::uint64_t titles);

// `n` movies (kind 'movie', cm_id "bench-<i>") with names from synthetic_title(i), i = 0..n-1,
// each with one done 1080P variant and its stored file (so the API lists it as available).
void seed_titles(SQLite::Database& db, std::int64_t n);

struct SeedJob {
  std::string url;             // the source link
  std::string container;       // "mp4", "mkv" (CM's hint)
  std::int64_t size_bytes = 0;
  std::string quality = "1080P";
};
// One movie title + source link + pending upload variant per job, in order (the queue
// claims oldest first). Returns the variant ids.
std::vector<std::int64_t> seed_jobs(SQLite::Database& db, const std::vector<SeedJob>& jobs);

// A storage channel row (the queue picks among enabled channels of the kind).
void seed_channel(SQLite::Database& db, std::int64_t chat_id, const std::string& kind);

}  // namespace cmup::bench
