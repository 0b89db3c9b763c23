// Catalog rows for the bot's tests, inserted with plain SQL (what import and upload write).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>

namespace cmup::bot::fixtures {

inline std::int64_t title(SQLite::Database& db, const std::string& kind, const std::string& name,
                          std::optional<int> year) {
  SQLite::Statement q(db,
                      "INSERT INTO titles(kind, cm_id, title, year, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, 0, 0)");
  q.bind(1, kind);
  q.bind(2, "cm-" + name);
  q.bind(3, name);
  if (year) {
    q.bind(4, *year);
  } else {
    q.bind(4);
  }
  q.exec();
  return db.getLastInsertRowid();
}

inline std::int64_t episode(SQLite::Database& db, std::int64_t title_id, int season, int ep,
                            const std::string& name) {
  SQLite::Statement q(db,
                      "INSERT INTO episodes(title_id, cm_id, season, episode, name, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, ?, 0, 0)");
  q.bind(1, static_cast<int64_t>(title_id));
  q.bind(2, "ep-" + std::to_string(title_id) + "-" + std::to_string(season) + "-" + std::to_string(ep));
  q.bind(3, season);
  q.bind(4, ep);
  q.bind(5, name);
  q.exec();
  return db.getLastInsertRowid();
}

// A variant in state done (or `state`), with `parts` parts recorded.
inline std::int64_t variant(SQLite::Database& db, std::int64_t title_id, std::int64_t episode_id,
                            const std::string& quality, int parts, const std::string& state = "done") {
  static int serial = 0;
  std::string coded = "CM_M" + std::to_string(100000 + title_id * 100 + (++serial)) + "_" + quality;
  SQLite::Statement q(
      db,
      "INSERT INTO upload_variants(title_id, episode_id, quality, coded_name, state, part_count, "
      "size_bytes, created_at, updated_at, dead_reason) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?)");
  q.bind(1, static_cast<int64_t>(title_id));
  if (episode_id) {
    q.bind(2, static_cast<int64_t>(episode_id));
  } else {
    q.bind(2);
  }
  q.bind(3, quality);
  q.bind(4, coded);
  q.bind(5, state);
  q.bind(6, parts);
  q.bind(7, static_cast<int64_t>(parts) * 1000);
  if (state == "dead") {
    q.bind(8, "test");
  } else {
    q.bind(8);
  }
  q.exec();
  return db.getLastInsertRowid();
}

inline std::int64_t object(SQLite::Database& db, std::int64_t variant_id, int part_no, int part_count,
                           std::int64_t channel_id, std::int64_t message_id, const std::string& file_id,
                           const std::string& file_unique_id, const std::string& bot_file_id = "",
                           const std::string& mime = "video/mp4") {
  SQLite::Statement q(
      db,
      "INSERT INTO telegram_objects(variant_id, part_no, part_count, account, channel_id, "
      "message_id, file_id, file_unique_id, bot_file_id, file_name, size_bytes, duration_s, "
      "width, height, mime_type, created_at) VALUES (?, ?, ?, 'up', ?, ?, ?, ?, ?, ?, 1000, 12.5, "
      "640, 360, ?, 0)");
  q.bind(1, static_cast<int64_t>(variant_id));
  q.bind(2, part_no);
  q.bind(3, part_count);
  q.bind(4, static_cast<int64_t>(channel_id));
  q.bind(5, static_cast<int64_t>(message_id));
  q.bind(6, file_id);
  q.bind(7, file_unique_id);
  if (bot_file_id.empty()) {
    q.bind(8);
  } else {
    q.bind(8, bot_file_id);
  }
  q.bind(9, "CM_file_" + std::to_string(variant_id) + "_" + std::to_string(part_no) + ".mp4");
  q.bind(10, mime);
  q.exec();
  return db.getLastInsertRowid();
}

inline std::string bot_file_id(SQLite::Database& db, std::int64_t object_id) {
  SQLite::Statement q(db, "SELECT ifnull(bot_file_id, '') FROM telegram_objects WHERE id = ?");
  q.bind(1, static_cast<int64_t>(object_id));
  q.executeStep();
  return q.getColumn(0).getString();
}

}  // namespace cmup::bot::fixtures
