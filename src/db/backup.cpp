#include "db/backup.hpp"

#include <SQLiteCpp/Backup.h>

#include <cstdint>
#include <stdexcept>

#include "db/database.hpp"

namespace cmup::db {

namespace {

BackupReport verify(const std::filesystem::path& file) {
  auto db = open(file, {.read_only = true, .migrate = false});
  auto check = integrity_check(*db);
  if (check != "ok") throw std::runtime_error(file.string() + " failed the integrity check: " + check);
  BackupReport r;
  r.schema_version = schema_version(*db);
  r.bytes = static_cast<std::int64_t>(std::filesystem::file_size(file));
  return r;
}

}  // namespace

BackupReport backup_database(const std::filesystem::path& db_path, const std::filesystem::path& dest) {
  if (!std::filesystem::exists(db_path)) throw std::runtime_error("no database at " + db_path.string());
  auto tmp = dest;
  tmp += ".partial";
  std::filesystem::remove(tmp);
  {
    auto src = open(db_path, {.read_only = true, .migrate = false});
    SQLite::Database out(tmp.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup b(out, *src);
    // One step copies every page inside a single read transaction: a consistent snapshot.
    // In WAL mode that does not block the writers.
    b.executeStep(-1);
    // A backup is a standalone file: no WAL beside it.
    out.exec("PRAGMA journal_mode=DELETE");
  }
  auto r = verify(tmp);
  std::filesystem::rename(tmp, dest);
  return r;
}

BackupReport restore_database(const std::filesystem::path& backup, const std::filesystem::path& db_path) {
  auto r = verify(backup);
  if (r.schema_version > latest_schema_version())
    throw std::runtime_error(backup.string() + " has schema version " + std::to_string(r.schema_version) +
                             ", newer than this cmup (" + std::to_string(latest_schema_version()) +
                             "); restore it with the cmup that made it");
  if (std::filesystem::exists(db_path)) {
    // Take the write lock so a running cmup is noticed instead of corrupted.
    auto live = open(db_path, {.busy_timeout_ms = 0, .migrate = false});
    try {
      live->exec("BEGIN EXCLUSIVE");
      live->exec("ROLLBACK");
    } catch (const SQLite::Exception&) {
      throw std::runtime_error(db_path.string() + " is in use: stop `cmup serve` and every worker, then restore");
    }
  }
  // Restoring into a fresh data dir (a new host, a lost disk) is the point of a backup.
  if (db_path.has_parent_path()) std::filesystem::create_directories(db_path.parent_path());
  auto tmp = db_path;
  tmp += ".restoring";
  std::filesystem::copy_file(backup, tmp, std::filesystem::copy_options::overwrite_existing);
  for (const char* suffix : {"-wal", "-shm"}) {
    auto side = db_path;
    side += suffix;
    std::filesystem::remove(side);
  }
  std::filesystem::rename(tmp, db_path);
  // Bring an older backup up to this version's schema.
  auto db = open(db_path);
  r.schema_version = schema_version(*db);
  return r;
}

}  // namespace cmup::db
