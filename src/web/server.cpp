#include "web/server.hpp"

#include <SQLiteCpp/Exception.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <stdexcept>

#include "util/config.hpp"
#include "util/embedded.hpp"
#include "util/http_range.hpp"
#include "util/http_server.hpp"
#include "web/http_util.hpp"
#include "web/server_state.hpp"

namespace cmup::web {

namespace {

std::string content_type_of(std::string_view name) {
  static const std::map<std::string, std::string, std::less<>> types = {
      {".html", "text/html; charset=utf-8"},      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},  {".svg", "image/svg+xml"},
      {".json", "application/json; charset=utf-8"}, {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"}};
  auto dot = name.rfind('.');
  if (dot != std::string_view::npos)
    if (auto it = types.find(name.substr(dot)); it != types.end()) return it->second;
  return "application/octet-stream";
}

const embedded::File* find_asset(std::string_view name) {
  for (const auto& f : embedded::web_assets())
    if (f.name == name) return &f;
  return nullptr;
}

// The embedded file `name`, with its validator and at most one byte range (util/http_range.hpp).
void serve_asset(const ServerRequest& req, ServerResponse& res, std::string_view name, PageKind kind) {
  const embedded::File* f = find_asset(name);
  if (!f) {
    send_error(res, 404, "not_found", "no such page or file");
    set_security_headers(res, PageKind::Api);
    return;
  }
  // Assets change only with the binary: the version makes a good validator.
  std::string etag = "\"" + std::string(CMUP_VERSION) + "-" + std::to_string(f->content.size()) + "\"";
  res.set_header("ETag", etag);
  res.set_header("Accept-Ranges", "bytes");
  bool html = name.size() > 5 && name.substr(name.size() - 5) == ".html";
  res.set_header("Cache-Control", html ? "no-cache" : "public, max-age=300");
  set_security_headers(res, kind);
  if (req.header("If-None-Match") == etag) {
    res.status = 304;
    return;
  }
  std::string type = content_type_of(name);
  std::string if_range = req.header("If-Range");
  ByteRange range = req.has_header("Range") && (if_range.empty() || if_range == etag)
                        ? parse_range(req.header("Range"), f->content.size())
                        : ByteRange{};
  switch (range.kind) {
    case ByteRange::Kind::Full:
      res.set_content(std::string(f->content), type);
      return;
    case ByteRange::Kind::Unsatisfiable:
      res.status = 416;
      res.set_header("Content-Range", "bytes */" + std::to_string(f->content.size()));
      return;
    case ByteRange::Kind::Single:
      res.status = 206;
      res.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                          std::to_string(range.last) + "/" +
                                          std::to_string(f->content.size()));
      res.set_content(std::string(f->content.substr(range.first, range.last - range.first + 1)), type);
      return;
  }
}

}  // namespace

WebOptions WebOptions::from_config(const Config& cfg) {
  WebOptions o;
  auto listen = cfg.address("web.listen");
  o.host = listen.host;
  o.port = listen.port;
  o.admin_token = cfg.str("web.admin_token");
  o.admin_session_max_age_s =
      std::clamp<std::int64_t>(cfg.integer("web.admin_session_max_age_s"), 60, std::int64_t{31} * 86400);
  o.public_url = cfg.str("web.public_url");
  o.bot_token = cfg.str("bot.token");
  o.bot_username = cfg.str("bot.username");
  o.init_data_max_age_s = cfg.integer("web.init_data_max_age_s");
  o.threads = static_cast<int>(std::clamp<std::int64_t>(cfg.integer("web.threads"), 1, 256));
  o.max_body_bytes = static_cast<std::size_t>(std::max<std::int64_t>(1024, cfg.integer("web.max_body_bytes")));
  o.max_url_bytes = static_cast<std::size_t>(std::clamp<std::int64_t>(cfg.integer("web.max_url_bytes"), 256, 8000));
  o.io_threads = static_cast<int>(std::clamp<std::int64_t>(cfg.integer("web.io_threads"), 1, 64));
  o.queue = static_cast<std::size_t>(std::clamp<std::int64_t>(cfg.integer("web.queue"), 0, 100000));
  o.max_header_bytes =
      static_cast<std::size_t>(std::clamp<std::int64_t>(cfg.integer("web.max_header_bytes"), 1024, 1 << 20));
  o.header_timeout_ms = std::max<std::int64_t>(100, cfg.integer("web.header_timeout_ms"));
  o.body_timeout_ms = std::max<std::int64_t>(100, cfg.integer("web.body_timeout_ms"));
  o.idle_timeout_ms = std::max<std::int64_t>(100, cfg.integer("web.idle_timeout_ms"));
  o.max_connections = static_cast<std::size_t>(std::max<std::int64_t>(1, cfg.integer("web.max_connections")));
  o.max_connections_per_ip =
      static_cast<std::size_t>(std::max<std::int64_t>(1, cfg.integer("web.max_connections_per_ip")));
  o.trusted_proxies = cfg.str("web.trusted_proxies");
  try {
    TrustedProxies::parse({o.trusted_proxies});
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("web.trusted_proxies: ") + e.what());
  }
  o.deliver_per_user_per_minute = static_cast<int>(cfg.integer("web.deliver_per_user_per_minute"));
  o.deliver_per_ip_per_minute = static_cast<int>(cfg.integer("web.deliver_per_ip_per_minute"));
  o.images.store_root = cfg.path_or("images.dir", "images");
  o.images.ffmpeg = cfg.str("images.ffmpeg");
  o.images.resize_timeout =
      std::chrono::seconds(std::clamp<std::int64_t>(cfg.integer("images.resize_timeout_s"), 1, 600));
  return o;
}

