// Online backup and restore of cmup's database.
//
// backup_database() copies a consistent snapshot of the live database to `dest` with
// SQLite's online backup API while workers, the web server and the bot keep running (WAL:
// the snapshot is one read transaction; writers are not blocked). The copy is checked with
// PRAGMA integrity_check and written to a temporary name first, so `dest` is either the
// previous file or a complete, verified backup. Throws std::runtime_error on failure.
//
// restore_database() replaces the database at `db_path` with `backup` after checking the
// backup's integrity and schema version. Stop every cmup process using the database first:
// it refuses when another connection holds a lock, and removes the old -wal/-shm files.
// A missing directory of `db_path` is created (a restore into a fresh data dir).
#pragma once

#include <filesystem>

namespace cmup::db {

struct BackupReport {
  std::int64_t bytes = 0;
  int schema_version = 0;
};

BackupReport backup_database(const std::filesystem::path& db_path, const std::filesystem::path& dest);
BackupReport restore_database(const std::filesystem::path& backup, const std::filesystem::path& db_path);

}  // namespace cmup::db
