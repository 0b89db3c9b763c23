#include "web/title_filter.hpp"

namespace cmup::web {

int SqlClause::bind(SQLite::Statement& q, int first) const {
  int i = first;
  for (const auto& b : binds) {
    if (const auto* n = std::get_if<std::int64_t>(&b))
      q.bind(i++, *n);
    else
      q.bind(i++, std::get<std::string>(b));
  }
  return i;
}

SqlClause to_sql(const TitleFilter& f) {
  SqlClause c;
  if (f.kind) {
    c.sql += " AND t.kind = ?";
    c.binds.emplace_back(*f.kind);
  }
  if (f.year_from) {
    c.sql += " AND t.year >= ?";
    c.binds.emplace_back(static_cast<std::int64_t>(*f.year_from));
  }
  if (f.year_to) {
    c.sql += " AND t.year <= ?";
    c.binds.emplace_back(static_cast<std::int64_t>(*f.year_to));
  }
  if (f.genre) {
    c.sql += " AND EXISTS (SELECT 1 FROM json_each(t.genres) g WHERE g.value = ?)";
    c.binds.emplace_back(*f.genre);
  }
  if (f.quality) {
    c.sql += " AND EXISTS (SELECT 1 FROM available_variants v WHERE v.title_id = t.id AND v.quality = ?)";
    c.binds.emplace_back(*f.quality);
  } else if (f.available_only) {
    c.sql += " AND EXISTS (SELECT 1 FROM available_variants v WHERE v.title_id = t.id)";
  }
  return c;
}

}  // namespace cmup::web
