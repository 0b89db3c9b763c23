// Parsing CM items: malformed items are rejected with a reason an operator can act on;
// good ones come out normalized.
#include "cm/cm_item.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cmup::cm {
namespace {

using json = nlohmann::json;

std::string reject_reason(const json& j) {
  auto p = parse_movie(j, FieldNames{});
  EXPECT_FALSE(p.item) << j.dump().substr(0, 200);
  return p.error;
}

TEST(CmItem, NormalizesAGoodMovie) {
  auto p = parse_movie(json::parse(R"({"id": 42, "title": "  The   Matrix ", "year": "1999",
      "genres": ["sci-fi", "Action", "action"], "poster": "http://h/p.jpg", "overview": null,
      "sources": [{"url": "http://h/m.mkv", "label": "1080p BluRay", "size": 123, "container": "MKV"},
                  {"url": "http://h/m.mkv#again"}]})"),
                       FieldNames{});
  ASSERT_TRUE(p.item) << p.error;
  const auto& t = *p.item;
  EXPECT_EQ(t.cm_id, "42");
  EXPECT_EQ(t.title, "The Matrix");
  EXPECT_EQ(t.year, 1999);
  EXPECT_EQ(t.genres, (std::vector<std::string>{"Action", "sci-fi"}));
  EXPECT_FALSE(t.overview);
  ASSERT_EQ(t.sources.size(), 1u);
  EXPECT_EQ(t.sources[0].quality, Quality::Q1080P);
  EXPECT_EQ(t.sources[0].quality_from, QualityFrom::Label);
  EXPECT_EQ(t.sources[0].container, "mkv");
  EXPECT_EQ(t.sources[0].host, "h");
  EXPECT_FALSE(t.content_hash.empty());
}

TEST(CmItem, ImplausibleYearIsDroppedNotFatal) {
  auto p = parse_movie(json{{"id", "1"}, {"title", "T"}, {"year", 12}}, FieldNames{});
  ASSERT_TRUE(p.item);
  EXPECT_FALSE(p.item->year);
}

TEST(CmItem, MalformedItemsAreRejectedWithAReason) {
  EXPECT_NE(reject_reason(json{{"title", "No id"}}).find("missing id"), std::string::npos);
  EXPECT_NE(reject_reason(json{{"id", json::object()}, {"title", "T"}}).find("id is object"),
            std::string::npos);
  EXPECT_NE(reject_reason(json{{"id", 1}}).find("missing title"), std::string::npos);
  EXPECT_NE(reject_reason(json{{"id", 1}, {"title", 5}}).find("expected a string"), std::string::npos);
  EXPECT_NE(reject_reason(json{{"id", 1}, {"title", "T"}, {"year", "soon"}}).find("year"), std::string::npos);
  EXPECT_NE(reject_reason(json{{"id", 1}, {"title", "T"}, {"genres", "Drama"}}).find("genres"),
            std::string::npos);
  EXPECT_NE(reject_reason(json{{"id", 1}, {"title", "T"}, {"sources", {{{"url", "ftp://h/m.mp4"}}}}})
                .find("not an http(s) URL"),
            std::string::npos);
  EXPECT_NE(
      reject_reason(json{{"id", 1}, {"title", "T"}, {"sources", {{{"url", "http://h/m"}, {"size", -5}}}}})
          .find("absurd size"),
      std::string::npos);
  EXPECT_NE(
      reject_reason(json{{"id", 1}, {"title", "T"}, {"sources", {{{"url", "http://h/m"}, {"size", 5e12}}}}})
          .find("absurd size"),
      std::string::npos);
  EXPECT_NE(reject_reason(json{{"id", 1}, {"title", std::string(10 * 1024 * 1024, 'x')}}).find("bytes"),
            std::string::npos);
  EXPECT_NE(reject_reason(json{{"id", 1}, {"title", "T"}, {"overview", std::string(10 * 1024 * 1024, 'x')}})
                .find("overview"),
            std::string::npos);
  EXPECT_NE(reject_reason(json::array()).find("expected an object"), std::string::npos);
  EXPECT_NE(reject_reason(json{{"id", 1}, {"title", "T"}, {"sources", {42}}}).find("source 1"),
            std::string::npos);
}

TEST(CmItem, EpisodeNumbersFromFieldsOrHints) {
  auto e = parse_episode(json{{"id", "e"}, {"season", 2}, {"episode", "3"}}, FieldNames{});
  ASSERT_TRUE(e.item) << e.error;
  EXPECT_EQ(e.item->season, 2);
  EXPECT_EQ(e.item->episode, 3);
  e = parse_episode(json{{"id", "e"}, {"title", "Season 4 Episode 5"}}, FieldNames{});
  ASSERT_TRUE(e.item) << e.error;
  EXPECT_EQ(e.item->season, 4);
  EXPECT_EQ(e.item->episode, 5);
  e = parse_episode(json{{"id", "e"}, {"sources", {{{"url", "http://h/Show.1x07.mp4"}}}}}, FieldNames{});
  ASSERT_TRUE(e.item) << e.error;
  EXPECT_EQ(e.item->episode, 7);
  e = parse_episode(json{{"id", "e"}, {"title", "Pilot"}}, FieldNames{});
  EXPECT_FALSE(e.item);
  e = parse_episode(json{{"id", "e"}, {"season", -1}, {"episode", 1}}, FieldNames{});
  EXPECT_FALSE(e.item);
}

TEST(CmItem, FieldNamesAreMappable) {
  FieldNames f;
  f.id = "movie_id";
  f.title = "name";
  auto p = parse_movie(json{{"movie_id", 7}, {"name", "Mapped"}}, f);
  ASSERT_TRUE(p.item) << p.error;
  EXPECT_EQ(p.item->title, "Mapped");
}

TEST(CmItem, HashChangesWithContentOnly) {
  auto a = parse_movie(json{{"id", 1}, {"title", "T"}, {"sources", {{{"url", "http://h/a"}}}}}, FieldNames{});
  auto b =
      parse_movie(json{{"id", 1}, {"title", " T "}, {"sources", {{{"url", "http://h/a"}}}}}, FieldNames{});
  auto c = parse_movie(json{{"id", 1}, {"title", "T"}, {"sources", {{{"url", "http://h/b"}}}}}, FieldNames{});
  EXPECT_EQ(a.item->content_hash, b.item->content_hash);
  EXPECT_NE(a.item->content_hash, c.item->content_hash);
}

TEST(CmItem, TextParserNeverThrows) {
  EXPECT_FALSE(parse_movie_text("{not json", FieldNames{}).item);
  EXPECT_FALSE(parse_movie_text(std::string(100000, '['), FieldNames{}).item);
  EXPECT_TRUE(parse_movie_text(R"({"id":"1","title":"x"})", FieldNames{}).item);
}

}  // namespace
}  // namespace cmup::cm
