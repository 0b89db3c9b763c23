#include "web/server.hpp"

#include <SQLiteCpp/Exception.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <stdexcept>

#include "util/config.hpp"
#include "util/embedded.hpp"
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

void serve_asset(const httplib::Request& req, httplib::Response& res, std::string_view name, PageKind kind) {
  const embedded::File* f = find_asset(name);
  if (!f) {
    send_error(res, 404, "not_found", "no such page or file");
    set_security_headers(res, PageKind::Api);
    return;
  }
  // Assets change only with the binary: the version makes a good validator.
  std::string etag = "\"" + std::string(CMUP_VERSION) + "-" + std::to_string(f->content.size()) + "\"";
  res.set_header("ETag", etag);
  bool html = name.size() > 5 && name.substr(name.size() - 5) == ".html";
  res.set_header("Cache-Control", html ? "no-cache" : "public, max-age=300");
  set_security_headers(res, kind);
  if (req.get_header_value("If-None-Match") == etag) {
    res.status = 304;
    return;
  }
  res.set_content(std::string(f->content), content_type_of(name).c_str());
}

}  // namespace

std::pair<std::string, int> parse_listen(const std::string& listen) {
  std::string host;
  std::string port;
  if (!listen.empty() && listen[0] == '[') {
    auto close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':')
      throw std::invalid_argument("expected [address]:port");
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("expected host:port");
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument("expected host:port");
  int p = std::stoi(port);
  if (p > 65535) throw std::invalid_argument("port out of range");
  return {host, p};
}

WebOptions WebOptions::from_config(const Config& cfg) {
  WebOptions o;
  try {
    std::tie(o.host, o.port) = parse_listen(cfg.str("web.listen"));
  } catch (const std::invalid_argument& e) {
    throw ConfigError("web.listen = \"" + cfg.str("web.listen") + "\": " + e.what() + " (e.g. \"127.0.0.1:8080\")");
  }
  o.admin_token = cfg.str("web.admin_token");
  o.bot_token = cfg.str("bot.token");
  o.bot_username = cfg.str("bot.username");
  o.init_data_max_age_s = cfg.integer("web.init_data_max_age_s");
  o.threads = static_cast<int>(std::clamp<std::int64_t>(cfg.integer("web.threads"), 1, 256));
  o.max_body_bytes = static_cast<std::size_t>(std::max<std::int64_t>(1024, cfg.integer("web.max_body_bytes")));
  o.max_url_bytes = static_cast<std::size_t>(std::clamp<std::int64_t>(cfg.integer("web.max_url_bytes"), 256, 8000));
  o.deliver_per_user_per_minute = static_cast<int>(cfg.integer("web.deliver_per_user_per_minute"));
  o.deliver_per_ip_per_minute = static_cast<int>(cfg.integer("web.deliver_per_ip_per_minute"));
  return o;
}

void add_page_routes(WebServer::State& s) {
  auto index = [](const httplib::Request& req, httplib::Response& res) {
    serve_asset(req, res, "index.html", PageKind::MiniApp);
  };
  s.http.Get("/", index);
  s.http.Get(R"(/t/\d{1,16})", index);  // a title page: the same app, routed in the browser
  // The Mini App (bot.mini_app_url defaults to <web.public_url>/app/): the same page, whose
  // links stay under /app/ so Telegram's web view never leaves the Mini App's URL.
  s.http.Get("/app/", index);
  s.http.Get(R"(/app/t/\d{1,16})", index);
  s.http.Get("/app", [](const httplib::Request& req, httplib::Response& res) {
    // The query is kept (Telegram may pass tgWebAppStartParam there); the #fragment with
    // tgWebAppData carries over a redirect by itself.
    auto q = req.target.find('?');
    res.set_redirect("/app/" + (q == std::string::npos ? std::string() : req.target.substr(q)), 301);
    set_security_headers(res, PageKind::Api);
  });
  s.http.Get(R"(/static/([A-Za-z0-9_\-]{1,64}\.[a-z]{2,11}))", [](const httplib::Request& req, httplib::Response& res) {
    std::string name = req.matches[1];
    if (name == "admin.js" || name == "admin.css")
      serve_asset(req, res, name, PageKind::Admin);
    else
      serve_asset(req, res, name, PageKind::MiniApp);
  });
  s.http.Get("/favicon.ico", [](const httplib::Request& req, httplib::Response& res) {
    serve_asset(req, res, "favicon.svg", PageKind::MiniApp);
  });
}

