// Internal to src/web: what the route handlers share. Not part of the web module's interface.
#pragma once

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>

#include "bot/season_sender.hpp"
#include "util/client_address.hpp"
#include "util/http_server.hpp"
#include "web/admin_sessions.hpp"
#include "web/db_pool.hpp"
#include "web/rate_limiter.hpp"
#include "web/search_service.hpp"
#include "web/server.hpp"

namespace cmup::web {

struct WebServer::State {
  State(WebOptions o, std::filesystem::path db, Delivery* d)
      : opts(std::move(o)),
        pool(db, static_cast<std::size_t>(opts.threads) + 2),
        search(pool),
        delivery(d),
        per_user(opts.deliver_per_user_per_minute, opts.deliver_per_user_per_minute),
        per_ip(opts.deliver_per_ip_per_minute, opts.deliver_per_ip_per_minute),
        admin_sessions(std::move(db), opts.admin_token),
        proxies(TrustedProxies::parse({opts.trusted_proxies})) {}

  WebOptions opts;
  ReadPool pool;
  SearchService search;  // GET /api/v1/titles?q=: in-memory index and answer cache
  Delivery* delivery;
  bot::SeasonDelivery* seasons = nullptr;  // POST /api/v1/deliver_season; null: 503
  RateLimiter per_user;
  RateLimiter per_ip;
  AdminSessions admin_sessions;  // /admin login sessions
  TrustedProxies proxies;        // whose X-Forwarded-Proto is believed (the Secure cookie flag)
  Router routes;
  std::unique_ptr<HttpServer> http;
  int port = 0;

  // Facets change only with imports: computed at most once a minute.
  std::mutex facets_mu;
  nlohmann::json facets;
  std::int64_t facets_at_ms = 0;
};

void add_page_routes(WebServer::State& s);   // server.cpp: pages and static assets
void add_api_routes(WebServer::State& s);    // api_routes.cpp: /api/v1
void add_admin_routes(WebServer::State& s);  // admin_routes.cpp: /admin, /metrics

}  // namespace cmup::web
