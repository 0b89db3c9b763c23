// Shared by the files that implement SqliteJobStore: tx(), one IMMEDIATE
// transaction whose cached statements are all reset when it ends; bind_attempt_reach().
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

// How far an attempt got, as complete() and fail() both record it in upload_attempts: its
// spool path and source (NULL when none) and the bytes it moved, bound at `first`, `first + 1`
// and `first + 2`. Info is CompleteInfo or FailInfo.
template <typename Info>
void bind_attempt_reach(SQLite::Statement& st, int first, const Info& info) {
  if (info.path.empty())
    st.bind(first);
  else
    st.bind(first, info.path);
  if (info.source_id > 0)
    st.bind(first + 1, static_cast<int64_t>(info.source_id));
  else
    st.bind(first + 1);
  st.bind(first + 2, static_cast<int64_t>(info.bytes_moved));
}

}  // namespace cmup
