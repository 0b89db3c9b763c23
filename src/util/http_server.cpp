#include "util/http_server.hpp"

// clang-format off
#include <utility>  // Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <array>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "util/host_port.hpp"
#include "util/http_parse_detail.hpp"

namespace cmup {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

namespace {

constexpr std::chrono::seconds kStopGrace{5};   // how long stop() lets connections close
constexpr std::chrono::seconds kLinger{1};      // see linger()
constexpr std::size_t kSpareDescriptors = 256;  // kept free of connections (database, logs, clients)
constexpr std::size_t kLingerBytes = 4 << 20;
constexpr std::chrono::milliseconds kSweep{100};  // how often deadlines are checked (their precision)

// What a connection over a cap gets before it is closed: written once, without waiting.
const std::string& over_capacity_reply() {
  static const std::string body =
      R"({"error":{"code":"too_many_connections","message":"too many open connections; try again shortly"}})";
  static const std::string reply =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
      "Retry-After: 5\r\nConnection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  return reply;
}

bool quiet_end(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
         ec == asio::error::broken_pipe || ec == asio::error::bad_descriptor;
}

std::string canonical_address(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return a.to_v6().to_v4().to_string();
  return a.to_string();
}

}  // namespace

void json_error_page(ServerResponse& res, int status, const std::string& code, const std::string& message) {
  res.status = status;
  res.set_content(nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump(
                      -1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json; charset=utf-8");
  res.set_header("Cache-Control", "no-store");
}

std::size_t raise_open_file_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit want = rl;
    want.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &want) == 0) rl = want;
  }
  return static_cast<std::size_t>(rl.rlim_cur);
}

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A connection: its socket and the deadline of the operation in progress. Deadlines are
// enforced by the server's sweep (every kSweep), not by a timer per operation: arming one is
// a clock read and a store, where a timer costs a queue insert, a cancel and a completion.
struct Conn {
  static constexpr std::int64_t kNever = INT64_MAX;
  explicit Conn(tcp::socket s) : socket(std::move(s)) {}
  tcp::socket socket;
  std::string head;  // the response header being written; reused, so it allocates once
  std::atomic<std::int64_t> deadline_ns{kNever};  // steady clock; the sweep reads it
  bool timed_out = false;                         // the sweep cancelled the operation in progress

  void expires_after(std::chrono::milliseconds d) {
    timed_out = false;
    deadline_ns.store(steady_now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(d).count(),
                      std::memory_order_relaxed);
  }
  void expires_never() { deadline_ns.store(kNever, std::memory_order_relaxed); }
  // An operation the sweep cancelled reads as a timeout.
  void classify(beast::error_code& ec) const {
    if (timed_out && ec == asio::error::operation_aborted) ec = beast::error::timeout;
  }
};

struct HttpServer::Impl {
  Impl(HttpServerOptions o, Router r) : opts(std::move(o)), router(std::move(r)) {
    if (!opts.error_page) opts.error_page = json_error_page;
    largest_body = router.largest_body(opts.limits.max_body_bytes);
    for (const auto& [k, v] : opts.default_headers) {
      std::string line;
      append_header_lines(line, {{k, v}});
      default_header_lines.emplace_back(k, std::move(line));
    }
  }

  HttpServerOptions opts;
  Router router;
  std::size_t largest_body = 0;
  std::vector<std::pair<std::string, std::string>> default_header_lines;  // name, "Name: value\r\n"

  // Connection accounting; the registry lets stop() close every connection.
  std::mutex mu;
  std::condition_variable all_closed;
  std::unordered_map<std::string, std::size_t> per_peer;
  std::unordered_map<Conn*, std::weak_ptr<Conn>> conns;
  std::atomic<std::uint64_t> requests{0}, rejected{0}, pool_full{0};
  std::atomic<std::size_t> pool_in_flight{0};
  std::atomic<bool> stopping{false};

  // One io_context per I/O thread, each run by that thread alone: a connection lives on one
  // of them (round robin at accept), so its handlers never run concurrently and need no
  // strand (no lock and no shared state per completion). The acceptor is on the first.
  std::vector<std::unique_ptr<asio::io_context>> ios;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  std::size_t next_io = 0;  // accept loop only
  std::optional<tcp::acceptor> acceptor;
  std::unique_ptr<asio::thread_pool> pool;  // after ios: destroyed first
  std::vector<std::thread> threads;
  int port = 0;
  bool running = false;

