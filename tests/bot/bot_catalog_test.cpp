// The bot's catalog reads and writes, on a real (temporary) database.
#include "bot/bot_catalog.hpp"

#include <gtest/gtest.h>

#include "db/database.hpp"
#include "fixtures.hpp"
#include "support/test_support.hpp"

namespace cmup::bot {
namespace {

namespace fx = fixtures;

class BotCatalog : public ::testing::Test {
 protected:
  test::TempDir dir;
  std::unique_ptr<SQLite::Database> db = db::open(dir / "cmup.db");
};

TEST_F(BotCatalog, LoadsADoneVariantWithItsPartsInOrder) {
  auto t = fx::title(*db, "movie", "Inception", 2010);
  auto v = fx::variant(*db, t, 0, "1080P", 3);
  fx::object(*db, v, 3, 3, -100, 13, "f3", "u3");
  fx::object(*db, v, 1, 3, -100, 11, "f1", "u1", "b1");
  fx::object(*db, v, 2, 3, -100, 12, "f2", "u2");
  auto got = load_variant(*db, v);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->parts.size(), 3u);
  EXPECT_EQ(got->parts[0].message_id, 11);
  EXPECT_EQ(got->parts[0].bot_file_id, "b1");
  EXPECT_EQ(got->parts[2].message_id, 13);
  EXPECT_EQ(got->caption.title, "Inception");
  EXPECT_EQ(got->caption.year, 2010);
  EXPECT_EQ(got->caption.quality, "1080P");
}

TEST_F(BotCatalog, VariantWithAMissingPartOrNotDoneIsNotAvailable) {
  auto t = fx::title(*db, "movie", "Heat", 1995);
  auto v = fx::variant(*db, t, 0, "720P", 2);
  fx::object(*db, v, 1, 2, -100, 21, "f1", "u1");
  EXPECT_FALSE(load_variant(*db, v));
  auto pending = fx::variant(*db, t, 0, "1080P", 1, "pending");
  fx::object(*db, pending, 1, 1, -100, 22, "f1", "u9");
  EXPECT_FALSE(load_variant(*db, pending));
  EXPECT_FALSE(load_variant(*db, 999999));
}

TEST_F(BotCatalog, SearchFindsPrefixesAndPunctuationAndOnlyAvailableTitles) {
  auto sm = fx::title(*db, "movie", "Spider-Man", 2002);
  fx::object(*db, fx::variant(*db, sm, 0, "1080P", 1), 1, 1, -100, 31, "f1", "u31");
  auto hidden = fx::title(*db, "movie", "Spider Nothing Uploaded", 2020);
  // Done with no stored file (the view available_variants leaves it out): not offered either.
  fx::variant(*db, hidden, 0, "1080P", 1);
  auto hits = search_titles(*db, "spider man", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, sm);
  EXPECT_EQ(search_titles(*db, "spid", 10).size(), 1u);
  EXPECT_EQ(search_titles(*db, "\"*) OR (", 10).size(), 0u);  // FTS syntax in input is inert
  EXPECT_EQ(search_titles(*db, "der-M", 10).size(), 1u);      // substring fallback
}

TEST_F(BotCatalog, SeasonsEpisodesAndQualitiesOfAShow) {
  auto t = fx::title(*db, "show", "Dark", 2017);
  auto e1 = fx::episode(*db, t, 1, 1, "Secrets");
  auto e2 = fx::episode(*db, t, 1, 2, "Lies");
  auto e3 = fx::episode(*db, t, 2, 1, "Beginnings");
  fx::object(*db, fx::variant(*db, t, e1, "720P", 1), 1, 1, -100, 41, "f1", "u41");
  auto uhd = fx::variant(*db, t, e1, "2160P", 2);
  fx::object(*db, uhd, 1, 2, -100, 42, "f2", "u42");
  fx::object(*db, uhd, 2, 2, -100, 43, "f3", "u43");
  fx::object(*db, fx::variant(*db, t, e2, "1080P", 1), 1, 1, -100, 44, "f4", "u44");
  fx::object(*db, fx::variant(*db, t, e3, "1080P", 1, "pending"), 1, 1, -100, 45, "f5", "u45");
  EXPECT_EQ(seasons(*db, t), std::vector<int>({1}));
  auto eps = episodes(*db, t, 1);
  ASSERT_EQ(eps.size(), 2u);
  EXPECT_EQ(eps[1].name, "Lies");
  auto qs = qualities(*db, t, e1);
  ASSERT_EQ(qs.size(), 2u);
  EXPECT_EQ(qs[0].quality, "2160P");
  EXPECT_EQ(qs[0].part_count, 2);
}

TEST_F(BotCatalog, BotFileIdIsStoredOnlyForTheMatchingFile) {
  auto t = fx::title(*db, "movie", "Alien", 1979);
  auto v = fx::variant(*db, t, 0, "1080P", 1);
  auto o = fx::object(*db, v, 1, 1, -100, 5, "f", "uniq");
  EXPECT_FALSE(store_bot_file_id(*db, -100, 5, "other", "B1"));
  EXPECT_EQ(fx::bot_file_id(*db, o), "");
  EXPECT_EQ(objects_due_for_learning(*db, 1000, 10).size(), 1u);
  EXPECT_TRUE(store_bot_file_id(*db, -100, 5, "uniq", "B1"));
  EXPECT_EQ(fx::bot_file_id(*db, o), "B1");
  EXPECT_TRUE(objects_due_for_learning(*db, 1000, 10).empty());
}

TEST_F(BotCatalog, DeliveryLogCountsSuccessfulDeliveriesPerUser) {
  auto t = fx::title(*db, "movie", "Up", 2009);
  auto v = fx::variant(*db, t, 0, "1080P", 1);
  log_delivery(*db, {1, 1, v, "search", "sent", "", 12, 1000});
  log_delivery(*db, {1, 1, v, "search", "fallback_copy", "", 40, 2000});
  log_delivery(*db, {1, 1, v, "search", "failed", "403", 5, 3000});
  log_delivery(*db, {2, 2, 424242, "api", "not_available", "", 1, 3000});  // unknown variant: NULL
  EXPECT_EQ(deliveries_since(*db, 1, 0), 2);
  EXPECT_EQ(deliveries_since(*db, 1, 1500), 1);
  EXPECT_EQ(deliveries_since(*db, 2, 0), 0);
  auto c = delivery_counts(*db, 0);
  EXPECT_EQ(c.sent, 1);
  EXPECT_EQ(c.fallback_copy, 1);
  EXPECT_EQ(c.failed, 1);
  EXPECT_EQ(c.not_available, 1);
  EXPECT_EQ(c.median_latency_ms, 40);
}

}  // namespace
}  // namespace cmup::bot
