// Shared by the queue tests: a database seeded with titles, variants, their source links and
// storage channels, and small readers of the queue's state.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "queue/job_store.hpp"
#include "util/clock.hpp"

namespace cmup::test {

constexpr std::int64_t kMovieChannel = -1001000000001;
constexpr std::int64_t kTvChannel = -1001000000002;

struct Seeded {
  std::vector<std::int64_t> variants;
  std::map<std::int64_t, std::vector<std::int64_t>> sources;  // variant -> source ids in rank order
};

// `count` movie variants, each with `sources_each` live source links; priorities 0 unless
// `priority_of` says otherwise. Also both storage channels.
inline Seeded seed_queue(SQLite::Database& db, int count, int sources_each = 1, int first_number = 1,
                         std::function<int(int)> priority_of = nullptr) {
  Seeded out;
  auto now = static_cast<int64_t>(now_ms());
  db::write_tx(db, [&] {
    db.exec("INSERT OR IGNORE INTO storage_channels(chat_id, kind, updated_at) VALUES (" +
            std::to_string(kMovieChannel) + ", 'movie', 0), (" + std::to_string(kTvChannel) + ", 'tv', 0)");
    SQLite::Statement t(db,
                        "INSERT INTO titles(kind, cm_id, title, year, created_at, updated_at) "
                        "VALUES ('movie', ?, ?, 2001, ?, ?)");
    SQLite::Statement v(db,
                        "INSERT INTO upload_variants(title_id, quality, coded_name, priority, created_at, updated_at) "
                        "VALUES (?, '1080P', ?, ?, ?, ?)");
    SQLite::Statement s(db,
                        "INSERT INTO source_links(title_id, url, url_norm, quality, quality_from, created_at, updated_at) "
                        "VALUES (?, ?, ?, '1080P', 'label', ?, ?)");
    SQLite::Statement vs(db, "INSERT INTO variant_sources(variant_id, source_id, rank) VALUES (?, ?, ?)");
    for (int i = 0; i < count; ++i) {
      int n = first_number + i;
      t.bind(1, "m" + std::to_string(n));
      t.bind(2, "Movie " + std::to_string(n));
      t.bind(3, now);
      t.bind(4, now);
      t.exec();
      t.reset();
      auto title = db.getLastInsertRowid();
      char coded[32];
      std::snprintf(coded, sizeof coded, "CM_M%06d_1080P", n);
      v.bind(1, static_cast<int64_t>(title));
      v.bind(2, std::string(coded));
      v.bind(3, priority_of ? priority_of(i) : 0);
      v.bind(4, now);
      v.bind(5, now);
      v.exec();
      v.reset();
      auto variant = db.getLastInsertRowid();
      out.variants.push_back(variant);
      for (int k = 0; k < sources_each; ++k) {
        auto url = "http://127.0.0.1:9/m" + std::to_string(n) + "_" + std::to_string(k) + ".mp4";
        s.bind(1, static_cast<int64_t>(title));
        s.bind(2, url);
        s.bind(3, url);
        s.bind(4, now);
        s.bind(5, now);
        s.exec();
        s.reset();
        auto src = db.getLastInsertRowid();
        vs.bind(1, static_cast<int64_t>(variant));
        vs.bind(2, static_cast<int64_t>(src));
        vs.bind(3, k);
        vs.exec();
        vs.reset();
        out.sources[variant].push_back(src);
      }
    }
  });
  return out;
}

inline std::int64_t scalar(SQLite::Database& db, const std::string& sql) {
  SQLite::Statement q(db, sql);
  return q.executeStep() ? q.getColumn(0).getInt64() : -1;
}

inline std::string text(SQLite::Database& db, const std::string& sql) {
  SQLite::Statement q(db, sql);
  return q.executeStep() && !q.getColumn(0).isNull() ? q.getColumn(0).getString() : "";
}

inline std::map<std::string, std::int64_t> state_counts(SQLite::Database& db) {
  std::map<std::string, std::int64_t> out;
  SQLite::Statement q(db, "SELECT state, count(*) FROM upload_variants GROUP BY state");
  while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
  return out;
}

inline QueueOptions fast_options(std::int64_t lease_ms = 60'000) {
  QueueOptions o;
  o.lease_ms = lease_ms;
  o.max_attempts = 3;
  o.backoff = {0.001, 0.01, 0};  // retries due almost at once
  o.source_max_failures = 2;
  return o;
}

// A part as an uploader would report it.
inline StoredPart fake_part(std::int64_t variant, int part_no, int part_count, std::int64_t message_id,
                            std::int64_t channel = kMovieChannel) {
  StoredPart p;
  p.part_no = part_no;
  p.part_count = part_count;
  p.account = "ember";
  p.channel_id = channel;
  p.message_id = message_id;
  p.file_id = "F" + std::to_string(variant) + "_" + std::to_string(part_no);
  p.file_unique_id = "U" + std::to_string(variant) + "_" + std::to_string(part_no);
  p.file_name = "part.mp4";
  p.size_bytes = 1000;
  return p;
}

}  // namespace cmup::test
