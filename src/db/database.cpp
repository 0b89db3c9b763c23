#include "db/database.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <cstdlib>
#include <stdexcept>

#include "util/clock.hpp"
#include "util/embedded.hpp"

namespace cmup::db {

namespace {

int version_of(std::string_view name) {
  // "0001_core.sql" -> 1
  return std::atoi(std::string(name.substr(0, name.find('_'))).c_str());
}

void ensure_migrations_table(SQLite::Database& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT");
}

}  // namespace

void configure_process() {
  // SQLITE_MISUSE when SQLite was already initialized: then the default stays, which is
  // correct, only slower.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

std::unique_ptr<SQLite::Database> open(const std::filesystem::path& path, const OpenOptions& opts) {
  if (!opts.read_only && path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  int flags = opts.read_only ? SQLite::OPEN_READONLY : (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  flags |= SQLite::OPEN_NOMUTEX;
  auto db = std::make_unique<SQLite::Database>(path.string(), flags, opts.busy_timeout_ms);
  if (!opts.read_only) db->exec("PRAGMA journal_mode=WAL");
  db->exec("PRAGMA foreign_keys=ON");
  // NORMAL is durable across application crashes in WAL mode (only an OS crash can lose
  // the last transactions), and it keeps commits cheap for the queue.
  db->exec("PRAGMA synchronous=NORMAL");
  if (!opts.read_only && opts.migrate) migrate(*db);
  return db;
}

int latest_schema_version() {
  int v = 0;
  for (const auto& m : embedded::migrations()) v = std::max(v, version_of(m.name));
  return v;
}

int schema_version(SQLite::Database& db) {
  if (!db.tableExists("schema_migrations")) return 0;
  return db.execAndGet("SELECT coalesce(max(version), 0) FROM schema_migrations").getInt();
}

MigrationReport migrate_to(SQLite::Database& db, int target) {
  ensure_migrations_table(db);
  MigrationReport r;
  r.from_version = schema_version(db);
  for (const auto& m : embedded::migrations()) {
    int v = version_of(m.name);
    if (v <= 0) throw std::logic_error("migration file without a number: " + std::string(m.name));
    if (v > target) break;
    write_tx(db, [&] {
      // Re-checked inside the write lock: another process may have applied it meanwhile.
      SQLite::Statement q(db, "SELECT 1 FROM schema_migrations WHERE version = ?");
      q.bind(1, v);
      if (q.executeStep()) return;
      db.exec(std::string(m.content));
      SQLite::Statement ins(db, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)");
      ins.bind(1, v);
      ins.bind(2, std::string(m.name));
      ins.bind(3, static_cast<int64_t>(now_ms()));
      ins.exec();
      ++r.applied;
      spdlog::info("database: applied migration {}", m.name);
    });
  }
  r.to_version = schema_version(db);
  return r;
}

MigrationReport migrate(SQLite::Database& db) { return migrate_to(db, latest_schema_version()); }

std::string integrity_check(SQLite::Database& db) {
  SQLite::Statement q(db, "PRAGMA integrity_check");
  std::string out;
  while (q.executeStep()) {
    if (!out.empty()) out += "\n";
    out += q.getColumn(0).getString();
  }
  return out;
}

}  // namespace cmup::db