  struct Guard {
    Impl& s;
    std::string peer;
    Conn* conn;
    ~Guard() {
      std::lock_guard lk(s.mu);
      if (auto it = s.per_peer.find(peer); it != s.per_peer.end() && --it->second == 0) s.per_peer.erase(it);
      s.conns.erase(conn);
      if (s.conns.empty()) s.all_closed.notify_all();
    }
  };

  ServerResponse error(int status, const std::string& code, const std::string& message) const {
    ServerResponse r;
    opts.error_page(r, status, code, message);
    return r;
  }

  ServerResponse parse_error(int status) const {
    switch (status) {
      case 413:
        return error(413, "payload_too_large", "the request body is larger than this endpoint accepts");
      case 414:
        return error(
            414, "uri_too_long",
            "the request URL is longer than " + std::to_string(opts.limits.max_url_bytes) + " bytes");
      case 431:
        return error(431, "headers_too_large", "the request headers are too large");
      default:
        return error(400, "bad_request", "the request could not be understood");
    }
  }

  ServerResponse call(const Router::Route& route, const ServerRequest& req) const {
    ServerResponse res;
    guarded(req, res, [&] { route.handler(req, res); });
    return res;
  }

  // The route's io_first handler on this (I/O) thread; nullopt when it left the request to
  // the pool. A throwing io_first answers like a throwing handler.
  std::optional<ServerResponse> try_io_first(const Router::Route& route, const ServerRequest& req) const {
    ServerResponse res;
    bool answered = false;
    if (!guarded(req, res, [&] { answered = route.options.io_first(req, res); })) return res;  // it threw
    if (!answered) return std::nullopt;
    return res;
  }

  // Runs f; when it throws, `res` becomes the error answer and the result is false.
  template <class F>
  bool guarded(const ServerRequest& req, ServerResponse& res, F&& f) const {
    try {
      f();
      return true;
    } catch (...) {
      res = ServerResponse{};
      if (opts.on_exception) {
        opts.on_exception(req, res, std::current_exception());
      } else {
        spdlog::error("{}: {} {}: a handler failed", opts.name, req.method, req.path);
        opts.error_page(res, 500, "internal", "internal error");
      }
    }
    return false;
  }

  // Runs a pool route on the worker pool; nullopt when its queue is full.
  awaitable<std::optional<ServerResponse>> run_on_pool(const Router::Route& route, const ServerRequest& req) {
    std::size_t cap = static_cast<std::size_t>(opts.pool_threads) + opts.pool_queue;
    // Stopping: the pool is draining and takes nothing new (the request gets 503 at once
    // instead of waiting on a pool that will never run it).
    if (stopping) co_return std::nullopt;
    if (pool_in_flight.fetch_add(1) >= cap) {
      pool_in_flight.fetch_sub(1);
      pool_full.fetch_add(1);
      co_return std::nullopt;
    }
    ServerResponse res = co_await asio::async_initiate<const asio::use_awaitable_t<>, void(ServerResponse)>(
        [this, &route, &req](auto handler) {
          asio::post(*pool, [this, &route, &req, handler = std::move(handler)]() mutable {
            ServerResponse out = call(route, req);
            pool_in_flight.fetch_sub(1);
            auto ex = asio::get_associated_executor(handler);
            asio::dispatch(ex, [handler = std::move(handler), out = std::move(out)]() mutable {
              handler(std::move(out));
            });
          });
        },
        use_awaitable);
    co_return res;
  }

  // Serializes the response by hand into the connection's reused scratch string (status
  // line, headers, Content-Length, Connection) and sends it with the body in one gathered
  // write: no per-response header container; prepared headers and a shared body (a cached
  // answer) are neither formatted nor copied.
  awaitable<void> write(Conn& c, ServerResponse& res, bool keep, int version, bool head,
                        beast::error_code& ec) {
    const PreparedHeaders* prepared = res.prepared.get();
    int status = prepared ? prepared->status : res.status;
    std::string& h = c.head;
    h.clear();
    h += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    std::array<char, 24> digits{};
    auto [end, _] = std::to_chars(digits.data(), digits.data() + digits.size(), status);
    h.append(digits.data(), end);
    h += ' ';
    beast::string_view reason = http::obsolete_reason(static_cast<http::status>(status));
    h.append(reason.data(), reason.size());
    h += "\r\n";
    if (prepared)
      h += prepared->lines;
    else
      append_header_lines(h, res.headers);
    for (const auto& [name, line] : default_header_lines)
      if (prepared ? !prepared->has_header(name) : !res.has_header(name)) h += line;
    const std::string& body = res.shared_body ? *res.shared_body : res.body;
    bool has_body = status_has_body(status);
    if (has_body) {
      h += "Content-Length: ";
      char* len_end = std::to_chars(digits.data(), digits.data() + digits.size(), body.size()).ptr;
      h.append(digits.data(), len_end);
      h += "\r\n";
    }
    // RFC 9112 9.3: HTTP/1.1 stays open unless it says close; HTTP/1.0 closes unless it says keep-alive.
    if (version == 11 && !keep) h += "Connection: close\r\n";
    if (version == 10 && keep) h += "Connection: keep-alive\r\n";
    h += "\r\n";
    std::array<asio::const_buffer, 2> bufs{asio::buffer(h), asio::const_buffer()};
    if (has_body && !head) bufs[1] = asio::buffer(body);
    c.expires_after(opts.write_timeout);
    co_await asio::async_write(c.socket, bufs, asio::redirect_error(use_awaitable, ec));
    c.classify(ec);
  }

