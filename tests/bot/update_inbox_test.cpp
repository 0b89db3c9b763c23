// The durable update inbox: the offset moves with the stored updates in one transaction.
#include "bot/update_inbox.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "db/database.hpp"
#include "support/test_support.hpp"

namespace cmup::bot {
namespace {

using nlohmann::json;

json text(std::int64_t id, const std::string& t) {
  return {{"update_id", id},
          {"message", {{"message_id", 1}, {"from", {{"id", 9}}}, {"chat", {{"id", 9}}}, {"text", t}}}};
}

TEST(UpdateInbox, AcceptStoresNewUpdatesAndMovesTheOffset) {
  test::TempDir dir;
  auto db = db::open(dir / "cmup.db");
  EXPECT_EQ(UpdateInbox::offset(*db), 0);
  auto got = UpdateInbox::accept(
      *db, json::array({text(5, "a"), json{{"update_id", 6}, {"poll", {}}}, text(7, "b")}));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(UpdateInbox::offset(*db), 8);
  // A re-delivery of what was taken is dropped.
  EXPECT_TRUE(UpdateInbox::accept(*db, json::array({text(7, "b")})).empty());
  UpdateInbox::done(*db, 5);
  auto left = UpdateInbox::pending(*db);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].text, "b");
}

TEST(UpdateInbox, SurvivesReopening) {
  test::TempDir dir;
  {
    auto db = db::open(dir / "cmup.db");
    UpdateInbox::accept(*db, json::array({text(100, "x")}));
  }
  auto db = db::open(dir / "cmup.db");
  EXPECT_EQ(UpdateInbox::offset(*db), 101);
  EXPECT_EQ(UpdateInbox::pending(*db).size(), 1u);
}

TEST(UpdateInbox, GarbageBatchesAreHarmless) {
  test::TempDir dir;
  auto db = db::open(dir / "cmup.db");
  EXPECT_TRUE(UpdateInbox::accept(*db, json::object()).empty());
  EXPECT_TRUE(UpdateInbox::accept(*db, json::array({1, "x", nullptr, json::array()})).empty());
  EXPECT_EQ(UpdateInbox::offset(*db), 0);
}

}  // namespace
}  // namespace cmup::bot
