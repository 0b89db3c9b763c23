// The cmup binary as an operator runs it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "db/database.hpp"
#include "support/test_support.hpp"

namespace cmup {
namespace {

TEST(Cli, DbMigrateCreatesAnIntactDatabase) {
  test::TempDir d;
  auto dbpath = (d / "sub" / "cmup.db").string();
  auto r = test::run({test::cmup_binary(), "db", "migrate"},
                     {{"CMUP_DATABASE_PATH", dbpath}});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("schema version 0 -> "), std::string::npos) << r.output;
  auto db = db::open(dbpath, {.read_only = true});
  EXPECT_EQ(db::integrity_check(*db), "ok");
  EXPECT_EQ(db::schema_version(*db), db::latest_schema_version());

  auto again = test::run({test::cmup_binary(), "db", "migrate"}, {{"CMUP_DATABASE_PATH", dbpath}});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("(0 migrations applied)"), std::string::npos) << again.output;
}

TEST(Cli, InitWritesAPrivateConfigThatLoads) {
  test::TempDir d;
  auto cfg = (d / "cmup.toml").string();
  auto r = test::run({test::cmup_binary(), "--config", cfg, "init"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  struct stat st {};
  ASSERT_EQ(stat(cfg.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  // Refuses to overwrite.
  EXPECT_NE(test::run({test::cmup_binary(), "--config", cfg, "init"}).exit_code, 0);
  // The written file is a valid config.
  auto m = test::run({test::cmup_binary(), "--config", cfg, "db", "migrate"},
                     {{"CMUP_DATABASE_PATH", (d / "x.db").string()}});
  EXPECT_EQ(m.exit_code, 0) << m.output;
}

TEST(Cli, ConfigErrorsNameTheSettingAndExitTwo) {
  test::TempDir d;
  auto r = test::run({test::cmup_binary(), "db", "migrate"}, {{"CMUP_DATABASE_BUSY_TIMEOUT_MS", "soon"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("database.busy_timeout_ms"), std::string::npos) << r.output;
}

TEST(Cli, EverySubcommandHasHelp) {
  for (auto sub : {"init", "db", "import", "worker", "serve", "status", "quality", "demo"}) {
    auto r = test::run({test::cmup_binary(), sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub << ": " << r.output;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << sub;
  }
}

}  // namespace
}  // namespace cmup
