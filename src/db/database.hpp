// Opening cmup's SQLite database, applying migrations, and running transactions.
//
// Contract: open() returns a connection with WAL journaling, foreign keys enforced and a
// busy timeout set, creating the file (and its directory) when missing; it throws
// SQLite::Exception with the path in the message when the file cannot be opened.
// A connection is for one thread at a time; open one per thread or process.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

namespace cmup::db {

// Process-wide SQLite settings: call once at the start of main(), before any connection is
// opened (later it changes nothing). Turns off SQLite's allocation statistics, which nothing
// in cmup reads and which made every SQLite allocation take a process-wide mutex.
void configure_process();

struct OpenOptions {
  int busy_timeout_ms = 10000;
  bool read_only = false;
  bool migrate = true;  // apply pending migrations on open (writable connections only)
};

std::unique_ptr<SQLite::Database> open(const std::filesystem::path& path, const OpenOptions& opts = {});

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  int applied = 0;
};
// Applies every embedded migration newer than the database's version, each in its own
// IMMEDIATE transaction (safe if several processes start at once). Applying twice is a no-op.
MigrationReport migrate(SQLite::Database& db);
// Same, but only up to `version` (tests of upgrades).
MigrationReport migrate_to(SQLite::Database& db, int version);
int schema_version(SQLite::Database& db);
int latest_schema_version();

// "ok", or SQLite's list of problems.
std::string integrity_check(SQLite::Database& db);

// Runs `f()` inside BEGIN IMMEDIATE ... COMMIT; rolls back and rethrows if `f` throws.
// IMMEDIATE takes the write lock up front, so two writers never deadlock on upgrade.
template <typename F>
auto write_tx(SQLite::Database& db, F&& f) -> decltype(f()) {
  db.exec("BEGIN IMMEDIATE");
  try {
    if constexpr (std::is_void_v<decltype(f())>) {
      f();
      db.exec("COMMIT");
    } else {
      auto r = f();
      db.exec("COMMIT");
      return r;
    }
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
}

}  // namespace cmup::db
