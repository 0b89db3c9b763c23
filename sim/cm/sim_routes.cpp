#include "cm/sim_routes.hpp"

#include <fmt/format.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cm/sim_auth.hpp"
#include "cm/sim_poster.hpp"
#include "common/media_server.hpp"

namespace cmup::sim {

namespace {

using json = nlohmann::json;

struct FailPlan {
  int status = 0, count = 0, retry_after = 0;
};

struct State {
  State(const SimCmOptions& o, std::vector<MediaFile> media)
      : opts(o),
        auth(o.username, o.password, o.token_lifetime_s, o.refresh_lifetime_s),
        catalog(o.catalog, std::move(media)) {}
  SimCmOptions opts;
  SimAuth auth;
  SimCatalog catalog;
  std::atomic<int> logins{0}, refreshes{0}, unauthorized{0}, api_requests{0}, injected{0}, poster_requests{0};
  std::mutex fail_mu;
  FailPlan fail;
};

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, json{{"error", message}});
}

json tokens_json(const TokenPair& p) {
  return json{
      {"access_token", p.access_token}, {"refresh_token", p.refresh_token}, {"expires_in", p.expires_in}};
}

int int_param(const httplib::Request& req, const char* name, int fallback) {
  if (!req.has_param(name)) return fallback;
  try {
    return std::stoi(req.get_param_value(name));
  } catch (const std::exception&) {
    return fallback;
  }
}

std::optional<std::int64_t> since_param(const httplib::Request& req) {
  if (!req.has_param("updated_since")) return std::nullopt;
  try {
    return std::stoll(req.get_param_value("updated_since"));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool is_api_path(const std::string& path) {
  return path.rfind("/auth/", 0) == 0 || path.rfind("/movies", 0) == 0 || path.rfind("/shows", 0) == 0;
}

// Failure injection runs before routing, so it hits auth and catalog requests alike.
httplib::Server::HandlerResponse maybe_fail(State& s, const httplib::Request& req, httplib::Response& res) {
  if (!is_api_path(req.path)) return httplib::Server::HandlerResponse::Unhandled;
  ++s.api_requests;
  std::lock_guard lock(s.fail_mu);
  if (s.fail.count <= 0) return httplib::Server::HandlerResponse::Unhandled;
  --s.fail.count;
  ++s.injected;
  if (s.fail.status == 429) res.set_header("Retry-After", std::to_string(s.fail.retry_after));
  send_error(res, s.fail.status, "injected failure");
  return httplib::Server::HandlerResponse::Handled;
}

bool authorized(State& s, const httplib::Request& req, httplib::Response& res) {
  auto h = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (h.rfind(kBearer, 0) == 0 && s.auth.check_access(h.substr(kBearer.size()))) return true;
  ++s.unauthorized;
  send_error(res, 401, "invalid or expired access token");
  return false;
}

void page_delay(const State& s) {
  if (s.opts.page_delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(s.opts.page_delay_ms));
}

void mount_api(httplib::Server& srv, const std::shared_ptr<State>& st) {
  srv.Post("/auth/login", [st](const httplib::Request& req, httplib::Response& res) {
    auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return send_error(res, 400, "expected a JSON object");
    auto pair = st->auth.login(body.value("username", ""), body.value("password", ""));
    if (!pair) return send_error(res, 401, "wrong username or password");
    ++st->logins;
    send_json(res, 200, tokens_json(*pair));
  });
  srv.Post("/auth/refresh", [st](const httplib::Request& req, httplib::Response& res) {
    auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return send_error(res, 400, "expected a JSON object");
    auto pair = st->auth.refresh(body.value("refresh_token", ""));
    if (!pair) return send_error(res, 401, "refresh token expired or unknown");
    ++st->refreshes;
    send_json(res, 200, tokens_json(*pair));
  });
  srv.Get("/movies", [st](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(*st, req, res)) return;
    page_delay(*st);
    send_json(res, 200,
              st->catalog.movies_page(int_param(req, "page", 1), int_param(req, "per_page", 100),
                                      since_param(req)));
  });
  srv.Get("/shows", [st](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(*st, req, res)) return;
    page_delay(*st);
    send_json(
        res, 200,
        st->catalog.shows_page(int_param(req, "page", 1), int_param(req, "per_page", 100), since_param(req)));
  });
  srv.Get(R"(/shows/([^/]+)/episodes)", [st](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(*st, req, res)) return;
    auto page =
        st->catalog.episodes_page(req.matches[1], int_param(req, "page", 1), int_param(req, "per_page", 100));
    if (!page) return send_error(res, 404, "no such show");
    send_json(res, 200, *page);
  });
  // Like a CDN: real image bytes, the right type, cacheable.
  srv.Get(R"(/posters/((movie|show)-[0-9A-Za-z_-]+)\.png)",
          [st](const httplib::Request& req, httplib::Response& res) {
            ++st->poster_requests;
            res.set_header("Cache-Control", "public, max-age=86400");
            res.set_content(poster_png(req.matches[1]), "image/png");
          });
}

