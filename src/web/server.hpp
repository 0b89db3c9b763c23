// `cmup serve`'s HTTP server: the website and Mini App pages, the JSON API under /api/v1,
// the /admin dashboard and /metrics (docs/api.md).
//
// Contract: start() binds web.listen (throws std::runtime_error naming the address when it
// cannot) and serves from a thread pool until stop() or destruction. Requests read the
// database through read-only connections (the importer and workers write concurrently).
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

namespace cmup {
class Config;
}

namespace cmup::web {

struct WebOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                  // 0 = any free port (tests)
  std::string admin_token;          // empty: /admin and /metrics answer 503
  std::string bot_token;            // validates initData; empty: deliver answers 503
  std::string bot_username = "cmup_bot";
  std::int64_t init_data_max_age_s = 86400;
  int threads = 8;
  std::size_t max_body_bytes = 16384;
  std::size_t max_url_bytes = 4096;
  int deliver_per_user_per_minute = 6;
  int deliver_per_ip_per_minute = 30;

  // web.* and bot.token / bot.username. Throws ConfigError on a malformed web.listen.
  static WebOptions from_config(const Config& cfg);
};

// "host:port" or "[v6]:port" -> host, port; throws std::invalid_argument.
std::pair<std::string, int> parse_listen(const std::string& listen);

class WebServer {
 public:
  WebServer(WebOptions opts, std::filesystem::path db_path, Delivery* delivery);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

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
