// SearchService: pages cut from one ranked result set, answers cached until the catalog
// changes, and the index following the database.
#include "web/search_service.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "support/test_support.hpp"
#include "web/catalog_fixture.hpp"
#include "web/catalog_reader.hpp"

namespace cmup::web {
namespace {

using nlohmann::json;

class SearchServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = db::open(dir / "cmup.db");
    cat = std::make_unique<test::CatalogFixture>(*db);
    auto& f = *cat;
    auto add = [&](const std::string& name, int year) {
      auto id = f.movie(name, year, R"(["Fantasy"])");
      f.variant(id, 0, "1080P");
      return id;
    };
    add("The Lord of the Rings", 1978);
    add("The Lord of the Rings: The Fellowship of the Ring", 2001);
    add("The Lord of the Rings: The Two Towers", 2002);
    add("The Lord of the Rings: The Return of the King", 2003);
    add("Lord of War", 2005);
    add("Lord of Illusions", 1995);
    add("Lords of Dogtown", 2005);
    add("Lord Jim", 1965);
    add("Greystoke: The Legend of Tarzan, Lord of the Apes", 1984);
    add("The Lord of the Rings: The War of the Rohirrim", 2024);
    add("Lord of the Flies", 1990);
    add("The Matrix", 1999);
    revolutions = f.movie("The Matrix Revolutions", 2003);
    pending_variant = f.variant(revolutions, 0, "1080P", "claimed");
    SearchOptions o;
    o.background = false;  // the test decides when the index follows the database
    service = std::make_unique<SearchService>(pool, o);
  }
  TitleQuery query(const std::string& q, int limit, std::optional<TitleCursor> cursor = std::nullopt) {
    TitleQuery t;
    t.q = q;
    t.sort = TitleSort::Relevance;
    t.limit = limit;
    t.cursor = cursor;
    return t;
  }
  // Every id of a search, page by page, following next_cursor.
  std::vector<std::int64_t> all_pages(const std::string& q, int limit) {
    std::vector<std::int64_t> out;
    std::optional<TitleCursor> cursor;
    for (int guard = 0; guard < 200; ++guard) {
      auto page = json::parse(*service->titles_page(query(q, limit, cursor)));
      EXPECT_LE(page["titles"].size(), static_cast<std::size_t>(limit));
      for (const auto& t : page["titles"]) out.push_back(t["id"]);
      if (page["next_cursor"].is_null()) return out;
      cursor = decode_cursor(query(q, limit), page["next_cursor"].get<std::string>());
      EXPECT_TRUE(cursor.has_value());
      if (!cursor) return out;
    }
    ADD_FAILURE() << "more than 200 pages";
    return out;
  }
  std::vector<std::int64_t> ids(const std::string& q) { return all_pages(q, 100); }

  test::TempDir dir;
  std::unique_ptr<SQLite::Database> db;
  std::unique_ptr<test::CatalogFixture> cat;  // one, so its generated names and message ids stay unique
  ReadPool pool{dir / "cmup.db", 4};
  std::unique_ptr<SearchService> service;
  std::int64_t revolutions = 0, pending_variant = 0;
};

TEST_F(SearchServiceTest, PagesNeverDependOnThePageSize) {
  for (std::string q : {"lord", "the", "lord rings", "lor"}) {
    auto whole = ids(q);
    ASSERT_GE(whole.size(), 5u) << q;
    for (int limit : {1, 2, 3, 4, 7, 100}) EXPECT_EQ(all_pages(q, limit), whole) << q << " limit=" << limit;
  }
  EXPECT_EQ(ids("lord").size(), 11u);  // every title with a word starting "lord", each once
}

TEST_F(SearchServiceTest, AnswersAreRenderedLikeBrowsing) {
  auto searched = json::parse(*service->titles_page(query("the matrix", 24)));
  ASSERT_EQ(searched["titles"].size(), 1u);
  TitleQuery browse;
  browse.limit = 100;
  auto lease = pool.acquire();
  auto browsed = list_titles(*lease, browse);
  json same;
  for (const auto& t : browsed["titles"])
    if (t["id"] == searched["titles"][0]["id"]) same = t;
  EXPECT_EQ(searched["titles"][0], same);
  EXPECT_EQ(searched["titles"][0]["qualities"], json({"1080P"}));
}

