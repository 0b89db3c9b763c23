// The Mini App's URL: bot.mini_app_url defaults to <web.public_url>/app/, so /app/ (and the
// title pages under it) must serve the app with the Mini App's security headers, and /app
// must lead there without losing the query Telegram may add.
#include <gtest/gtest.h>

#include "web/web_test_server.hpp"

namespace cmup::test {
namespace {

class MiniAppRoute : public ::testing::Test {
 protected:
  void SetUp() override { w.start(); }
  WebServerFixture w;
};

TEST_F(MiniAppRoute, AppAndItsTitlePagesServeTheAppFramableByTelegramWebOnly) {
  for (std::string path : {"/app/", "/app/t/12", "/app/?tgWebAppStartParam=t12"}) {
    auto r = w.get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos) << path;
    EXPECT_NE(r->body.find("/static/app.js"), std::string::npos) << path;
    EXPECT_NE(r->body.find("https://telegram.org/js/telegram-web-app.js"), std::string::npos) << path;
    std::string csp = r->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("frame-ancestors https://web.telegram.org"), std::string::npos) << path << ": " << csp;
    EXPECT_EQ(r->get_header_value("X-Frame-Options"), "") << path;
  }
}

TEST_F(MiniAppRoute, AppWithoutSlashRedirectsKeepingTheQuery) {
  auto r = w.get("/app");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 301);
  EXPECT_EQ(r->get_header_value("Location"), "/app/");
  auto q = w.get("/app?tgWebAppStartParam=t12&mode=compact");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->status, 301);
  EXPECT_EQ(q->get_header_value("Location"), "/app/?tgWebAppStartParam=t12&mode=compact");
}

TEST_F(MiniAppRoute, OtherPathsUnderAppAreNotFound) {
  for (std::string path : {"/app/x", "/app/t/abc", "/app/static/app.js", "/apps/"}) {
    auto r = w.get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
  }
}

}  // namespace
}  // namespace cmup::test