void mount_control(httplib::Server& srv, const std::shared_ptr<State>& st) {
  srv.Post("/control/fail", [st](const httplib::Request& req, httplib::Response& res) {
    auto b = json::parse(req.body, nullptr, false);
    if (!b.is_object()) return send_error(res, 400, "expected {status, count}");
    std::lock_guard lock(st->fail_mu);
    st->fail = {b.value("status", 503), b.value("count", 1), b.value("retry_after", 1)};
    send_json(res, 200, json{{"ok", true}});
  });
  srv.Post("/control/expire-refresh-tokens", [st](const httplib::Request&, httplib::Response& res) {
    st->auth.expire_refresh_tokens();
    send_json(res, 200, json{{"ok", true}});
  });
  srv.Post("/control/revoke-access-tokens", [st](const httplib::Request&, httplib::Response& res) {
    st->auth.revoke_access_tokens();
    send_json(res, 200, json{{"ok", true}});
  });
  srv.Post("/control/token-lifetime", [st](const httplib::Request& req, httplib::Response& res) {
    auto b = json::parse(req.body, nullptr, false);
    if (!b.is_object()) return send_error(res, 400, "expected {access_s, refresh_s}");
    st->auth.set_lifetimes(b.value("access_s", std::int64_t{0}), b.value("refresh_s", std::int64_t{0}));
    send_json(res, 200, json{{"ok", true}});
  });
  srv.Get(R"(/control/items/(movies|shows|episodes)/([^/]+))",
          [st](const httplib::Request& req, httplib::Response& res) {
            auto item = st->catalog.get(req.matches[1], req.matches[2]);
            if (!item) return send_error(res, 404, "no such item");
            send_json(res, 200, *item);
          });
  srv.Put(R"(/control/items/(movies|shows|episodes)/([^/]+))",
          [st](const httplib::Request& req, httplib::Response& res) {
            auto b = json::parse(req.body, nullptr, false);
            if (b.is_discarded()) return send_error(res, 400, "expected JSON (null deletes)");
            st->catalog.put(req.matches[1], req.matches[2], std::move(b));
            send_json(res, 200, json{{"ok", true}});
          });
  srv.Get("/control/stats", [st](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200,
              json{{"logins", st->logins.load()},
                   {"refreshes", st->refreshes.load()},
                   {"unauthorized", st->unauthorized.load()},
                   {"api_requests", st->api_requests.load()},
                   {"injected_failures", st->injected.load()},
                   {"poster_requests", st->poster_requests.load()}});
  });
}

}  // namespace

void mount_sim_cm(httplib::Server& srv, const SimCmOptions& opts) {
  auto media = ensure_media(opts.media_dir);
  auto st = std::make_shared<State>(opts, std::move(media));
  srv.set_pre_routing_handler(
      [st](const httplib::Request& req, httplib::Response& res) { return maybe_fail(*st, req, res); });
  mount_api(srv, st);
  mount_media_routes(srv, "/media", MediaServerOptions{opts.media_dir, opts.throttle_bps});
  if (opts.control) mount_control(srv, st);
}

}  // namespace cmup::sim