TEST_F(SearchServiceTest, RepeatedQueriesAreServedFromTheCache) {
  auto first = service->titles_page(query("lord", 4));
  auto again = service->titles_page(query("lord", 4));
  EXPECT_EQ(first.get(), again.get());  // the same rendered answer, not a new search
  EXPECT_EQ(service->stats().cache.hits, 1u);
  auto other_size = service->titles_page(query("lord", 5));
  EXPECT_NE(first.get(), other_size.get());
}

TEST_F(SearchServiceTest, AVariantBecomingDoneDropsCachedAnswers) {
  auto before = service->titles_page(query("matrix", 24));
  EXPECT_EQ(json::parse(*before)["titles"].size(), 1u);  // Revolutions is still uploading
  auto& f = *cat;
  db->exec("UPDATE upload_variants SET state = 'done', lease_token = NULL WHERE id = " +
           std::to_string(pending_variant));
  EXPECT_EQ(json::parse(*service->titles_page(query("matrix", 24)))["titles"].size(),
            1u);  // not yet refreshed
  f.object(pending_variant, 1, 1, 1000, "CM_M_REV");
  EXPECT_TRUE(service->refresh());
  auto after = json::parse(*service->titles_page(query("matrix", 24)));
  ASSERT_EQ(after["titles"].size(), 2u);
  EXPECT_EQ(after["titles"][1]["id"], revolutions);
  EXPECT_EQ(after["titles"][1]["qualities"], json({"1080P"}));
}

TEST_F(SearchServiceTest, ANewTitleDropsCachedAnswers) {
  EXPECT_EQ(ids("resurrections").size(), 0u);
  auto cached = service->titles_page(query("matrix", 24));
  auto& f = *cat;
  auto id = f.movie("The Matrix Resurrections", 2021);
  f.variant(id, 0, "2160P");
  EXPECT_TRUE(service->refresh());
  EXPECT_EQ(ids("resurrections"), std::vector<std::int64_t>{id});
  auto now = json::parse(*service->titles_page(query("matrix", 24)));
  EXPECT_EQ(now["titles"].size(), 2u);
  EXPECT_NE(service->titles_page(query("matrix", 24)).get(), cached.get());
}

TEST_F(SearchServiceTest, ChangesUsersCannotSeeDoNotRebuild) {
  service->titles_page(query("lord", 24));
  auto generation = service->stats().generation;
  // A worker's progress report on a claimed variant, and a re-import writing the same values.
  db->exec("UPDATE upload_variants SET progress = '{\"stage\":\"upload\"}' WHERE id = " +
           std::to_string(pending_variant));
  db->exec("UPDATE titles SET updated_at = updated_at + 1, title = title");
  EXPECT_FALSE(service->refresh());
  EXPECT_EQ(service->stats().generation, generation);
}

TEST_F(SearchServiceTest, TheBackgroundThreadFollowsTheDatabase) {
  SearchOptions o;
  o.poll_interval = std::chrono::milliseconds(20);
  o.min_title_rebuild_gap = std::chrono::milliseconds(0);
  SearchService live(pool, o);
  auto has_title = [&](const std::string& q) {
    TitleQuery t = query(q, 24);
    return !json::parse(*live.titles_page(t))["titles"].empty();
  };
  EXPECT_FALSE(has_title("rohan"));
  auto& f = *cat;
  auto id = f.movie("Rohan Rising", 2030);
  f.variant(id, 0, "720P");
  // Bounded wait on the condition itself (no fixed sleep): the thread polls every 20 ms.
  bool seen = false;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       !seen && std::chrono::steady_clock::now() < deadline;) {
    seen = has_title("rohan");
    if (!seen)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll the condition, not a fixed wait
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace cmup::web
