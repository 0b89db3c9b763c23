// Headers and limits every response carries: CSP per kind of page, nosniff, JSON errors.
#include <gtest/gtest.h>

#include "web/web_test_server.hpp"

namespace cmup::test {
namespace {

using nlohmann::json;

class Security : public ::testing::Test {
 protected:
  void SetUp() override { w.start(); }
  WebServerFixture w;
};

TEST_F(Security, PagesMayBeFramedByTelegramWebOnlyAndLoadTelegramScriptOnly) {
  for (std::string path : {"/", "/t/12"}) {
    auto r = w.get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos);
    std::string csp = r->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("frame-ancestors https://web.telegram.org"), std::string::npos) << csp;
    EXPECT_NE(csp.find("script-src 'self' https://telegram.org;"), std::string::npos) << csp;
    // Posters are served by cmup itself: no image from anywhere else, not even data: URLs.
    EXPECT_NE(csp.find("img-src 'self';"), std::string::npos) << csp;
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_NE(r->body.find("telegram-web-app.js"), std::string::npos);
  }
}

TEST_F(Security, ApiResponsesCannotBeFramedOrRunAnything) {
  for (std::string path : {"/api/v1/titles", "/api/v1/titles/1", "/api/v1/health", "/api/v1/nothing"}) {
    auto r = w.get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->get_header_value("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'") << path;
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_NE(r->get_header_value("Content-Type").find("application/json"), std::string::npos) << path;
  }
}

TEST_F(Security, UnknownPathsAndMethodsGetJsonErrors) {
  auto r = w.get("/nothing/here");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "not_found");
  auto del = w.client->Delete("/api/v1/titles");
  ASSERT_TRUE(del);
  EXPECT_GE(del->status, 400);
  EXPECT_TRUE(json::parse(del->body).contains("error"));
}

TEST_F(Security, LongUrlsAreRefused) {
  auto r = w.get("/api/v1/titles?q=" + std::string(5000, 'a'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 414);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "uri_too_long");
}

TEST_F(Security, StaticAssetsHaveTheirTypesAndNoTraversal) {
  auto js = w.get("/static/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_NE(js->get_header_value("Content-Type").find("text/javascript"), std::string::npos);
  auto css = w.get("/static/app.css");
  EXPECT_NE(css->get_header_value("Content-Type").find("text/css"), std::string::npos);
  EXPECT_EQ(w.get("/static/nope.js")->status, 404);
  EXPECT_EQ(w.get("/static/../server.cpp")->status, 404);
  EXPECT_EQ(w.get("/static/%2e%2e%2fserver.cpp")->status, 404);
  auto again = w.get("/static/app.js", {{"If-None-Match", js->get_header_value("ETag")}});
  EXPECT_EQ(again->status, 304);
}

}  // namespace
}  // namespace cmup::test
