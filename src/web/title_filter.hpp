// Filters shared by title search and browsing, rendered as a parameterized SQL clause.
//
// Contract: to_sql() returns " AND ..." conditions over the alias `t` (titles) with every
// user value as a bind parameter, never spliced into the SQL text. "Available" is the view
// available_variants (src/db/migrations/0004_available_variants.sql): only such variants can
// be delivered, so only their titles and qualities are shown by default.
#pragma once

#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cmup::web {

struct TitleFilter {
  std::optional<std::string> kind;     // "movie" | "show"
  std::optional<int> year_from;        // inclusive
  std::optional<int> year_to;          // inclusive
  std::optional<std::string> genre;    // exact, one of titles.genres
  std::optional<std::string> quality;  // "1080P", ...: an available variant of that quality
  bool available_only = true;          // titles with at least one available variant
};

struct SqlClause {
  std::string sql;
  std::vector<std::variant<std::int64_t, std::string>> binds;
  // Binds the values to `q` starting at parameter index `first`; returns the next index.
  int bind(SQLite::Statement& q, int first) const;
};

SqlClause to_sql(const TitleFilter& f);

}  // namespace cmup::web
