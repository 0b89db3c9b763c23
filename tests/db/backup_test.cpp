#include "db/backup.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "db/database.hpp"
#include "support/test_support.hpp"

namespace cmup {
namespace {

int count_titles(const std::filesystem::path& p) {
  auto db = db::open(p, {.read_only = true, .migrate = false});
  return db->execAndGet("SELECT count(*) FROM titles").getInt();
}

void add_titles(SQLite::Database& db, int from, int n) {
  db::write_tx(db, [&] {
    SQLite::Statement q(db,
                        "INSERT INTO titles(kind, cm_id, title, created_at, updated_at) VALUES ('movie', ?, ?, 0, 0)");
    for (int i = from; i < from + n; ++i) {
      q.bind(1, "m" + std::to_string(i));
      q.bind(2, "Title " + std::to_string(i));
      q.exec();
      q.reset();
    }
  });
}

TEST(Backup, ConsistentCopyWhileAWriterKeepsWriting) {
  test::TempDir d;
  auto live = db::open(d / "cmup.db");
  add_titles(*live, 0, 500);

  std::atomic<bool> stop{false};
  std::atomic<int> written{500};
  std::thread writer([&] {
    auto w = db::open(d / "cmup.db");
    while (!stop) {
      add_titles(*w, written, 10);  // whole batches only: a snapshot holds a multiple of 10
      written += 10;
    }
  });
  auto r = db::backup_database(d / "cmup.db", d / "backup.db");
  stop = true;
  writer.join();

  EXPECT_EQ(r.schema_version, db::latest_schema_version());
  int n = count_titles(d / "backup.db");
  EXPECT_GE(n, 500);
  EXPECT_EQ(n % 10, 0) << "a backup must never hold half a transaction";
  EXPECT_FALSE(std::filesystem::exists(d / "backup.db.partial"));
  auto b = db::open(d / "backup.db", {.read_only = true, .migrate = false});
  EXPECT_EQ(db::integrity_check(*b), "ok");
}

TEST(Backup, RestoreBringsBackTheSnapshot) {
  test::TempDir d;
  {
    auto live = db::open(d / "cmup.db");
    add_titles(*live, 0, 20);
  }
  db::backup_database(d / "cmup.db", d / "backup.db");
  {
    auto live = db::open(d / "cmup.db");
    add_titles(*live, 20, 30);
  }
  ASSERT_EQ(count_titles(d / "cmup.db"), 50);
  db::restore_database(d / "backup.db", d / "cmup.db");
  EXPECT_EQ(count_titles(d / "cmup.db"), 20);
}

TEST(Backup, RestoreIntoAFreshDataDirCreatesIt) {
  test::TempDir d;
  {
    auto live = db::open(d / "cmup.db");
    add_titles(*live, 0, 7);
  }
  db::backup_database(d / "cmup.db", d / "backup.db");
  auto fresh = d / "new-host" / "var" / "cmup.db";
  db::restore_database(d / "backup.db", fresh);
  EXPECT_EQ(count_titles(fresh), 7);
}

TEST(Backup, RestoreRefusesWhileTheDatabaseIsInUse) {
  test::TempDir d;
  auto live = db::open(d / "cmup.db");
  add_titles(*live, 0, 5);
  db::backup_database(d / "cmup.db", d / "backup.db");
  live->exec("BEGIN IMMEDIATE");  // a running writer
  EXPECT_THROW(db::restore_database(d / "backup.db", d / "cmup.db"), std::runtime_error);
  live->exec("ROLLBACK");
}

TEST(Backup, RestoreRejectsACorruptFile) {
  test::TempDir d;
  { auto live = db::open(d / "cmup.db"); }
  {
    std::ofstream bad(d / "bad.db");
    bad << "this is not a database";
  }
  EXPECT_THROW(db::restore_database(d / "bad.db", d / "cmup.db"), std::exception);
}

}  // namespace
}  // namespace cmup
