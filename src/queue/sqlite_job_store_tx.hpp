// SqliteJobStore::tx, shared by the files that implement SqliteJobStore: one IMMEDIATE
// transaction whose cached statements are all reset when it ends.
#pragma once

#include "db/database.hpp"
#include "queue/sqlite_job_store.hpp"

namespace cmup {

template <typename F>
auto SqliteJobStore::tx(F&& f) -> decltype(f()) {
  // Every cached statement is reset when the transaction ends, so none keeps a read snapshot
  // open between calls (that would pin old WAL frames and hide other processes' writes).
  struct ResetAll {
    std::map<const char*, std::unique_ptr<SQLite::Statement>>& s;
    ~ResetAll() {
      for (auto& [_, st] : s) {
        try {
          st->reset();
        } catch (...) {
        }
      }
    }
  };
  return db::write_tx(*db_, [&]() -> decltype(f()) {
    ResetAll r{stmts_};
    return f();
  });
}

}  // namespace cmup
