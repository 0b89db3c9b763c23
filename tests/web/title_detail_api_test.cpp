// GET /api/v1/titles/{id}, GET /api/v1/variants/{id}/objects and GET /api/v1/health.
#include <gtest/gtest.h>

#include "web/web_test_server.hpp"

namespace cmup::test {
namespace {

using nlohmann::json;

class TitleDetailApi : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& c = w.catalog;
    movie = c.movie("Heat", 1995, R"(["Crime"])");
    movie_1080 = c.variant(movie, 0, "1080P", "done", 3, 6000000000);
    movie_720 = c.variant(movie, 0, "720P", "done", 1, 1500000000);
    movie_2160 = c.variant(movie, 0, "2160P", "retrying");
    show = c.show("The Office", 2005, R"(["Comedy"])");
    s1e1 = c.episode(show, 1, 1, "Pilot");
    s1e2 = c.episode(show, 1, 2, "Diversity Day");
    s2e1 = c.episode(show, 2, 1, "The Dundies");
    e11_720 = c.variant(show, s1e1, "720P", "done", 1, 300000000);
    e11_1080 = c.variant(show, s1e1, "1080P", "done", 1, 700000000);
    e12_dead = c.variant(show, s1e2, "1080P", "dead");
    e21_1080 = c.variant(show, s2e1, "1080P", "done", 2, 4000000000);
    w.start();
  }
  WebServerFixture w;
  std::int64_t movie, movie_1080, movie_720, movie_2160, show, s1e1, s1e2, s2e1, e11_720, e11_1080, e12_dead,
      e21_1080;
};

TEST_F(TitleDetailApi, MovieListsAvailableQualitiesWithSizesAndParts) {
  auto r = w.get("/api/v1/titles/" + std::to_string(movie));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["title"], "Heat");
  EXPECT_EQ(j["kind"], "movie");
  EXPECT_EQ(j["genres"], json({"Crime"}));
  EXPECT_TRUE(j["overview"].is_null());
  ASSERT_EQ(j["variants"].size(), 2u);  // the retrying 2160P is not offered
  EXPECT_EQ(j["variants"][0]["id"], movie_1080);
  EXPECT_EQ(j["variants"][0]["quality"], "1080P");
  EXPECT_EQ(j["variants"][0]["size_bytes"], 6000000000);
  EXPECT_EQ(j["variants"][0]["part_count"], 3);
  EXPECT_EQ(j["variants"][0]["deep_link"], "https://t.me/cmup_test_bot?start=v" + std::to_string(movie_1080));
  EXPECT_EQ(j["variants"][1]["quality"], "720P");
  EXPECT_EQ(j["seasons"], json::array());
}

TEST_F(TitleDetailApi, ShowListsSeasonsAndEpisodesInOrder) {
  auto j = json::parse(w.get("/api/v1/titles/" + std::to_string(show))->body);
  EXPECT_EQ(j["variants"], json::array());
  ASSERT_EQ(j["seasons"].size(), 2u);
  auto s1 = j["seasons"][0];
  EXPECT_EQ(s1["season"], 1);
  ASSERT_EQ(s1["episodes"].size(), 2u);
  EXPECT_EQ(s1["episodes"][0]["id"], s1e1);
  EXPECT_EQ(s1["episodes"][0]["episode"], 1);
  EXPECT_EQ(s1["episodes"][0]["name"], "Pilot");
  ASSERT_EQ(s1["episodes"][0]["variants"].size(), 2u);
  EXPECT_EQ(s1["episodes"][0]["variants"][0]["id"], e11_1080);  // best first
  EXPECT_EQ(s1["episodes"][0]["variants"][1]["id"], e11_720);
  EXPECT_EQ(s1["episodes"][1]["variants"], json::array());  // only a dead variant: nothing to offer
  auto s2 = j["seasons"][1];
  EXPECT_EQ(s2["season"], 2);
  EXPECT_EQ(s2["episodes"][0]["variants"][0]["part_count"], 2);
  EXPECT_EQ(s2["episodes"][0]["variants"][0]["size_bytes"], 4000000000);
}

TEST_F(TitleDetailApi, UnknownAndMalformedIds) {
  auto r = w.get("/api/v1/titles/999999");
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "not_found");
  for (std::string bad : {"abc", "0", "-1", "1.5", "01", "99999999999999999999", "%20"}) {
    auto b = w.get("/api/v1/titles/" + bad);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->status, 400) << bad;
    EXPECT_EQ(json::parse(b->body)["error"]["code"], "invalid_id") << bad;
  }
  EXPECT_EQ(w.get("/api/v1/titles/" + std::to_string(movie) + "?x=1")->status, 400);
}

TEST_F(TitleDetailApi, ObjectsNeedTheBotOrAdminToken) {
  std::string path = "/api/v1/variants/" + std::to_string(movie_1080) + "/objects";
  auto none = w.get(path);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(json::parse(none->body)["error"]["code"], "unauthorized");
  EXPECT_EQ(w.get(path, {{"Authorization", "Bearer wrong"}})->status, 401);
  EXPECT_EQ(w.get(path, {{"Authorization", std::string("Basic ") + kBotToken}})->status, 401);
  EXPECT_EQ(w.get(path, {{"Authorization", std::string("Bearer ") + kAdminToken}})->status, 200);

  auto r = w.get(path, {{"Authorization", std::string("Bearer ") + kBotToken}});
  ASSERT_EQ(r->status, 200);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["variant_id"], movie_1080);
  EXPECT_EQ(j["title_id"], movie);
  EXPECT_TRUE(j["episode_id"].is_null());
  EXPECT_EQ(j["quality"], "1080P");
  ASSERT_EQ(j["objects"].size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(j["objects"][i]["part_no"], i + 1);
    EXPECT_EQ(j["objects"][i]["part_count"], 3);
    EXPECT_EQ(j["objects"][i]["channel_id"], -1001000000001);
    EXPECT_GT(j["objects"][i]["message_id"].get<std::int64_t>(), 0);
    EXPECT_FALSE(j["objects"][i]["file_id"].get<std::string>().empty());
    EXPECT_EQ(j["objects"][i]["size_bytes"], 2000000000);
  }
}

TEST_F(TitleDetailApi, ObjectsOfMissingOrUnfinishedVariants) {
  httplib::Headers bot = {{"Authorization", std::string("Bearer ") + kBotToken}};
  EXPECT_EQ(w.get("/api/v1/variants/999999/objects", bot)->status, 404);
  auto r = w.get("/api/v1/variants/" + std::to_string(movie_2160) + "/objects", bot);
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "not_available");
  EXPECT_EQ(w.get("/api/v1/variants/x/objects", bot)->status, 400);
}

TEST_F(TitleDetailApi, ObjectsRefusedWhenNoTokensAreConfigured) {
  web::WebOptions o = test_options();
  o.bot_token.clear();
  o.admin_token.clear();
  WebServerFixture bare(o);
  bare.catalog.variant(bare.catalog.movie("X", 2000), 0, "720P");
  bare.start();
  EXPECT_EQ(bare.get("/api/v1/variants/1/objects", {{"Authorization", "Bearer "}})->status, 401);
}

TEST_F(TitleDetailApi, Health) {
  auto r = w.get("/api/v1/health");
  ASSERT_EQ(r->status, 200);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["database"], "ok");
  EXPECT_EQ(j["schema_version"], db::latest_schema_version());
}

}  // namespace
}  // namespace cmup::test
