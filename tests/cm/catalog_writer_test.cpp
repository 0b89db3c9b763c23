// The insert stage of the import: what lands in the database (titles, episodes, links,
// queue entries), and that re-importing, adding and removing links behave as documented.
#include "cm/catalog_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "db/database.hpp"
#include "support/test_support.hpp"

namespace cmup::cm {
namespace {

using json = nlohmann::json;

json movie_json(const std::string& id, const std::string& title, json sources) {
  return {
      {"id", id}, {"title", title}, {"year", 1999}, {"genres", {"Sci-Fi", "Action"}}, {"sources", sources}};
}

Title movie(const std::string& id, const std::string& title, json sources) {
  auto p = parse_movie(movie_json(id, title, std::move(sources)), FieldNames{});
  EXPECT_TRUE(p.item) << p.error;
  return *p.item;
}

Title show_with_episodes(const std::string& id, std::vector<json> episodes) {
  auto p = parse_show(json{{"id", id}, {"title", "Show " + id}, {"year", 2010}}, FieldNames{});
  EXPECT_TRUE(p.item) << p.error;
  for (const auto& e : episodes) {
    auto pe = parse_episode(e, FieldNames{});
    EXPECT_TRUE(pe.item) << pe.error;
    p.item->episodes.push_back(*pe.item);
  }
  return *p.item;
}

class CatalogWriterTest : public ::testing::Test {
 protected:
  std::int64_t count(const std::string& sql) {
    SQLite::Statement q(*db_, sql);
    q.executeStep();
    return q.getColumn(0).getInt64();
  }
  std::string text(const std::string& sql) {
    SQLite::Statement q(*db_, sql);
    return q.executeStep() ? q.getColumn(0).getString() : "";
  }
  // Every row of the import's tables, timestamps included: a no-op must leave it identical.
  std::string snapshot() {
    std::string out;
    for (const char* t : {"titles", "episodes", "source_links", "upload_variants", "variant_sources"}) {
      SQLite::Statement q(*db_, std::string("SELECT * FROM ") + t + " ORDER BY 1, 2");
      while (q.executeStep()) {
        for (int i = 0; i < q.getColumnCount(); ++i) out += q.getColumn(i).getString() + "|";
        out += "\n";
      }
    }
    return out;
  }