  // After an error answer while the client may still be sending (a body we refused): stop
  // writing, then read and drop what arrives for a short while, so closing does not reset
  // the connection before the client has read the answer (a "lingering close").
  awaitable<void> linger(Conn& c) {
    beast::error_code ec;
    c.socket.shutdown(tcp::socket::shutdown_send, ec);
    c.expires_after(kLinger);
    std::array<char, 4096> scratch;
    std::size_t dropped = 0;
    while (!ec && dropped < kLingerBytes)
      dropped +=
          co_await c.socket.async_read_some(asio::buffer(scratch), asio::redirect_error(use_awaitable, ec));
  }

  awaitable<void> session(std::shared_ptr<Conn> conn, std::string peer) {
    Guard guard{*this, peer, conn.get()};
    Conn& c = *conn;
    beast::error_code ec;
    c.socket.set_option(tcp::no_delay(true), ec);
    beast::flat_buffer buf(opts.limits.max_header_bytes + 4096);
    HttpLimits header_limits = opts.limits;
    header_limits.max_body_bytes = largest_body;
    bool first = true;
    while (!stopping) {
      if (buf.size() == 0) {
        // Waiting for a request: an idle keep-alive connection keeps no buffer.
        buf.shrink_to_fit();
        c.expires_after(first ? opts.header_timeout : opts.idle_timeout);
        std::size_t n =
            co_await c.socket.async_read_some(buf.prepare(512), asio::redirect_error(use_awaitable, ec));
        c.classify(ec);
        if (ec) break;
        buf.commit(n);
      }
      first = false;
      http::request_parser<http::string_body> parser;
      http_detail::configure(parser, header_limits);
      c.expires_after(opts.header_timeout);  // the whole header, however it trickles in
      co_await http::async_read_header(c.socket, buf, parser, asio::redirect_error(use_awaitable, ec));
      c.classify(ec);
      if (ec) {
        if (!quiet_end(ec)) {
          auto res = parse_error(http_detail::status_of(ec));
          co_await write(c, res, false, 11, false, ec);
          co_await linger(c);
        }
        break;
      }
      auto& msg = parser.get();
      int version = msg.version() == 10 ? 10 : 11;
      bool keep = msg.keep_alive();
      bool head = msg.method() == http::verb::head;
      if (msg.target().size() > opts.limits.max_url_bytes) {
        auto res = parse_error(414);
        co_await write(c, res, false, version, head, ec);
        co_await linger(c);
        break;
      }
      ServerRequest req;  // the target is split once, here, for routing and the handler
      req.target = std::string(msg.target());
      split_target(req);
      auto match =
          router.match(std::string_view(msg.method_string().data(), msg.method_string().size()), req.path);
      if (!match.route) {
        ServerResponse res = match.allow.empty() ? error(404, "not_found", "no such page or API endpoint")
                                                 : error(405, "method_not_allowed",
                                                         "this path does not accept " +
                                                             std::string(msg.method_string()).substr(0, 16) +
                                                             "; it accepts " + match.allow);
        if (!match.allow.empty()) res.set_header("Allow", match.allow);
        keep = keep && parser.is_done();  // a body we will not read ends the connection
        co_await write(c, res, keep, version, head, ec);
        if (!ec && !keep) co_await linger(c);
        if (ec || !keep) break;
        continue;
      }
      std::size_t limit = match.route->options.max_body_bytes ? match.route->options.max_body_bytes
                                                              : opts.limits.max_body_bytes;
      if (auto len = parser.content_length(); len && *len > limit) {
        auto res = parse_error(413);
        co_await write(c, res, false, version, head, ec);
        co_await linger(c);
        break;
      }
      if (!parser.is_done()) {
        if (auto e = msg[http::field::expect];
            iequals(std::string_view(e.data(), e.size()), "100-continue")) {
          static const std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
          c.expires_after(opts.write_timeout);
          co_await asio::async_write(c.socket, asio::buffer(cont), asio::redirect_error(use_awaitable, ec));
          c.classify(ec);
          if (ec) break;
        }
        parser.body_limit(limit);  // chunked bodies: counted chunk by chunk, refused when crossed
        c.expires_after(opts.body_timeout);
        co_await http::async_read(c.socket, buf, parser, asio::redirect_error(use_awaitable, ec));
        c.classify(ec);
        if (ec) {
          if (ec == http::error::body_limit || ec == beast::error::timeout || !quiet_end(ec)) {
            auto res = ec == beast::error::timeout
                           ? error(408, "request_timeout", "the request body came too slowly")
                           : parse_error(http_detail::status_of(ec));
            co_await write(c, res, false, version, head, ec);
            co_await linger(c);
          }
          break;
        }
      }
      c.expires_never();  // until the answer is written: the handler's time is not the client's
      http_detail::complete_request(req, parser.release(), peer, opts.trusted_proxies);
      req.matches = std::move(match.groups);
      requests.fetch_add(1, std::memory_order_relaxed);
      ServerResponse res;
      std::optional<ServerResponse> fast;
      if (match.route->options.run_on == RunOn::Io) {
        res = call(*match.route, req);
      } else if (match.route->options.io_first && (fast = try_io_first(*match.route, req))) {
        res = std::move(*fast);
      } else {
        auto r = co_await run_on_pool(*match.route, req);
        if (r) {
          res = std::move(*r);
        } else {
          res = error(503, "busy", "the server is busy; try again in a second");
          res.set_header("Retry-After", "1");
        }
      }
      keep = keep && !stopping;
      co_await write(c, res, keep, version, head, ec);
      if (ec || !keep) break;
    }
    c.socket.shutdown(tcp::socket::shutdown_send, ec);
  }

