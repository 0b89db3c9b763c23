// The learning bookkeeping: a stored message is granted to one forward only; a refused one
// waits its backoff while others are learnt; a forward whose outcome was lost is not repeated
// before it is stale; a rejected id may be learnt once more.
#include "bot/file_id_learning.hpp"

#include <gtest/gtest.h>

#include "bot/bot_catalog.hpp"
#include "db/database.hpp"
#include "fixtures.hpp"
#include "support/test_support.hpp"

namespace cmup::bot {
namespace {

namespace fx = fixtures;

class Learning : public ::testing::Test {
 protected:
  test::TempDir dir;
  std::unique_ptr<SQLite::Database> db = db::open(dir / "cmup.db");
  const BackoffPolicy retry{60, 3600, 0};  // no jitter: exact times

  std::int64_t object(const std::string& name, std::int64_t message_id) {
    auto t = fx::title(*db, "movie", name, 2000);
    auto v = fx::variant(*db, t, 0, "1080P", 1);
    return fx::object(*db, v, 1, 1, -100, message_id, "f", "u-" + name);
  }
  std::vector<std::int64_t> due_ids(std::int64_t now) {
    std::vector<std::int64_t> ids;
    for (auto& o : objects_due_for_learning(*db, now, 100)) ids.push_back(o.id);
    return ids;
  }
};

TEST_F(Learning, OneClaimPerMessageUntilItsOutcomeIsKnown) {
  auto a = object("A", 1);
  EXPECT_TRUE(learning::claim(*db, a, 1000));
  EXPECT_FALSE(learning::claim(*db, a, 1001));  // a second learner (or a restart) may not forward it
  EXPECT_TRUE(due_ids(1001).empty());
  learning::learnt(*db, a);
  EXPECT_FALSE(learning::claim(*db, a, 999999999));
}

TEST_F(Learning, ARefusedForwardWaitsItsBackoffWhileOthersGoFirst) {
  auto bad = object("Bad", 1), good = object("Good", 2);
  ASSERT_TRUE(learning::claim(*db, bad, 1000));
  learning::failed(*db, bad, 1000, "Bad Request: message to forward not found", retry);
  EXPECT_EQ(due_ids(1000), std::vector<std::int64_t>{good});
  EXPECT_FALSE(learning::claim(*db, bad, 60'999));
  EXPECT_EQ(due_ids(61'000), (std::vector<std::int64_t>{good, bad}));  // never tried comes first
  ASSERT_TRUE(learning::claim(*db, bad, 61'000));
  learning::failed(*db, bad, 61'000, "again", retry);
  // Second failure: twice the wait.
  EXPECT_FALSE(learning::claim(*db, bad, 61'000 + 119'999));
  EXPECT_TRUE(learning::claim(*db, bad, 61'000 + 120'000));
  auto c = learning::counts(*db);
  EXPECT_EQ(c.unknown, 1);  // good, never tried
}

TEST_F(Learning, AForwardWhoseOutcomeWasLostIsRepeatedOnlyOnceStale) {
  auto a = object("A", 1);
  ASSERT_TRUE(learning::claim(*db, a, 1000));  // ...and the process died
  EXPECT_FALSE(learning::claim(*db, a, 1000 + learning::kStaleClaimMs - 1));
  EXPECT_TRUE(due_ids(1000 + learning::kStaleClaimMs - 1).empty());
  EXPECT_EQ(due_ids(1000 + learning::kStaleClaimMs), std::vector<std::int64_t>{a});
  EXPECT_TRUE(learning::claim(*db, a, 1000 + learning::kStaleClaimMs));
}

TEST_F(Learning, AKnownIdIsNotLearntAgainUnlessTelegramRejectedIt) {
  auto a = object("A", 1);
  ASSERT_TRUE(learning::claim(*db, a, 1000));
  ASSERT_TRUE(store_bot_file_id(*db, -100, 1, "u-A", "BOT1"));
  learning::learnt(*db, a);
  EXPECT_TRUE(due_ids(5000).empty());
  // The id was rejected: forgotten, and one new forward is allowed at once.
  db->exec("UPDATE telegram_objects SET bot_file_id = NULL");
  learning::relearn(*db, a);
  EXPECT_EQ(due_ids(5000), std::vector<std::int64_t>{a});
  EXPECT_TRUE(learning::claim(*db, a, 5000));
  EXPECT_FALSE(learning::claim(*db, a, 5001));
}

TEST_F(Learning, AnObjectThatGotItsIdFromAChannelPostIsNotClaimed) {
  auto a = object("A", 1);
  ASSERT_TRUE(store_bot_file_id(*db, -100, 1, "u-A", "BOT1"));
  EXPECT_FALSE(learning::claim(*db, a, 1000));
}

}  // namespace
}  // namespace cmup::bot
