#include "cm/import_plan.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace cmup::cm {

std::string ImportPlan::describe() const {
  if (full || !updated_since) return "full sweep";
  std::time_t t = static_cast<std::time_t>(*updated_since);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("changes since {:%Y-%m-%d %H:%M:%S} UTC", tm);
}

ImportPlan plan_import(SQLite::Database& db, int full_every, bool force_full, std::int64_t overlap_s) {
  ImportPlan p;
  SQLite::Statement last(db, "SELECT started_at FROM import_runs ORDER BY id DESC LIMIT 1");
  if (!last.executeStep()) return p;  // never finished one: everything
  std::int64_t last_started = last.getColumn(0).getInt64();
  SQLite::Statement since_full(db,
                               "SELECT count(*) FROM import_runs WHERE id > "
                               "(SELECT ifnull(max(id), 0) FROM import_runs WHERE full = 1)");
  since_full.executeStep();
  p.runs_since_full = since_full.getColumn(0).getInt();
  if (force_full || full_every <= 1 || p.runs_since_full + 1 >= full_every) return p;
  p.full = false;
  p.updated_since = std::max<std::int64_t>(0, last_started - overlap_s);
  return p;
}

void record_import(SQLite::Database& db, const ImportPlan& plan, std::int64_t started_at,
                   std::int64_t items) {
  SQLite::Statement q(db,
                      "INSERT INTO import_runs (started_at, finished_at, full, updated_since, items) "
                      "VALUES (?, ?, ?, ?, ?)");
  q.bind(1, started_at);
  q.bind(2, static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count()));
  q.bind(3, plan.full ? 1 : 0);
  if (plan.updated_since)
    q.bind(4, *plan.updated_since);
  else
    q.bind(4);
  q.bind(5, items);
  q.exec();
}

}  // namespace cmup::cm
