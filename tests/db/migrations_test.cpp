#include <gtest/gtest.h>

#include "db/database.hpp"
#include "support/test_support.hpp"
#include "util/clock.hpp"

namespace cmup {
namespace {

std::int64_t insert_title(SQLite::Database& db, const std::string& cm_id, const std::string& title) {
  SQLite::Statement q(db,
                      "INSERT INTO titles(kind, cm_id, title, year, created_at, updated_at) "
                      "VALUES ('movie', ?, ?, 1999, ?, ?)");
  q.bind(1, cm_id);
  q.bind(2, title);
  q.bind(3, static_cast<int64_t>(now_ms()));
  q.bind(4, static_cast<int64_t>(now_ms()));
  q.exec();
  return db.getLastInsertRowid();
}

std::int64_t insert_variant(SQLite::Database& db, std::int64_t title_id, const std::string& quality,
                            const std::string& coded) {
  SQLite::Statement q(db,
                      "INSERT INTO upload_variants(title_id, quality, coded_name, created_at, updated_at) "
                      "VALUES (?, ?, ?, 0, 0)");
  q.bind(1, static_cast<int64_t>(title_id));
  q.bind(2, quality);
  q.bind(3, coded);
  q.exec();
  return db.getLastInsertRowid();
}

TEST(Migrations, NewDatabaseIsCompleteAndIntact) {
  test::TempDir d;
  auto db = db::open(d / "new" / "cmup.db");
  EXPECT_EQ(db::schema_version(*db), db::latest_schema_version());
  EXPECT_GE(db::latest_schema_version(), 2);
  for (auto t : {"titles", "episodes", "source_links", "upload_variants", "variant_sources", "telegram_objects",
                 "upload_attempts", "accounts", "storage_channels"})
    EXPECT_TRUE(db->tableExists(t)) << t;
  EXPECT_EQ(db::integrity_check(*db), "ok");
  EXPECT_EQ(db->execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_EQ(db->execAndGet("PRAGMA foreign_keys").getInt(), 1);
}

TEST(Migrations, ApplyingTwiceIsANoOp) {
  test::TempDir d;
  auto db = db::open(d / "cmup.db");
  auto r = db::migrate(*db);
  EXPECT_EQ(r.applied, 0);
  EXPECT_EQ(r.from_version, r.to_version);
  EXPECT_EQ(db->execAndGet("SELECT count(*) FROM schema_migrations").getInt(), db::latest_schema_version());
  db.reset();
  auto again = db::open(d / "cmup.db");  // open migrates too
  EXPECT_EQ(db::schema_version(*again), db::latest_schema_version());
}

TEST(Migrations, UpgradeFromVersionOneKeepsDataAndIndexesIt) {
  test::TempDir d;
  auto db = db::open(d / "cmup.db", {.migrate = false});
  db::migrate_to(*db, 1);
  ASSERT_EQ(db::schema_version(*db), 1);
  auto id = insert_title(*db, "m-1", "The Matrix");
  insert_variant(*db, id, "1080P", "CM_M000001_1080P");

  auto r = db::migrate(*db);
  EXPECT_EQ(r.from_version, 1);
  EXPECT_EQ(r.to_version, db::latest_schema_version());
  EXPECT_EQ(db->execAndGet("SELECT title FROM titles WHERE id = " + std::to_string(id)).getString(), "The Matrix");
  EXPECT_EQ(db->execAndGet("SELECT count(*) FROM upload_variants").getInt(), 1);
  // The search index of version 2 covers titles written under version 1.
  EXPECT_EQ(db->execAndGet("SELECT rowid FROM titles_fts WHERE titles_fts MATCH 'matrix'").getInt64(), id);
  EXPECT_EQ(db::integrity_check(*db), "ok");
}

TEST(Schema, OneVariantPerTitleEpisodeAndQuality) {
  test::TempDir d;
  auto db = db::open(d / "cmup.db");
  auto id = insert_title(*db, "m-1", "Alien");
  insert_variant(*db, id, "1080P", "CM_M000001_1080P");
  EXPECT_THROW(insert_variant(*db, id, "1080P", "CM_M000001_1080P_X"), SQLite::Exception);
  EXPECT_NO_THROW(insert_variant(*db, id, "720P", "CM_M000001_720P"));
}

TEST(Schema, CodedNamesAreUniqueAndWellFormed) {
  test::TempDir d;
  auto db = db::open(d / "cmup.db");
  auto a = insert_title(*db, "m-1", "A");
  auto b = insert_title(*db, "m-2", "B");
  insert_variant(*db, a, "1080P", "CM_M000001_1080P");
  EXPECT_THROW(insert_variant(*db, b, "1080P", "CM_M000001_1080P"), SQLite::Exception);
  EXPECT_THROW(insert_variant(*db, b, "720P", "Alien 720p"), SQLite::Exception);
  EXPECT_THROW(insert_variant(*db, b, "1080p", "CM_M000002_1080p"), SQLite::Exception);
}

TEST(Schema, OneTelegramObjectPerVariantPart) {
  test::TempDir d;
  auto db = db::open(d / "cmup.db");
  auto t = insert_title(*db, "m-1", "A");
  auto v = insert_variant(*db, t, "1080P", "CM_M000001_1080P");
  auto put = [&](int part, int msg) {
    SQLite::Statement q(*db,
                        "INSERT INTO telegram_objects(variant_id, part_no, part_count, account, channel_id, "
                        "message_id, file_id, file_unique_id, file_name, size_bytes, created_at) "
                        "VALUES (?, ?, 2, 'ember', -100, ?, 'f', 'u', 'n', 1, 0)");
    q.bind(1, static_cast<int64_t>(v));
    q.bind(2, part);
    q.bind(3, msg);
    q.exec();
  };
  put(1, 10);
  EXPECT_THROW(put(1, 11), SQLite::Exception);  // same part twice
  EXPECT_THROW(put(3, 12), SQLite::Exception);  // part_no > part_count
  EXPECT_NO_THROW(put(2, 13));
}

TEST(Schema, VariantStatesAreAClosedSet) {
  test::TempDir d;
  auto db = db::open(d / "cmup.db");
  auto t = insert_title(*db, "m-1", "A");
  auto v = insert_variant(*db, t, "1080P", "CM_M000001_1080P");
  std::string id = std::to_string(v);
  EXPECT_THROW(db->exec("UPDATE upload_variants SET state = 'uploading' WHERE id = " + id), SQLite::Exception);
  // 'claimed' requires a lease token; 'dead' requires a reason.
  EXPECT_THROW(db->exec("UPDATE upload_variants SET state = 'claimed' WHERE id = " + id), SQLite::Exception);
  EXPECT_THROW(db->exec("UPDATE upload_variants SET state = 'dead' WHERE id = " + id), SQLite::Exception);
  EXPECT_NO_THROW(db->exec("UPDATE upload_variants SET state = 'dead', dead_reason = 'x' WHERE id = " + id));
}

TEST(Schema, ForeignKeysAreEnforced) {
  test::TempDir d;
  auto db = db::open(d / "cmup.db");
  EXPECT_THROW(insert_variant(*db, 999, "1080P", "CM_M000999_1080P"), SQLite::Exception);
}

}  // namespace
}  // namespace cmup
