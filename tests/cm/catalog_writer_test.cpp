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

}  // namespace
}  // namespace cmup::cm