  test::TempDir dir_;
  std::unique_ptr<SQLite::Database> db_ = db::open(dir_ / "cmup.db");
};

TEST_F(CatalogWriterTest, MovieBecomesTitleLinksAndOnePendingVariantPerQuality) {
  auto m = movie("m1", "The Matrix",
                 json::array({{{"url", "http://cdn.example/matrix.1080p.mkv"}},
                              {{"url", "http://cdn.example/matrix.mp4"}, {"quality", "1080p"}},
                              {{"url", "http://cdn.example/matrix.720p.mp4"}},
                              {{"url", "HTTP://CDN.example:80/matrix.mp4#dup"}}}));
  auto c = write_items(*db_, {m});
  EXPECT_EQ(c.titles_new, 1);
  EXPECT_EQ(count("SELECT count(*) FROM source_links"), 3) << "the duplicate link is one link";
  EXPECT_EQ(count("SELECT count(*) FROM upload_variants WHERE state = 'pending'"), 2);
  EXPECT_EQ(
      text("SELECT group_concat(coded_name) FROM (SELECT coded_name FROM upload_variants ORDER BY quality)"),
      "CM_M000001_1080P,CM_M000001_720P");
  EXPECT_EQ(text("SELECT genres FROM titles"), R"(["Action","Sci-Fi"])");
  // Explicit quality first, then MP4, then CM's order: the explicit mp4 ranks above the mkv.
  EXPECT_EQ(
      text("SELECT group_concat(url) FROM (SELECT s.url FROM variant_sources vs JOIN source_links s ON "
           "s.id = vs.source_id JOIN upload_variants v ON v.id = vs.variant_id WHERE v.quality = '1080P' "
           "ORDER BY vs.rank)"),
      "http://cdn.example/matrix.mp4,http://cdn.example/matrix.1080p.mkv");
}

TEST_F(CatalogWriterTest, ReimportChangesNothing) {
  std::vector<Title> items{movie("m1", "A", json::array({{{"url", "http://h/a.1080p.mp4"}}})),
                           movie("m2", "B", json::array({{{"url", "http://h/b.720p.mp4"}}})),
                           show_with_episodes("s1", {{{"id", "e1"},
                                                      {"season", 1},
                                                      {"episode", 1},
                                                      {"sources", {{{"url", "http://h/s1e1.720p.mp4"}}}}}})};
  write_items(*db_, items);
  auto before = snapshot();
  auto c = write_items(*db_, items);
  EXPECT_EQ(c.items_new(), 0);
  EXPECT_EQ(c.items_updated(), 0);
  EXPECT_EQ(c.items_unchanged(), 4);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(CatalogWriterTest, NewSourceForDoneVariantIsAFallbackNotARequeue) {
  write_items(*db_, {movie("m1", "A", json::array({{{"url", "http://h/a.1080p.mp4"}}}))});
  db_->exec("UPDATE upload_variants SET state = 'done', done_at = 1");
  auto c = write_items(*db_, {movie("m1", "A",
                                    json::array({{{"url", "http://h/b.1080p.mp4"}, {"quality", "1080p"}},
                                                 {{"url", "http://h/a.1080p.mp4"}}}))});
  EXPECT_EQ(c.titles_updated, 1);
  EXPECT_EQ(count("SELECT count(*) FROM upload_variants"), 1);
  EXPECT_EQ(text("SELECT state FROM upload_variants"), "done");
  // The new link would rank first for a new variant; for a done one it is appended.
  EXPECT_EQ(text("SELECT group_concat(url) FROM (SELECT s.url FROM variant_sources vs JOIN source_links s ON "
                 "s.id = vs.source_id ORDER BY vs.rank)"),
            "http://h/a.1080p.mp4,http://h/b.1080p.mp4");
}

TEST_F(CatalogWriterTest, VanishedSourceIsGoneNotDeletedAndComesBack) {
  auto both = json::array({{{"url", "http://h/a.1080p.mp4"}}, {{"url", "http://h/b.1080p.mp4"}}});
  write_items(*db_, {movie("m1", "A", both)});
  auto c = write_items(*db_, {movie("m1", "A", json::array({{{"url", "http://h/b.1080p.mp4"}}}))});
  EXPECT_EQ(c.sources_gone, 1);
  EXPECT_EQ(count("SELECT count(*) FROM source_links"), 2);
  EXPECT_EQ(text("SELECT state FROM source_links WHERE url = 'http://h/a.1080p.mp4'"), "gone");
  EXPECT_EQ(count("SELECT count(*) FROM variant_sources"), 1);
  write_items(*db_, {movie("m1", "A", both)});
  EXPECT_EQ(text("SELECT state FROM source_links WHERE url = 'http://h/a.1080p.mp4'"), "live");
  EXPECT_EQ(count("SELECT count(*) FROM variant_sources"), 2);
}

TEST_F(CatalogWriterTest, CompleteImportRetiresTitlesCmNoLongerLists) {
  {
    CatalogWriter w(*db_, true);
    w.write_page({movie("m1", "A", json::array({{{"url", "http://h/a.1080p.mp4"}}})),
                  movie("m2", "B", json::array({{{"url", "http://h/b.1080p.mp4"}}}))});
    EXPECT_EQ(w.mark_unseen_gone(), 0);
  }
  CatalogWriter w(*db_, true);
  w.write_page({movie("m1", "A", json::array({{{"url", "http://h/a.1080p.mp4"}}}))});
  EXPECT_EQ(w.mark_unseen_gone(), 1);
  EXPECT_EQ(text("SELECT state FROM source_links WHERE url = 'http://h/b.1080p.mp4'"), "gone");
  EXPECT_EQ(count("SELECT count(*) FROM titles"), 2) << "titles are never deleted";
}

TEST_F(CatalogWriterTest, EpisodesUseShowIdSeasonAndEpisodeInCodedNames) {
  write_items(*db_, {movie("m1", "A", json::array({{{"url", "http://h/a.1080p.mp4"}}})),
                     show_with_episodes("s1", {{{"id", "e1"},
                                                {"title", "Pilot S01E02"},
                                                {"sources", {{{"url", "http://h/x.720p.mp4"}}}}}})});
  EXPECT_EQ(text("SELECT coded_name FROM upload_variants WHERE episode_id IS NOT NULL"),
            "CM_T000002_S01E02_720P");
}

TEST_F(CatalogWriterTest, EpisodeTheDatabaseRefusesIsSkippedAlone) {
  auto c = write_items(*db_, {show_with_episodes("s1", {{{"id", "e1"}, {"season", 1}, {"episode", 1}},
                                                        {{"id", "e2"}, {"season", 1}, {"episode", 1}},
                                                        {{"id", "e3"}, {"season", 1}, {"episode", 2}}})});
  EXPECT_EQ(c.skipped, 1);
  EXPECT_EQ(c.episodes_new, 2);
  EXPECT_EQ(count("SELECT count(*) FROM episodes"), 2);
}

// A page is first written as one plain transaction; when the database refuses one item the
// page is written again item by item. Either way the good items of the page all land.
TEST_F(CatalogWriterTest, MovieTheDatabaseRefusesIsSkippedAloneAndTheRestOfItsPageLands) {
  auto bad = movie("m2", "B", json::array({{{"url", "http://h/b.1080p.mp4"}}}));
  bad.title = "";  // the schema's CHECK on titles.title refuses it
  auto c = write_items(*db_, {movie("m1", "A", json::array({{{"url", "http://h/a.1080p.mp4"}}})), bad,
                              movie("m3", "C", json::array({{{"url", "http://h/c.720p.mp4"}}}))});
  EXPECT_EQ(c.skipped, 1);
  EXPECT_EQ(c.titles_new, 2);
  EXPECT_EQ(c.sources_new, 2) << "the refused movie's links are not counted";
  EXPECT_EQ(text("SELECT group_concat(cm_id) FROM (SELECT cm_id FROM titles ORDER BY id)"), "m1,m3");
  EXPECT_EQ(text("SELECT group_concat(coded_name) FROM (SELECT coded_name FROM upload_variants ORDER BY id)"),
            "CM_M000001_1080P,CM_M000002_720P");
  EXPECT_EQ(count("SELECT count(*) FROM source_links WHERE url = 'http://h/b.1080p.mp4'"), 0);
  // The bot's word index follows the titles that landed, and only those.
  EXPECT_EQ(count("SELECT count(*) FROM titles_fts WHERE titles_fts MATCH 'a OR b OR c'"), 2);
}

TEST_F(CatalogWriterTest, SameMovieTwiceInOnePageIsOneTitleUpdatedByTheSecond) {
  auto c = write_items(*db_, {movie("m1", "First", json::array({{{"url", "http://h/a.1080p.mp4"}}})),
                              movie("m1", "Second", json::array({{{"url", "http://h/a.1080p.mp4"}},
                                                                 {{"url", "http://h/a.720p.mp4"}}}))});
  EXPECT_EQ(c.skipped, 0);
  EXPECT_EQ(c.titles_new, 1);
  EXPECT_EQ(c.titles_updated, 1);
  EXPECT_EQ(text("SELECT group_concat(title) FROM titles"), "Second");
  EXPECT_EQ(count("SELECT count(*) FROM upload_variants"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM titles_fts WHERE titles_fts MATCH 'second'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM titles_fts WHERE titles_fts MATCH 'first'"), 0);
}

TEST_F(CatalogWriterTest, ManyNewTitlesInOnePageAreAllSearchableUnderTheirOwnIds) {
  std::vector<Title> items;
  for (int i = 1; i <= 250; ++i)  // more than one multi-row insert
    items.push_back(movie("m" + std::to_string(i), "Film" + std::to_string(i),
                          json::array({{{"url", "http://h/" + std::to_string(i) + ".1080p.mp4"}}})));
  auto c = write_items(*db_, items, 500);
  EXPECT_EQ(c.titles_new, 250);
  EXPECT_EQ(count("SELECT count(*) FROM titles WHERE title <> 'Film' || substr(cm_id, 2)"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM titles t JOIN source_links s ON s.title_id = t.id WHERE s.url <> "
                  "'http://h/' || substr(t.cm_id, 2) || '.1080p.mp4'"),
            0)
      << "every link belongs to its own title";
  EXPECT_EQ(count("SELECT rowid FROM titles_fts WHERE titles_fts MATCH 'film137'"),
            count("SELECT id FROM titles WHERE cm_id = 'm137'"));
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
  db_->exec("INSERT INTO titles_fts(titles_fts) VALUES ('integrity-check')");  // throws when out of step
}

}  // namespace
}  // namespace cmup::cm
