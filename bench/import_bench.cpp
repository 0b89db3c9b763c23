// bench_import: the import's insert stage alone against a plain SQLite bulk insert of the
// same rows (issue 10, figure 3).
//
//   bench_import CM_URL USERNAME PASSWORD WORK_DIR
//
// 1. Reads the whole catalog from CM (cmup-sim-cm) with cm::CmClient and parses it with the
//    importer's own parsers into memory (not timed as the insert stage; reported).
// 2. Insert stage: cm::write_items() into a fresh database (WORK_DIR/cmup.db), pages of 500
//    items, one transaction each: exactly what `cmup import` does after parsing.
// 3. Baseline: every row that step 2 wrote (titles, episodes, source_links, upload_variants,
//    variant_sources) is read into memory, then inserted into another fresh database with the
//    same schema (WORK_DIR/plain.db, same indexes and FTS triggers) by prepared INSERTs in ONE
//    transaction: the least SQLite needs to store those rows.
// Prints one JSON line with the times, the row count and rows/s of both.
#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <variant>
#include <vector>

#include "cm/catalog_writer.hpp"
#include "cm/cm_client.hpp"
#include "cm/cm_item.hpp"
#include "db/database.hpp"

namespace {

using namespace cmup;
using Clock = std::chrono::steady_clock;
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::vector<cm::Title> fetch_catalog(cm::CmClient& client, std::int64_t& rejected) {
  cm::FieldNames f;
  std::vector<cm::Title> items;
  for (int page = 1, total = 1; page <= total; ++page) {
    auto p = client.movies_page(page);
    total = p.total_pages;
    for (const auto& j : p.items) {
      auto m = cm::parse_movie(j, f);
      if (m.item) items.push_back(std::move(*m.item));
      else ++rejected;
    }
  }
  for (int page = 1, total = 1; page <= total; ++page) {
    auto p = client.shows_page(page);
    total = p.total_pages;
    for (const auto& j : p.items) {
      auto s = cm::parse_show(j, f);
      if (!s.item) {
        ++rejected;
        continue;
      }
      for (const auto& ej : client.episodes(s.item->cm_id)) {
        auto e = cm::parse_episode(ej, f);
        if (e.item) s.item->episodes.push_back(std::move(*e.item));
        else ++rejected;
      }
      items.push_back(std::move(*s.item));
    }
  }
  return items;
}

struct Table {
  std::string name;
  int columns = 0;
  std::vector<std::vector<Value>> rows;
};

Table read_table(SQLite::Database& db, const std::string& name) {
  Table t{name, 0, {}};
  SQLite::Statement q(db, "SELECT * FROM " + name);
  t.columns = q.getColumnCount();
  while (q.executeStep()) {
    std::vector<Value> row;
    row.reserve(static_cast<std::size_t>(t.columns));
    for (int c = 0; c < t.columns; ++c) {
      auto col = q.getColumn(c);
      if (col.isNull()) row.emplace_back(std::monostate{});
      else if (col.isInteger()) row.emplace_back(col.getInt64());
      else if (col.isFloat()) row.emplace_back(col.getDouble());
      else row.emplace_back(col.getString());
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

void insert_table(SQLite::Database& db, const Table& t) {
  std::string sql = "INSERT INTO " + t.name + " VALUES (";
  for (int c = 0; c < t.columns; ++c) sql += c ? ",?" : "?";
  sql += ")";
  SQLite::Statement q(db, sql);
  for (const auto& row : t.rows) {
    for (int c = 0; c < t.columns; ++c) {
      const auto& v = row[static_cast<std::size_t>(c)];
      if (std::holds_alternative<std::monostate>(v)) q.bind(c + 1);
      else if (auto* i = std::get_if<std::int64_t>(&v)) q.bind(c + 1, *i);
      else if (auto* d = std::get_if<double>(&v)) q.bind(c + 1, *d);
      else q.bind(c + 1, std::get<std::string>(v));
    }
    q.exec();
    q.reset();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: bench_import CM_URL USERNAME PASSWORD WORK_DIR\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  db::configure_process();  // as cmup's main() does, for both the insert stage and the baseline
  try {
    std::filesystem::path dir = argv[4];
    std::filesystem::create_directories(dir);
    for (auto name : {"cmup.db", "plain.db"})
      for (auto ext : {"", "-wal", "-shm"}) std::filesystem::remove(dir / (std::string(name) + ext));

    cm::CmOptions o;
    o.base_url = argv[1];
    o.username = argv[2];
    o.password = argv[3];
    cm::CmClient client(o);
    std::int64_t rejected = 0;
    auto t0 = Clock::now();
    auto items = fetch_catalog(client, rejected);
    double fetch_s = since(t0);
    std::int64_t episodes = 0;
    for (const auto& t : items) episodes += static_cast<std::int64_t>(t.episodes.size());

    auto db = db::open(dir / "cmup.db");
    t0 = Clock::now();
    auto counts = cm::write_items(*db, items, 500);
    double insert_s = since(t0);

    std::vector<Table> tables;
    std::int64_t rows = 0;
    for (auto name : {"titles", "episodes", "source_links", "upload_variants", "variant_sources"}) {
      tables.push_back(read_table(*db, name));
      rows += static_cast<std::int64_t>(tables.back().rows.size());
    }
    db.reset();

    auto plain = db::open(dir / "plain.db");
    t0 = Clock::now();
    db::write_tx(*plain, [&] {
      for (const auto& t : tables) insert_table(*plain, t);
    });
    double plain_s = since(t0);

    std::cout << nlohmann::json{{"items", static_cast<std::int64_t>(items.size()) + episodes},
                                {"titles", items.size()},
                                {"episodes", episodes},
                                {"rejected", rejected},
                                {"skipped", counts.skipped},
                                {"rows", rows},
                                {"fetch_parse_s", fetch_s},
                                {"insert_s", insert_s},
                                {"plain_s", plain_s},
                                {"insert_rows_per_s", rows / insert_s},
                                {"plain_rows_per_s", rows / plain_s}}
                     .dump()
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_import: " << e.what() << "\n";
    return 1;
  }
}
