// A pool of read-only SQLite connections for the web server's request threads.
//
// Contract: acquire() hands out a connection used by one thread at a time and returns it to
// the pool when the Lease is destroyed; at most `max_idle` idle connections are kept. A Lease
// holds one read transaction for its whole life: everything read through it is one consistent
// snapshot, and the WAL read lock is taken once per request rather than once per statement. The
// connections are read-only (SQLITE_OPEN_READONLY, WAL): they see committed data of the
// importer and workers writing concurrently and can never change the database.
// Thread-safe.
#pragma once

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

namespace cmup::web {

class ReadPool {
 public:
  ReadPool(std::filesystem::path path, std::size_t max_idle);

  class Lease {
   public:
    Lease(ReadPool& pool, std::unique_ptr<SQLite::Database> db);
    Lease(Lease&&) = default;
    ~Lease();
    SQLite::Database& operator*() { return *db_; }
    SQLite::Database* operator->() { return db_.get(); }

   private:
    ReadPool* pool_;
    std::unique_ptr<SQLite::Database> db_;
  };

  // Throws SQLite::Exception when the database cannot be opened.
  Lease acquire();

 private:
  std::filesystem::path path_;
  std::size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<SQLite::Database>> idle_;
};

}  // namespace cmup::web
