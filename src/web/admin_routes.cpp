// /admin (dashboard page, login, JSON status) and /metrics (Prometheus text).
// Both need web.admin_token: as "Authorization: Bearer <token>", or the session cookie the
// login form sets (an HMAC of the token, so the token itself never sits in a cookie).
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/clock.hpp"
#include "util/embedded.hpp"
#include "web/admin_stats.hpp"
#include "web/http_util.hpp"
#include "web/init_data.hpp"
#include "web/server_state.hpp"

namespace cmup::web {

namespace {

using Request = ServerRequest;
using Response = ServerResponse;

constexpr const char* kCookie = "cmup_admin";

std::string session_value(const std::string& admin_token) {
  static const std::string msg = "cmup-admin-session-v1";
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), admin_token.data(), static_cast<int>(admin_token.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len);
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    hex.push_back(digits[out[i] >> 4]);
    hex.push_back(digits[out[i] & 15]);
  }
  return hex;
}

bool authorized(const WebServer::State& s, const Request& req) {
  if (s.opts.admin_token.empty()) return false;
  if (token_matches(bearer_token(req), s.opts.admin_token)) return true;
  return token_matches(cookie_value(req, kCookie), session_value(s.opts.admin_token));
}

bool admin_configured(const WebServer::State& s, Response& res) {
  if (!s.opts.admin_token.empty()) return true;
  send_error(res, 503, "admin_disabled", "the dashboard is disabled: set web.admin_token (or CMUP_WEB_ADMIN_TOKEN)");
  set_security_headers(res, PageKind::Api);
  return false;
}

void page(Response& res, int status, std::string_view name) {
  for (const auto& f : embedded::web_assets())
    if (f.name == name) {
      res.status = status;
      res.set_content(std::string(f.content), "text/html; charset=utf-8");
      res.set_header("Cache-Control", "no-store");
      set_security_headers(res, PageKind::Admin);
      return;
    }
  send_error(res, 500, "internal", "page missing from this build");
}

void redirect(Response& res, const std::string& to) {
  res.status = 303;
  res.set_header("Location", to);
  set_security_headers(res, PageKind::Admin);
}

}  // namespace

void add_admin_routes(WebServer::State& s) {
  s.routes.get("/admin",
               [&s](const Request& req, Response& res) {
                 if (!admin_configured(s, res)) return;
                 if (authorized(s, req))
                   page(res, 200, "admin.html");
                 else
                   page(res, 401, "login.html");
               },
               {RunOn::Io});
  s.routes.post("/admin/login",
                [&s](const Request& req, Response& res) {
                  if (!admin_configured(s, res)) return;
                  std::int64_t now = now_ms();
                  if (!s.per_ip.allow("login:" + req.client, now)) {
                    send_error(res, 429, "rate_limited", "too many login attempts; wait a minute");
                    set_security_headers(res, PageKind::Admin);
                    return;
                  }
                  auto form = parse_query_string(req.body);
                  std::string token = form && form->count("token") ? form->at("token") : "";
                  if (!token_matches(token, s.opts.admin_token)) return redirect(res, "/admin?login=failed");
                  res.set_header("Set-Cookie", std::string(kCookie) + "=" +
                                                   session_value(s.opts.admin_token) +
                                                   "; Path=/; HttpOnly; SameSite=Strict; Max-Age=604800");
                  redirect(res, "/admin");
                },
                {RunOn::Io});
  s.routes.post("/admin/logout",
                [](const Request&, Response& res) {
                  res.set_header("Set-Cookie",
                                 std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
                  redirect(res, "/admin");
                },
                {RunOn::Io});
  s.routes.get("/admin/api/status", [&s](const Request& req, Response& res) {
    if (!admin_configured(s, res)) return;
    if (!authorized(s, req)) {
      send_error(res, 401, "unauthorized", "log in at /admin or send 'Authorization: Bearer <admin token>'");
      set_security_headers(res, PageKind::Api);
      return;
    }
    auto db = s.pool.acquire();
    send_json(res, 200, collect_stats(*db, now_ms()));
    set_security_headers(res, PageKind::Api);
  });
  s.routes.get("/metrics", [&s](const Request& req, Response& res) {
    if (!admin_configured(s, res)) return;
    if (!authorized(s, req)) {
      send_error(res, 401, "unauthorized", "send 'Authorization: Bearer <admin token>'");
      set_security_headers(res, PageKind::Api);
      return;
    }
    auto db = s.pool.acquire();
    res.set_content(metrics_text(collect_stats(*db, now_ms())), "text/plain; version=0.0.4; charset=utf-8");
    res.set_header("Cache-Control", "no-store");
    set_security_headers(res, PageKind::Api);
  });
}

}  // namespace cmup::web