WebServer::WebServer(WebOptions opts, std::filesystem::path db_path, Delivery* delivery)
    : state_(std::make_unique<State>(std::move(opts), std::move(db_path), delivery)) {
  auto& s = *state_;
  int threads = s.opts.threads;
  s.http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  // Small JSON answers must not wait out Nagle + delayed ACK (a 40 ms floor per request).
  s.http.set_tcp_nodelay(true);
  s.http.set_payload_max_length(s.opts.max_body_bytes);
  s.http.set_read_timeout(10, 0);
  s.http.set_write_timeout(10, 0);
  s.http.set_keep_alive_max_count(100);
  s.http.set_default_headers({{"X-Content-Type-Options", "nosniff"}});

  std::size_t max_url = s.opts.max_url_bytes;
  s.http.set_pre_routing_handler([max_url](const httplib::Request& req, httplib::Response& res) {
    if (req.target.size() > max_url) {
      send_error(res, 414, "uri_too_long", "the request URL is longer than " + std::to_string(max_url) + " bytes");
      set_security_headers(res, PageKind::Api);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Answers httplib produces itself (no route, body too large, bad request) get the same
  // JSON error shape as ours; responses that already have a body are left alone.
  s.http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    switch (res.status) {
      case 404: send_error(res, 404, "not_found", "no such page or API endpoint"); break;
      case 405: send_error(res, 405, "method_not_allowed", "this method is not allowed here"); break;
      case 413: send_error(res, 413, "payload_too_large", "the request body is too large"); break;
      case 414: send_error(res, 414, "uri_too_long", "the request URL is too long"); break;
      default:
        send_error(res, res.status, res.status >= 500 ? "internal" : "bad_request",
                   res.status >= 500 ? "internal error" : "the request could not be understood");
    }
    set_security_headers(res, PageKind::Api);
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    try {
      std::rethrow_exception(ep);
    } catch (const SQLite::Exception& e) {
      spdlog::error("web: {} {}: database error: {}", req.method, req.path, e.what());
      send_error(res, 503, "database_unavailable", "the catalog database is busy or unavailable; try again shortly");
    } catch (const std::exception& e) {
      spdlog::error("web: {} {}: {}", req.method, req.path, e.what());
      send_error(res, 500, "internal", "internal error");
    } catch (...) {
      send_error(res, 500, "internal", "internal error");
    }
    set_security_headers(res, PageKind::Api);
  });

  add_page_routes(s);
  add_api_routes(s);
  add_admin_routes(s);
}

WebServer::~WebServer() { stop(); }

int WebServer::start() {
  auto& s = *state_;
  if (s.opts.port == 0) {
    s.port = s.http.bind_to_any_port(s.opts.host);
  } else {
    s.port = s.http.bind_to_port(s.opts.host, s.opts.port) ? s.opts.port : -1;
  }
  if (s.port <= 0)
    throw std::runtime_error("cannot listen on " + s.opts.host + ":" + std::to_string(s.opts.port) +
                             " (in use, or not an address of this host): change web.listen");
  s.thread = std::thread([&s] { s.http.listen_after_bind(); });
  // stop() only takes effect on a running server: wait for the accept loop to be up.
  while (!s.http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return s.port;
}

void WebServer::stop() {
  auto& s = *state_;
  if (s.thread.joinable()) {
    s.http.stop();
    s.thread.join();
  }
}

int WebServer::port() const { return state_->port; }
const WebOptions& WebServer::options() const { return state_->opts; }

}  // namespace cmup::web
