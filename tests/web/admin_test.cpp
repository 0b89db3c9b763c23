// /admin (token or login cookie), its JSON status and /metrics.
#include <gtest/gtest.h>

#include "util/clock.hpp"
#include "web/web_test_server.hpp"

namespace cmup::test {
namespace {

using nlohmann::json;

class Admin : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& c = w.catalog;
    auto m = c.movie("Heat", 1995);
    c.variant(m, 0, "1080P", "done", 2, 3000);
    c.variant(m, 0, "720P", "pending");
    c.variant(m, 0, "480P", "dead");
    c.variant(m, 0, "2160P", "claimed");
    w.db->exec("INSERT INTO accounts(name, backend, kind, max_upload_bytes, flood_until, updated_at) VALUES "
               "('ember', 'botapi', 'local_bot', 2000000000, 0, 0), "
               "('rora', 'tdlib', 'premium', 4000000000, " + std::to_string(now_ms() + 20000) + ", 0)");
    w.db->exec("INSERT INTO storage_channels(chat_id, kind, files_stored, bytes_stored, updated_at) "
               "VALUES (-1001000000001, 'movie', 2, 3000, 0)");
    w.db->exec("INSERT INTO upload_attempts(variant_id, worker, account, outcome, error, started_at, ended_at) "
               "VALUES (3, 'w1', 'rora', 'failed', 'source answered 404', 1, 2)");
    w.db->exec("INSERT INTO deliveries(user_id, chat_id, variant_id, via, outcome, created_at) "
               "VALUES (5, 5, 1, 'mini_app', 'sent', 0)");
    w.start();
  }
  httplib::Headers bearer(const std::string& t = kAdminToken) { return {{"Authorization", "Bearer " + t}}; }
  WebServerFixture w;
};

TEST_F(Admin, DashboardNeedsTheToken) {
  auto anon = w.get("/admin");
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->status, 401);
  EXPECT_NE(anon->body.find("name=\"token\""), std::string::npos);  // the login form
  EXPECT_EQ(w.get("/admin", bearer("wrong"))->status, 401);
  auto ok = w.get("/admin", bearer());
  EXPECT_EQ(ok->status, 200);
  EXPECT_NE(ok->body.find("admin.js"), std::string::npos);
  EXPECT_EQ(ok->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_NE(ok->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(ok->get_header_value("Content-Security-Policy").find("img-src 'self';"), std::string::npos);
  EXPECT_EQ(w.get("/admin/api/status")->status, 401);
  EXPECT_EQ(w.get("/metrics")->status, 401);
}

TEST_F(Admin, LoginFormSetsASessionCookieThatIsNotTheToken) {
  auto bad = w.client->Post("/admin/login", "token=nope", "application/x-www-form-urlencoded");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 303);
  EXPECT_EQ(bad->get_header_value("Location"), "/admin?login=failed");
  EXPECT_TRUE(bad->get_header_value("Set-Cookie").empty());

  auto good = w.client->Post("/admin/login", std::string("token=") + kAdminToken, "application/x-www-form-urlencoded");
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 303);
  std::string cookie = good->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find(kAdminToken), std::string::npos);
  std::string pair = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(w.get("/admin", {{"Cookie", pair}})->status, 200);
  EXPECT_EQ(w.get("/admin/api/status", {{"Cookie", "x=1; " + pair}})->status, 200);
  EXPECT_EQ(w.get("/admin", {{"Cookie", "cmup_admin=forged"}})->status, 401);
}

TEST_F(Admin, StatusShowsQueueAccountsFailuresChannelsAndDeliveries) {
  auto r = w.get("/admin/api/status", bearer());
  ASSERT_EQ(r->status, 200);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["queue"], json({{"pending", 1}, {"claimed", 1}, {"retrying", 0}, {"done", 1}, {"dead", 1}}));
  ASSERT_EQ(j["accounts"].size(), 2u);
  EXPECT_EQ(j["accounts"][0]["name"], "ember");
  EXPECT_EQ(j["accounts"][0]["uploads"], 2);
  EXPECT_EQ(j["accounts"][0]["bytes"], 3000);
  EXPECT_EQ(j["accounts"][0]["flood_wait_s"], 0);
  EXPECT_EQ(j["accounts"][1]["name"], "rora");
  EXPECT_GT(j["accounts"][1]["flood_wait_s"].get<int>(), 10);
  ASSERT_EQ(j["recent_failures"].size(), 1u);
  EXPECT_EQ(j["recent_failures"][0]["error"], "source answered 404");
  ASSERT_EQ(j["dead_variants"].size(), 1u);
  EXPECT_EQ(j["dead_variants"][0]["reason"], "all sources failed");
  ASSERT_EQ(j["channels"].size(), 1u);
  EXPECT_EQ(j["channels"][0]["bytes_stored"], 3000);
  EXPECT_EQ(j["channels"][0]["enabled"], true);
  EXPECT_EQ(j["channels"][0]["rights_failures"], 0);
  EXPECT_EQ(j["deliveries"]["sent"], 1);
}

TEST_F(Admin, MetricsInPrometheusTextFormat) {
  auto r = w.get("/metrics", bearer());
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Content-Type").find("text/plain; version=0.0.4"), std::string::npos);
  const std::string& m = r->body;
  for (std::string line : {"# TYPE cmup_variants gauge", "cmup_variants{state=\"done\"} 1",
                           "cmup_variants{state=\"pending\"} 1", "cmup_account_uploads_total{account=\"ember\"} 2",
                           "cmup_account_uploaded_bytes_total{account=\"ember\"} 3000",
                           "cmup_account_flood_wait_seconds{account=\"ember\"} 0",
                           "cmup_channel_bytes{channel=\"-1001000000001\",kind=\"movie\"} 3000",
                           "cmup_channel_enabled{channel=\"-1001000000001\",kind=\"movie\"} 1",
                           "cmup_channel_rights_failures{channel=\"-1001000000001\",kind=\"movie\"} 0",
                           "cmup_deliveries_total{outcome=\"sent\"} 1"})
    EXPECT_NE(m.find(line + "\n"), std::string::npos) << line << "\n" << m;
  EXPECT_NE(m.find("cmup_account_flood_wait_seconds{account=\"rora\"} "), std::string::npos);
}

TEST(AdminDisabled, WithoutATokenTheDashboardIsOff) {
  auto o = test_options();
  o.admin_token.clear();
  WebServerFixture w(o);
  w.start();
  for (std::string path : {"/admin", "/admin/api/status", "/metrics"}) {
    auto r = w.get(path, {{"Authorization", "Bearer "}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503) << path;
    EXPECT_EQ(json::parse(r->body)["error"]["code"], "admin_disabled");
  }
}

}  // namespace
}  // namespace cmup::test
