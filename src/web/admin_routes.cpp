// /admin (dashboard page, login, logout, JSON status) and /metrics (Prometheus text).
// Both need web.admin_token: as "Authorization: Bearer <token>", or the session cookie the
// login form sets: a random token of a server-side session (web/admin_sessions.hpp) that
// expires after web.admin_session_max_age_s and that logout revokes. Every route that checks a
// session reads SQLite, so they all run on the pool.
#include <cctype>

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

bool authorized(WebServer::State& s, const Request& req) {
  if (s.opts.admin_token.empty()) return false;
  if (token_matches(bearer_token(req), s.opts.admin_token)) return true;
  std::string session = cookie_value(req, kCookie);
  return !session.empty() && s.admin_sessions.valid(session, now_ms());
}

// Whether the browser reached us over https: the site's public URL says so, or a trusted
// proxy's X-Forwarded-Proto (the last value: the one the proxy next to us set) does. A client
// that is not a trusted proxy cannot claim it.
bool over_https(const WebServer::State& s, const Request& req) {
  if (s.opts.public_url.rfind("https://", 0) == 0) return true;
  if (!s.proxies.trusts(req.peer)) return false;
  std::string proto = req.header_list("X-Forwarded-Proto");
  auto comma = proto.rfind(',');
  if (comma != std::string::npos) proto = proto.substr(comma + 1);
  proto = std::string(trim_ows(proto));
  for (auto& c : proto) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return proto == "https";
}

std::string session_cookie(const WebServer::State& s, const Request& req, const std::string& value,
                           std::int64_t max_age_s) {
  std::string c = std::string(kCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                  std::to_string(max_age_s);
  if (over_https(s, req)) c += "; Secure";
  return c;
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
               });
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
                  std::int64_t max_age_s = s.opts.admin_session_max_age_s;
                  std::string session = s.admin_sessions.create(now, max_age_s * 1000);
                  res.set_header("Set-Cookie", session_cookie(s, req, session, max_age_s));
                  redirect(res, "/admin");
                });
  s.routes.post("/admin/logout", [&s](const Request& req, Response& res) {
    s.admin_sessions.revoke(cookie_value(req, kCookie));
    res.set_header("Set-Cookie", session_cookie(s, req, "", 0));
    redirect(res, "/admin");
  });
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
    std::string text = metrics_text(collect_stats(*db, now_ms()));
    if (s.delivery) text += delivery_metrics_text(s.delivery->status());
    res.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
    res.set_header("Cache-Control", "no-store");
    set_security_headers(res, PageKind::Api);
  });
}

}  // namespace cmup::web
