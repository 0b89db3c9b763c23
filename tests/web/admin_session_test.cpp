// /admin login sessions: random server-side tokens that logout revokes and that expire, a
// cookie that is Secure over https, and the login rate limit keyed on the real client.
#include <gtest/gtest.h>

#include "util/clock.hpp"
#include "web/admin_sessions.hpp"
#include "web/web_test_server.hpp"

namespace cmup::test {
namespace {

// The Set-Cookie of a successful login, or "" (with a test failure) when the login failed.
std::string login(WebServerFixture& w, const httplib::Headers& h = {}) {
  auto r = w.client->Post("/admin/login", h, std::string("token=") + kAdminToken, "application/x-www-form-urlencoded");
  if (!r || r->status != 303 || r->get_header_value("Location") != "/admin") {
    ADD_FAILURE() << "login failed: " << (r ? std::to_string(r->status) : std::string("no answer"));
    return "";
  }
  return r->get_header_value("Set-Cookie");
}

std::string cookie_pair(const std::string& set_cookie) { return set_cookie.substr(0, set_cookie.find(';')); }

int dashboard_status(WebServerFixture& w, const std::string& pair) {
  auto r = w.get("/admin/api/status", {{"Cookie", pair}});
  return r ? r->status : -1;
}

TEST(AdminSession, LoginUseLogoutThenTheOldCookieIsRefused) {
  WebServerFixture w;
  w.start();
  std::string pair = cookie_pair(login(w));
  ASSERT_FALSE(pair.empty());
  EXPECT_EQ(dashboard_status(w, pair), 200);
  EXPECT_EQ(w.get("/admin", {{"Cookie", pair}})->status, 200);

  auto out = w.client->Post("/admin/logout", {{"Cookie", pair}}, "", "application/x-www-form-urlencoded");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 303);
  EXPECT_NE(out->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  // A browser drops the cookie; one that kept a copy (or a thief) is refused all the same.
  EXPECT_EQ(dashboard_status(w, pair), 401);
  EXPECT_EQ(w.get("/admin", {{"Cookie", pair}})->status, 401);
  EXPECT_EQ(w.get("/metrics", {{"Cookie", pair}})->status, 401);
}

TEST(AdminSession, EachLoginIsItsOwnSessionAndLogoutEndsOnlyThatOne) {
  WebServerFixture w;
  w.start();
  std::string a = cookie_pair(login(w));
  std::string b = cookie_pair(login(w));
  ASSERT_FALSE(a.empty());
  EXPECT_NE(a, b);  // random, not derived from the token
  ASSERT_TRUE(w.client->Post("/admin/logout", {{"Cookie", a}}, "", "application/x-www-form-urlencoded"));
  EXPECT_EQ(dashboard_status(w, a), 401);
  EXPECT_EQ(dashboard_status(w, b), 200);
}

TEST(AdminSession, AnExpiredSessionIsRefused) {
  auto o = test_options();
  o.admin_session_max_age_s = 3600;
  WebServerFixture w(o);
  w.start();
  std::string set_cookie = login(w);
  EXPECT_NE(set_cookie.find("Max-Age=3600"), std::string::npos) << set_cookie;
  std::string pair = cookie_pair(set_cookie);
  ASSERT_EQ(dashboard_status(w, pair), 200);
  // An hour passes (as far as the stored session knows).
  w.db->exec("UPDATE admin_sessions SET expires_at = expires_at - 3600 * 1000");
  EXPECT_EQ(dashboard_status(w, pair), 401);
  EXPECT_EQ(w.get("/admin", {{"Cookie", pair}})->status, 401);
}

TEST(AdminSession, TheDatabaseHoldsNoUsableToken) {
  WebServerFixture w;
  w.start();
  std::string pair = cookie_pair(login(w));
  std::string token = pair.substr(pair.find('=') + 1);
  ASSERT_EQ(token.size(), 64u);
  SQLite::Statement q(*w.db, "SELECT token_sha256 FROM admin_sessions");
  ASSERT_TRUE(q.executeStep());
  EXPECT_NE(q.getColumn(0).getString(), token);
  EXPECT_EQ(w.get("/admin/api/status", {{"Cookie", "cmup_admin=" + q.getColumn(0).getString()}})->status, 401);
}

TEST(AdminSession, ExpiryAndTokenChangeInTheStore) {
  TempDir dir;
  db::open(dir / "cmup.db");  // migrated
  web::AdminSessions store(dir / "cmup.db", "token-one");
  std::int64_t t0 = 1'700'000'000'000;
  std::string s = store.create(t0, 1000);
  EXPECT_TRUE(store.valid(s, t0 + 999));
  EXPECT_FALSE(store.valid(s, t0 + 1000));
  EXPECT_FALSE(store.valid("", t0));
  // Another admin token (the operator rotated web.admin_token): earlier sessions are over.
  web::AdminSessions rotated(dir / "cmup.db", "token-two");
  EXPECT_FALSE(rotated.valid(s, t0 + 1));
  EXPECT_TRUE(store.valid(s, t0 + 1));
  store.revoke(s);
  EXPECT_FALSE(store.valid(s, t0 + 1));
}

TEST(AdminSession, CookieIsSecureWhenThePublicUrlIsHttps) {
  auto o = test_options();
  o.public_url = "https://cm.example.org";
  WebServerFixture w(o);
  w.start();
  std::string c = login(w);
  EXPECT_NE(c.find("; Secure"), std::string::npos) << c;
  EXPECT_NE(c.find("HttpOnly"), std::string::npos);
  EXPECT_NE(c.find("SameSite=Strict"), std::string::npos);
}

TEST(AdminSession, CookieIsSecureWhenATrustedProxySaysHttps) {
  auto o = test_options();
  o.trusted_proxies = "127.0.0.1/32";
  WebServerFixture w(o);
  w.start();
  EXPECT_EQ(login(w).find("Secure"), std::string::npos);  // plain http, no proxy header
  std::string c = login(w, {{"X-Forwarded-For", "203.0.113.7"}, {"X-Forwarded-Proto", "https"}});
  EXPECT_NE(c.find("; Secure"), std::string::npos) << c;
}

TEST(AdminSession, AnUntrustedClientCannotClaimHttps) {
  WebServerFixture w;  // no trusted proxies: the header is the client's own word
  w.start();
  std::string c = login(w, {{"X-Forwarded-Proto", "https"}});
  EXPECT_EQ(c.find("Secure"), std::string::npos) << c;
}

TEST(AdminSession, LoginRateLimitIsPerRealClientBehindATrustedProxy) {
  auto o = test_options();
  o.trusted_proxies = "127.0.0.1/32";
  o.deliver_per_ip_per_minute = 3;
  WebServerFixture w(o);
  w.start();
  auto attempt = [&](const std::string& client) {
    auto r = w.client->Post("/admin/login", {{"X-Forwarded-For", client}}, "token=wrong",
                            "application/x-www-form-urlencoded");
    return r ? r->status : -1;
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt("203.0.113.7"), 303) << i;
  EXPECT_EQ(attempt("203.0.113.7"), 429);
  // Another user behind the same proxy is not locked out by the first one's guesses.
  EXPECT_EQ(attempt("198.51.100.4"), 303);
  EXPECT_EQ(cookie_pair(login(w, {{"X-Forwarded-For", "198.51.100.4"}})).rfind("cmup_admin=", 0), 0u);
}

}  // namespace
}  // namespace cmup::test
