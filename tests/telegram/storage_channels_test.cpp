// Storage channel bookkeeping: config sync, the documented pick rule, success/failure
// accounting, and the accounts table sync.
#include "telegram/storage_channels.hpp"

#include <gtest/gtest.h>

#include "db/database.hpp"
#include "support/test_support.hpp"
#include "util/config.hpp"

namespace cmup {
namespace {

std::vector<ChannelConfig> channels(std::initializer_list<std::pair<std::int64_t, const char*>> list) {
  std::vector<ChannelConfig> out;
  for (auto [id, kind] : list) out.push_back(ChannelConfig{id, kind});
  return out;
}

TEST(StorageChannels, PicksLeastBytesThenFilesThenChatIdAmongEnabledOfTheKind) {
  test::TempDir dir;
  auto db = db::open(dir / "c.db");
  sync_channels(*db, channels({{-103, "movie"}, {-101, "movie"}, {-102, "movie"}, {-200, "tv"}}));
  EXPECT_EQ(pick_storage_channel(*db, "movie"), -103);  // all empty: smallest chat id
  EXPECT_EQ(pick_storage_channel(*db, "tv"), -200);
  note_channel_success(*db, -103, 10, 5000);
  EXPECT_EQ(pick_storage_channel(*db, "movie"), -102);
  note_channel_success(*db, -102, 4, 1000);
  note_channel_success(*db, -101, 4, 500);
  note_channel_success(*db, -101, 5, 500);
  // -101 and -102 hold 1000 bytes each; -102 has fewer files.
  EXPECT_EQ(pick_storage_channel(*db, "movie"), -102);
  auto c = find_channel(*db, -101);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->files_stored, 2);
  EXPECT_EQ(c->bytes_stored, 1000);
  EXPECT_EQ(c->last_message_id, 5);
}

TEST(StorageChannels, RepeatedRightsFailuresDisableTheChannelAndSuccessResetsTheCount) {
  test::TempDir dir;
  auto db = db::open(dir / "c.db");
  sync_channels(*db, channels({{-101, "movie"}, {-102, "movie"}}));
  EXPECT_FALSE(note_channel_failure(*db, -101, "not enough rights", 3));
  note_channel_success(*db, -101, 1, 10);
  EXPECT_FALSE(note_channel_failure(*db, -101, "not enough rights", 3));
  EXPECT_FALSE(note_channel_failure(*db, -101, "not enough rights", 3));
  EXPECT_TRUE(note_channel_failure(*db, -101, "account rora cannot post: not enough rights", 3));
  auto c = find_channel(*db, -101);
  EXPECT_FALSE(c->enabled);
  EXPECT_EQ(c->disabled_reason, "refused uploads 3 times in a row; last: account rora cannot post: not enough rights");
  EXPECT_NE(channel_fix(*c).find("then run `cmup doctor --enable -101`"), std::string::npos) << channel_fix(*c);
  EXPECT_EQ(channel_fix(*find_channel(*db, -102)), "");  // enabled: nothing to fix
  EXPECT_EQ(pick_storage_channel(*db, "movie"), -102);
  // A config reload does not re-enable a channel disabled for rights.
  sync_channels(*db, channels({{-101, "movie"}, {-102, "movie"}}));
  EXPECT_FALSE(find_channel(*db, -101)->enabled);
  enable_channel(*db, -101);
  EXPECT_TRUE(find_channel(*db, -101)->enabled);
}

TEST(StorageChannels, ChannelsLeavingTheConfigAreDisabledAndComeBack) {
  test::TempDir dir;
  auto db = db::open(dir / "c.db");
  sync_channels(*db, channels({{-101, "movie"}}));
  sync_channels(*db, channels({}));
  EXPECT_FALSE(find_channel(*db, -101)->enabled);
  EXPECT_THROW(pick_storage_channel(*db, "movie"), NoStorageChannel);
  sync_channels(*db, channels({{-101, "movie"}}));
  EXPECT_TRUE(find_channel(*db, -101)->enabled);
  try {
    pick_storage_channel(*db, "tv");
    FAIL();
  } catch (const NoStorageChannel& e) {
    EXPECT_NE(std::string(e.what()).find("[[channels]]"), std::string::npos);
  }
}

TEST(Accounts, SyncUsesTheKindLimitUnlessSetAndDisablesRemovedAccounts) {
  test::TempDir dir;
  auto db = db::open(dir / "c.db");
  AccountConfig a{"ember", "botapi", "local_bot", "t", "", 0, 1, {}};
  AccountConfig b{"rora", "tdlib", "premium", "", "", 0, 2, {}};
  AccountConfig c{"small", "botapi", "cloud_bot", "t", "", 1000, 1, {}};
  sync_accounts(*db, {a, b, c});
  auto limit = [&](const char* name) {
    SQLite::Statement q(*db, "SELECT max_upload_bytes, enabled FROM accounts WHERE name = ?");
    q.bind(1, name);
    q.executeStep();
    return std::pair{q.getColumn(0).getInt64(), q.getColumn(1).getInt()};
  };
  EXPECT_EQ(limit("ember").first, 2'000'000'000);
  EXPECT_EQ(limit("rora").first, 4000LL * 1024 * 1024);
  EXPECT_EQ(limit("small").first, 1000);
  sync_accounts(*db, {a, b});
  EXPECT_EQ(limit("small").second, 0);
  EXPECT_EQ(limit("ember").second, 1);
}

}  // namespace
}  // namespace cmup
