// A small catalog written straight into the schema, for the web tests: titles, episodes,
// upload variants in any state and, for done ones, their telegram_objects. The importer and
// workers normally write these rows; here each test states exactly what exists.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace cmup::test {

class CatalogFixture {
 public:
  explicit CatalogFixture(SQLite::Database& db) : db_(db) {}

  struct TitleSpec {
    std::string kind = "movie";
    std::string title;
    std::string original_title;  // empty = NULL
    int year = 0;                // 0 = NULL
    std::string genres = "[]";   // JSON array
    std::string poster_url;      // empty = NULL
    std::string overview;
    std::int64_t created_at = 0;  // 0 = insertion order
  };

  static TitleSpec spec(const std::string& kind, const std::string& name, int year, const std::string& genres = "[]") {
    TitleSpec s;
    s.kind = kind;
    s.title = name;
    s.year = year;
    s.genres = genres;
    return s;
  }

  std::int64_t title(const TitleSpec& s) {
    SQLite::Statement q(db_,
                        "INSERT INTO titles(kind, cm_id, title, original_title, year, poster_url, overview, genres, "
                        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    std::int64_t at = s.created_at ? s.created_at : 1700000000000 + (++clock_) * 1000;
    q.bind(1, s.kind);
    q.bind(2, "cm-" + std::to_string(++cm_id_));
    q.bind(3, s.title);
    if (s.original_title.empty()) q.bind(4); else q.bind(4, s.original_title);
    if (s.year) q.bind(5, s.year); else q.bind(5);
    if (s.poster_url.empty()) q.bind(6); else q.bind(6, s.poster_url);
    if (s.overview.empty()) q.bind(7); else q.bind(7, s.overview);
    q.bind(8, s.genres);
    q.bind(9, at);
    q.bind(10, at);
    q.exec();
    return db_.getLastInsertRowid();
  }

  std::int64_t movie(const std::string& name, int year, const std::string& genres = "[]") {
    return title(spec("movie", name, year, genres));
  }
  std::int64_t show(const std::string& name, int year, const std::string& genres = "[]") {
    return title(spec("show", name, year, genres));
  }

  std::int64_t episode(std::int64_t title_id, int season, int number, const std::string& name = "") {
    SQLite::Statement q(db_,
                        "INSERT INTO episodes(title_id, cm_id, season, episode, name, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, 0, 0)");
    q.bind(1, title_id);
    q.bind(2, "ep-" + std::to_string(++cm_id_));
    q.bind(3, season);
    q.bind(4, number);
    if (name.empty()) q.bind(5); else q.bind(5, name);
    q.exec();
    return db_.getLastInsertRowid();
  }

  // A variant in `state`; a done one gets `parts` telegram objects splitting `bytes`.
  std::int64_t variant(std::int64_t title_id, std::int64_t episode_id, const std::string& quality,
                       const std::string& state = "done", int parts = 1, std::int64_t bytes = 1000000) {
    std::string coded = "CM_M" + std::to_string(100000 + (++coded_)) + "_" + quality;
    SQLite::Statement q(db_,
                        "INSERT INTO upload_variants(title_id, episode_id, quality, coded_name, state, lease_token, "
                        "dead_reason, size_bytes, part_count, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)");
    q.bind(1, title_id);
    if (episode_id) q.bind(2, episode_id); else q.bind(2);
    q.bind(3, quality);
    q.bind(4, coded);
    q.bind(5, state);
    if (state == "claimed") q.bind(6, "lease-" + coded); else q.bind(6);
    if (state == "dead") q.bind(7, "all sources failed"); else q.bind(7);
    if (state == "done") {
      q.bind(8, bytes);
      q.bind(9, parts);
    } else {
      q.bind(8);
      q.bind(9);
    }
    q.exec();
    std::int64_t id = db_.getLastInsertRowid();
    if (state == "done")
      for (int p = 1; p <= parts; ++p) object(id, p, parts, bytes / parts, coded);
    return id;
  }

  void object(std::int64_t variant_id, int part_no, int part_count, std::int64_t bytes, const std::string& coded,
              const std::string& account = "ember", std::int64_t created_at = 0) {
    SQLite::Statement q(db_,
                        "INSERT INTO telegram_objects(variant_id, part_no, part_count, account, channel_id, message_id, "
                        "file_id, file_unique_id, file_name, size_bytes, created_at) "
                        "VALUES (?, ?, ?, ?, -1001000000001, ?, ?, ?, ?, ?, ?)");
    q.bind(1, variant_id);
    q.bind(2, part_no);
    q.bind(3, part_count);
    q.bind(4, account);
    q.bind(5, ++message_id_);
    q.bind(6, "FILE_" + std::to_string(variant_id) + "_" + std::to_string(part_no));
    q.bind(7, "UNIQ_" + std::to_string(variant_id) + "_" + std::to_string(part_no));
    q.bind(8, coded + (part_count > 1 ? ".part" + std::to_string(part_no) : "") + ".mp4");
    q.bind(9, bytes);
    q.bind(10, created_at);
    q.exec();
  }

 private:
  SQLite::Database& db_;
  int clock_ = 0;
  int cm_id_ = 0;
  int coded_ = 0;
  std::int64_t message_id_ = 0;
};

}  // namespace cmup::test
