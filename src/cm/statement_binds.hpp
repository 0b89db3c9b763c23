// Small statement helpers of the import writer (cm/catalog_writer, cm/link_sync): bind an
// optional value as NULL when empty; run a prepared write and make it ready for the next row.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>

namespace cmup::cm {

inline void bind_opt(SQLite::Statement& st, int i, const std::optional<std::string>& v) {
  if (v)
    st.bind(i, *v);
  else
    st.bind(i);
}

inline void bind_opt(SQLite::Statement& st, int i, const std::optional<std::int64_t>& v) {
  if (v)
    st.bind(i, static_cast<std::int64_t>(*v));
  else
    st.bind(i);
}

inline void run(SQLite::Statement& st) {
  st.exec();
  st.reset();
}

}  // namespace cmup::cm
