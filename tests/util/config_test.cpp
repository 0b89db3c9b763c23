#include "util/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/test_support.hpp"

namespace cmup {
namespace {

void write(const std::filesystem::path& p, const std::string& s) {
  std::ofstream(p) << s;
}

TEST(Config, DefaultsCoverEverySection) {
  auto c = Config::defaults();
  EXPECT_EQ(c.str("cm.login_path"), "/auth/login");
  EXPECT_EQ(c.integer("cm.refresh_margin_s"), 60);
  EXPECT_EQ(c.integer("queue.lease_s"), 600);
  EXPECT_EQ(c.str("web.listen"), "127.0.0.1:8080");
  EXPECT_EQ(c.source_of("cm.base_url"), "default");
  EXPECT_THROW(c.str("no.such_key"), std::logic_error);
}

TEST(Config, FileOverridesDefaults) {
  test::TempDir d;
  write(d / "c.toml", "[cm]\nbase_url = \"http://cm.local:9000\"\nper_page = 50\n");
  char* env[] = {nullptr};
  auto c = Config::load(d / "c.toml", true, env);
  EXPECT_EQ(c.str("cm.base_url"), "http://cm.local:9000");
  EXPECT_EQ(c.integer("cm.per_page"), 50);
  EXPECT_EQ(c.str("cm.movies_path"), "/movies");  // untouched default
  EXPECT_EQ(c.source_of("cm.per_page"), (d / "c.toml").string());
}

TEST(Config, EnvironmentOverridesFile) {
  test::TempDir d;
  write(d / "c.toml", "[cm]\nper_page = 50\n[database]\npath = \"/x.db\"\n");
  std::string e1 = "CMUP_CM_PER_PAGE=77", e2 = "CMUP_DATABASE_PATH=/srv/cmup.db", e3 = "CMUP_BOT_PROTECT_CONTENT=true",
              e4 = "OTHER=1";
  char* env[] = {e1.data(), e2.data(), e3.data(), e4.data(), nullptr};
  auto c = Config::load(d / "c.toml", true, env);
  EXPECT_EQ(c.integer("cm.per_page"), 77);
  EXPECT_EQ(c.database_path(), "/srv/cmup.db");
  EXPECT_TRUE(c.boolean("bot.protect_content"));
  EXPECT_EQ(c.source_of("cm.per_page"), "env CMUP_CM_PER_PAGE");
}

TEST(Config, WrongTypesAreReportedWithTheKey) {
  test::TempDir d;
  write(d / "c.toml", "[cm]\nper_page = \"many\"\n");
  char* env[] = {nullptr};
  try {
    Config::load(d / "c.toml", true, env);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("cm.per_page"), std::string::npos) << e.what();
  }
  std::string bad = "CMUP_QUEUE_LEASE_S=ten";
  char* env2[] = {bad.data(), nullptr};
  EXPECT_THROW(Config::load(d / "missing.toml", false, env2), ConfigError);
}

// web.listen and coordinator.listen are read by the one address rule; a bad one names its key.
TEST(Config, AddressSettingsParseAndABadOneNamesItsKey) {
  test::TempDir d;
  write(d / "c.toml", "[web]\nlisten = \"[::1]:8080\"\n[coordinator]\nlisten = \"::1:9000\"\n");
  char* env[] = {nullptr};
  auto c = Config::load(d / "c.toml", true, env);
  auto web = c.address("web.listen");
  EXPECT_EQ(web.host, "::1");
  EXPECT_EQ(web.port, 8080);
  try {
    c.address("coordinator.listen");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("coordinator.listen: ", 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("brackets"), std::string::npos) << e.what();
  }
}

TEST(Config, UnknownKeysAndMissingRequiredFileFail) {
  test::TempDir d;
  write(d / "c.toml", "[cm]\nbase_ulr = \"typo\"\n");
  char* env[] = {nullptr};
  EXPECT_THROW(Config::load(d / "c.toml", true, env), ConfigError);
  EXPECT_THROW(Config::load(d / "nope.toml", true, env), ConfigError);
  EXPECT_NO_THROW(Config::load(d / "nope.toml", false, env));
}

TEST(Config, AccountsChannelsAndTokenFromEnvironment) {
  test::TempDir d;
  write(d / "c.toml",
        "[[accounts]]\nname = \"rora\"\nbackend = \"tdlib\"\nkind = \"premium\"\n"
        "[[accounts]]\nname = \"ember\"\ntoken = \"1:from-file\"\n"
        "[[channels]]\nchat_id = -1001\nkind = \"movie\"\n");
  std::string e = "CMUP_ACCOUNT_EMBER_TOKEN=42:secret";
  char* env[] = {e.data(), nullptr};
  auto c = Config::load(d / "c.toml", true, env);
  ASSERT_EQ(c.accounts().size(), 2u);
  EXPECT_EQ(c.account("rora")->kind, "premium");
  EXPECT_EQ(c.account("ember")->backend, "botapi");
  EXPECT_EQ(c.account("ember")->token, "42:secret");
  ASSERT_EQ(c.channels().size(), 1u);
  EXPECT_EQ(c.channels()[0].chat_id, -1001);
  EXPECT_EQ(account_kind_limit("premium"), 4000LL * 1024 * 1024);
  EXPECT_EQ(account_kind_limit("regular"), 2000LL * 1024 * 1024);
  EXPECT_EQ(account_kind_limit("cloud_bot"), 50'000'000);
}

TEST(Config, BadAccountsAreRejected) {
  test::TempDir d;
  char* env[] = {nullptr};
  write(d / "a.toml", "[[accounts]]\nname = \"Bad Name\"\n");
  EXPECT_THROW(Config::load(d / "a.toml", true, env), ConfigError);
  write(d / "b.toml", "[[accounts]]\nname = \"x\"\nkind = \"gold\"\n");
  EXPECT_THROW(Config::load(d / "b.toml", true, env), ConfigError);
  write(d / "c.toml", "[[accounts]]\nname = \"x\"\n[[accounts]]\nname = \"x\"\n");
  EXPECT_THROW(Config::load(d / "c.toml", true, env), ConfigError);
}

}  // namespace
}  // namespace cmup
