// `cmup serve`'s HTTP server: the website and Mini App pages, the JSON API under /api/v1,
// the /admin dashboard and /metrics (docs/api.md).
//
// Contract: start() binds web.listen (throws std::runtime_error naming the address when it
// cannot) and serves on the event-driven HttpServer (util/http_server.hpp: I/O threads for
// the connections, a bounded pool of `threads` workers for everything that reads the
// database) until stop() or destruction. Requests read the database through read-only
// connections (the importer and workers write concurrently). Rate limits key on the real
// client (web.trusted_proxies decides when X-Forwarded-For is believed).
// POST /api/v1/deliver hands a validated request to `delivery`; when it is null, deliver
// answers 503 and nothing is sent. The Delivery must outlive the server.
// start()/stop() from one thread; everything else is internally synchronized.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "bot/delivery.hpp"
#include "util/http_router.hpp"
#include "web/image_routes.hpp"

namespace cmup {
class Config;
}
namespace cmup::bot {
class SeasonDelivery;
}

namespace cmup::web {

struct WebOptions {
  std::string host = "127.0.0.1";
  int port = 8080;          // 0 = any free port (tests)
  std::string admin_token;  // empty: /admin and /metrics answer 503
  std::int64_t admin_session_max_age_s = 43200;  // a login lasts this long (web.admin_session_max_age_s)
  std::string public_url;   // https://...: the admin cookie is Secure on every request
  std::string bot_token;    // validates initData; empty: deliver answers 503
  std::string bot_username = "cmup_bot";
  std::int64_t init_data_max_age_s = 86400;
  int threads = 8;          // database worker pool
  int io_threads = 2;       // connections
  std::size_t queue = 256;  // requests waiting for the pool before 503
  std::size_t max_body_bytes = 16384;
  std::size_t max_url_bytes = 4096;
  std::size_t max_header_bytes = 16384;
  std::int64_t header_timeout_ms = 10000;
  std::int64_t body_timeout_ms = 30000;
  std::int64_t idle_timeout_ms = 60000;
  std::size_t max_connections = 10000;
  std::size_t max_connections_per_ip = 64;
  std::string trusted_proxies;  // comma-separated CIDRs
  int deliver_per_user_per_minute = 6;
  int deliver_per_ip_per_minute = 30;
  ImageRouteOptions images;  // store_root empty: no /images route (tests without images)

  // web.* and bot.token / bot.username. Throws ConfigError on a malformed web.listen or
  // web.trusted_proxies.
  static WebOptions from_config(const Config& cfg);
};

class WebServer {
 public:
  WebServer(WebOptions opts, std::filesystem::path db_path, Delivery* delivery);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // The bot's whole-season sender for POST /api/v1/deliver_season (call before start();
  // null or never set: that route answers 503). It must outlive the server.
  void set_season_delivery(bot::SeasonDelivery* seasons);
  // Routes added here before start() are served too (the bot's webhook inside `cmup serve`).
  Router& router();
  // Binds and starts serving in the background; returns the bound port.
  int start();
  void stop();
  int port() const;
  const WebOptions& options() const;

  struct State;  // routes' shared state (server_state.hpp)

 private:
  std::unique_ptr<State> state_;
};

}  // namespace cmup::web