  void admit(tcp::socket sock) {
    beast::error_code ec;
    auto ep = sock.remote_endpoint(ec);
    if (ec) return;
    std::string peer = canonical_address(ep.address());
    bool exempt = opts.trusted_proxies.trusts(peer);
    auto conn = std::make_shared<Conn>(std::move(sock));
    {
      std::lock_guard lk(mu);
      auto& mine = per_peer[peer];
      if (conns.size() >= opts.max_connections || (!exempt && mine >= opts.max_connections_per_client)) {
        if (mine == 0) per_peer.erase(peer);
        rejected.fetch_add(1, std::memory_order_relaxed);
        auto& s = conn->socket;
        s.non_blocking(true, ec);
        s.write_some(asio::buffer(over_capacity_reply()), ec);
        s.shutdown(tcp::socket::shutdown_both, ec);
        return;
      }
      ++mine;
      conns.emplace(conn.get(), conn);
    }
    auto ex = conn->socket.get_executor();
    asio::co_spawn(ex, session(std::move(conn), std::move(peer)), asio::detached);
  }

  // Every kSweep: the connections whose deadline passed get their operation cancelled, on
  // their own thread (it reads as beast::error::timeout there). A connection stays expired
  // until it arms a new deadline, so one that was between operations is caught next time.
  awaitable<void> sweep_loop() {
    asio::steady_timer tick(*ios.front());
    std::vector<std::shared_ptr<Conn>> expired;
    while (!stopping) {
      tick.expires_after(kSweep);
      beast::error_code ec;
      co_await tick.async_wait(asio::redirect_error(use_awaitable, ec));
      std::int64_t now = steady_now_ns();
      {
        std::lock_guard lk(mu);
        for (auto& [ptr, weak] : conns)  // in the map: alive (Guard erases it first)
          if (ptr->deadline_ns.load(std::memory_order_relaxed) <= now)
            if (auto c = weak.lock()) expired.push_back(std::move(c));
      }
      for (auto& c : expired)
        asio::post(c->socket.get_executor(), [c, now] {
          if (c->deadline_ns.load(std::memory_order_relaxed) > now) return;  // re-armed meanwhile
          c->timed_out = true;
          beast::error_code ignored;
          c->socket.cancel(ignored);
        });
      expired.clear();
    }
  }

  awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      asio::io_context& home = *ios[next_io++ % ios.size()];
      tcp::socket sock = co_await acceptor->async_accept(asio::any_io_executor(home.get_executor()),
                                                         asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        // Out of file descriptors (or a transient error): pause so the loop does not spin.
        spdlog::warn("{}: accept failed: {}", opts.name, ec.message());
        asio::steady_timer t(*ios.front(), std::chrono::milliseconds(50));
        co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      admit(std::move(sock));
    }
  }
};

HttpServer::HttpServer(HttpServerOptions options, Router router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}

HttpServer::~HttpServer() { stop(); }

int HttpServer::start() {
  auto& s = *impl_;
  if (s.running) return s.port;
  // Each connection is a descriptor: keep room for the database, logs and outgoing calls.
  std::size_t fds = raise_open_file_limit();
  if (fds > 0 && s.opts.max_connections + kSpareDescriptors > fds) {
    std::size_t fit = fds > 2 * kSpareDescriptors ? fds - kSpareDescriptors : fds / 2;
    spdlog::warn("{}: at most {} open files (ulimit -n); holding at most {} connections instead of {}",
                 s.opts.name, fds, fit, s.opts.max_connections);
    s.opts.max_connections = fit;
  }
  // Left over from a start() that threw (its acceptor first: it belongs to one of them).
  s.acceptor.reset();
  s.keep_running.clear();
  s.ios.clear();
  for (int i = 0; i < std::max(1, s.opts.io_threads); ++i) {
    s.ios.push_back(std::make_unique<asio::io_context>(1));  // 1: run by one thread only
    s.keep_running.push_back(asio::make_work_guard(*s.ios.back()));
  }
  asio::io_context& first = *s.ios.front();
  s.pool = std::make_unique<asio::thread_pool>(static_cast<std::size_t>(std::max(1, s.opts.pool_threads)));
  beast::error_code ec;
  auto addr = asio::ip::make_address(s.opts.host, ec);
  tcp::endpoint ep;
  if (ec) {
    // A host name: bind what it resolves to (first address).
    tcp::resolver resolver(first);
    auto results = resolver.resolve(s.opts.host, std::to_string(s.opts.port), ec);
    if (ec || results.empty())
      throw std::runtime_error(s.opts.name + ": cannot resolve '" + s.opts.host +
                               "' to listen on: " + ec.message());
    ep = results.begin()->endpoint();
  } else {
    ep = tcp::endpoint(addr, static_cast<unsigned short>(s.opts.port));
  }
  s.acceptor.emplace(first);
  s.acceptor->open(ep.protocol(), ec);
  if (!ec) s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(ep, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error(s.opts.name + ": cannot listen on " +
                             format_host_port(s.opts.host, s.opts.port) + ": " + ec.message() +
                             " (in use, or not an address of this host?)");
  s.port = s.acceptor->local_endpoint().port();
  s.stopping = false;
  asio::co_spawn(first, s.accept_loop(), asio::detached);
  asio::co_spawn(first, s.sweep_loop(), asio::detached);
  for (auto& ctx : s.ios) s.threads.emplace_back([c = ctx.get()] { c->run(); });
  s.running = true;
  return s.port;
}

void HttpServer::stop() {
  auto& s = *impl_;
  if (!s.running) return;
  s.stopping = true;
  asio::post(*s.ios.front(), [&s] {
    beast::error_code ec;
    s.acceptor->close(ec);
  });
  s.pool->join();  // running and queued handlers finish; their answers are written
  {
    std::unique_lock lk(s.mu);
    for (auto& [ptr, weak] : s.conns)
      if (auto c = weak.lock())
        asio::post(c->socket.get_executor(), [c] {
          beast::error_code ec;
          c->socket.shutdown(tcp::socket::shutdown_both, ec);
          c->socket.close(ec);
        });
    s.all_closed.wait_for(lk, kStopGrace, [&s] { return s.conns.empty(); });
  }
  s.keep_running.clear();
  for (auto& io : s.ios) io->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  s.pool.reset();
  s.acceptor.reset();
  s.ios.clear();
  s.running = false;
}

int HttpServer::port() const { return impl_->port; }

HttpServer::Stats HttpServer::stats() const {
  auto& s = *impl_;
  Stats out;
  {
    std::lock_guard lk(s.mu);
    out.open_connections = s.conns.size();
  }
  out.requests = s.requests.load();
  out.rejected_connections = s.rejected.load();
  out.pool_full = s.pool_full.load();
  return out;
}

}  // namespace cmup