void add_page_routes(WebServer::State& s) {
  // Embedded bytes only: answered on the I/O threads.
  const RouteOptions io{RunOn::Io};
  auto index = [](const ServerRequest& req, ServerResponse& res) {
    serve_asset(req, res, "index.html", PageKind::MiniApp);
  };
  s.routes.get("/", index, io);
  s.routes.get(R"(/t/\d{1,16})", index, io);  // a title page: the same app, routed in the browser
  // The Mini App (bot.mini_app_url defaults to <web.public_url>/app/): the same page, whose
  // links stay under /app/ so Telegram's web view never leaves the Mini App's URL.
  s.routes.get("/app/", index, io);
  s.routes.get(R"(/app/t/\d{1,16})", index, io);
  s.routes.get(
      "/app",
      [](const ServerRequest& req, ServerResponse& res) {
        // The query is kept (Telegram may pass tgWebAppStartParam there); the #fragment with
        // tgWebAppData carries over a redirect by itself.
        auto q = req.target.find('?');
        res.status = 301;
        res.set_header("Location", "/app/" + (q == std::string::npos ? std::string() : req.target.substr(q)));
        set_security_headers(res, PageKind::Api);
      },
      io);
  s.routes.get(
      R"(/static/([A-Za-z0-9_\-]{1,64}\.[a-z]{2,11}))",
      [](const ServerRequest& req, ServerResponse& res) {
        const std::string& name = req.matches[1];
        if (name == "admin.js" || name == "admin.css")
          serve_asset(req, res, name, PageKind::Admin);
        else
          serve_asset(req, res, name, PageKind::MiniApp);
      },
      io);
  s.routes.get(
      "/favicon.ico",
      [](const ServerRequest& req, ServerResponse& res) { serve_asset(req, res, "favicon.svg", PageKind::MiniApp); },
      io);
}

namespace {

HttpServerOptions http_options(const WebOptions& o) {
  HttpServerOptions h;
  h.name = "web";
  h.host = o.host;
  h.port = o.port;
  h.io_threads = o.io_threads;
  h.pool_threads = o.threads;
  h.pool_queue = o.queue;
  h.header_timeout = std::chrono::milliseconds(o.header_timeout_ms);
  h.body_timeout = std::chrono::milliseconds(o.body_timeout_ms);
  h.idle_timeout = std::chrono::milliseconds(o.idle_timeout_ms);
  h.max_connections = o.max_connections;
  h.max_connections_per_client = o.max_connections_per_ip;
  h.limits.max_body_bytes = o.max_body_bytes;
  h.limits.max_url_bytes = o.max_url_bytes;
  h.limits.max_header_bytes = o.max_header_bytes;
  h.trusted_proxies = TrustedProxies::parse({o.trusted_proxies});
  h.default_headers = {{"X-Content-Type-Options", "nosniff"}};
  // Answers the server makes itself (404, 405, 413, 414, 503...) look like ours.
  h.error_page = [](ServerResponse& res, int status, const std::string& code, const std::string& message) {
    send_error(res, status, code, message);
    set_security_headers(res, PageKind::Api);
  };
  h.on_exception = [](const ServerRequest& req, ServerResponse& res, const std::exception_ptr& ep) {
    try {
      std::rethrow_exception(ep);
    } catch (const SQLite::Exception& e) {
      spdlog::error("web: {} {}: database error: {}", req.method, req.path, e.what());
      send_error(res, 503, "database_unavailable", "the catalog database is busy or unavailable; try again shortly");
      res.set_header("Retry-After", "1");
    } catch (const std::exception& e) {
      spdlog::error("web: {} {}: {}", req.method, req.path, e.what());
      send_error(res, 500, "internal", "internal error");
    } catch (...) {
      send_error(res, 500, "internal", "internal error");
    }
    set_security_headers(res, PageKind::Api);
  };
  return h;
}

}  // namespace

WebServer::WebServer(WebOptions opts, std::filesystem::path db_path, Delivery* delivery)
    : state_(std::make_unique<State>(std::move(opts), std::move(db_path), delivery)) {
  add_page_routes(*state_);
  if (!state_->opts.images.store_root.empty()) mount_image_routes(state_->routes, state_->opts.images);
  add_api_routes(*state_);
  add_admin_routes(*state_);
}

WebServer::~WebServer() { stop(); }

void WebServer::set_season_delivery(bot::SeasonDelivery* seasons) { state_->seasons = seasons; }

Router& WebServer::router() { return state_->routes; }

int WebServer::start() {
  auto& s = *state_;
  s.http = std::make_unique<HttpServer>(http_options(s.opts), std::move(s.routes));
  try {
    s.port = s.http->start();
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + ": change web.listen");
  }
  return s.port;
}

void WebServer::stop() {
  auto& s = *state_;
  if (s.http) s.http->stop();
}

int WebServer::port() const { return state_->port; }
const WebOptions& WebServer::options() const { return state_->opts; }

}  // namespace cmup::web
