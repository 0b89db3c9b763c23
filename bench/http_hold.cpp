// bench_http_hold: what a fresh client sees while many connections are held open.
//
//   bench_http_hold PORT IDLE SLOW N PATHS_FILE SERVER_PID
//
// Opens IDLE keep-alive connections (each makes one GET /api/v1/health, then stays idle) and
// SLOW slowloris connections (a request line, then one header line a second, never ending;
// re-opened when the server cuts them), spread over source addresses 127.0.1.x / 127.0.2.x
// (50 per address, under the server's per-address cap). Once they are all open, a fresh client
// on 127.0.0.1 makes requests (at least N, for at least 15 s), each on a new connection, alternating GET
// /api/v1/health and the search paths of PATHS_FILE. Prints one JSON line: the connections held at the end,
// {health,search} {p50,p99,max}_ms, errors (non-200 or no answer within 10 s), and the server's
// VmRSS (KiB) before and while holding.
// clang-format off
#include <utility>  // Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

std::atomic<long> idle_open{0}, slow_open{0}, idle_dropped{0}, slow_cut{0}, connect_errors{0};
constexpr int kPerAddress = 50;

long rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

tcp::endpoint source(int group, long i) {
  // 127.0.<group>.<1..250>, 50 connections each.
  auto host = static_cast<unsigned>(1 + (i / kPerAddress) % 250);
  auto net = static_cast<unsigned>(group + (i / kPerAddress) / 250);
  return {asio::ip::make_address_v4((127u << 24) | (net << 8) | host), 0};
}

awaitable<bool> open(tcp::socket& s, const tcp::endpoint& from, const tcp::endpoint& to) {
  boost::system::error_code ec;
  s.open(tcp::v4(), ec);
  s.set_option(asio::socket_base::reuse_address(true), ec);
  s.bind(from, ec);
  if (ec) co_return false;
  co_await s.async_connect(to, asio::redirect_error(use_awaitable, ec));
  co_return !ec;
}

awaitable<void> idle_conn(tcp::endpoint from, tcp::endpoint to) {
  auto ex = co_await asio::this_coro::executor;
  for (;;) {
    tcp::socket s(ex);
    boost::system::error_code ec;
    if (!co_await open(s, from, to)) {
      ++connect_errors;
      asio::steady_timer t(ex, 1s);
      co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    static const std::string req = "GET /api/v1/health HTTP/1.1\r\nHost: bench\r\n\r\n";
    co_await asio::async_write(s, asio::buffer(req), asio::redirect_error(use_awaitable, ec));
    std::string in;
    auto dyn = asio::dynamic_buffer(in, 4096);
    co_await asio::async_read_until(s, dyn, "\r\n\r\n", asio::redirect_error(use_awaitable, ec));
    if (ec) {
      ++idle_dropped;
      continue;
    }
    ++idle_open;
    char b[256];
    co_await s.async_read_some(asio::buffer(b), asio::redirect_error(use_awaitable, ec));  // the body
    if (!ec)
      co_await s.async_read_some(asio::buffer(b), asio::redirect_error(use_awaitable, ec));  // until closed
    --idle_open;
    ++idle_dropped;
  }
}

awaitable<void> slow_conn(tcp::endpoint from, tcp::endpoint to) {
  auto ex = co_await asio::this_coro::executor;
  for (;;) {
    tcp::socket s(ex);
    boost::system::error_code ec;
    if (!co_await open(s, from, to)) {
      ++connect_errors;
      asio::steady_timer t(ex, 1s);
      co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    ++slow_open;
    std::string line = "GET /api/v1/health HTTP/1.1\r\n";
    for (int i = 0;; ++i) {
      co_await asio::async_write(s, asio::buffer(line), asio::redirect_error(use_awaitable, ec));
      if (ec) break;  // the server cut it (header deadline): open another
      asio::steady_timer t(ex, 1s);
      boost::system::error_code timer_ec;
      co_await t.async_wait(asio::redirect_error(use_awaitable, timer_ec));
      line = "X-Slow-" + std::to_string(i) + ": a\r\n";
    }
    --slow_open;
    ++slow_cut;
  }
}

struct Sample {
  double ms;
  bool ok;
};

// One request on a new blocking connection; ok when a 200 arrives within 10 s.
Sample fresh_request(asio::io_context& io, const tcp::endpoint& to, const std::string& path) {
  auto t0 = std::chrono::steady_clock::now();
  tcp::socket s(io);
  boost::system::error_code ec;
  s.connect(to, ec);
  bool ok = false;
  if (!ec) {
    s.set_option(tcp::no_delay(true), ec);
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
    asio::write(s, asio::buffer(req), ec);
    std::string in;
    asio::read(s, asio::dynamic_buffer(in), ec);  // until the server closes
    ok = in.rfind("HTTP/1.1 200", 0) == 0;
  }
  return {std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(), ok};
}

std::string stats(std::vector<double> ms) {
  if (ms.empty()) return R"({"n":0})";
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1,
                       static_cast<std::size_t>(q * static_cast<double>(ms.size() - 1) + 0.5))];
  };
  return fmt::format(R"({{"n":{},"p50_ms":{:.3f},"p99_ms":{:.3f},"max_ms":{:.3f}}})", ms.size(), at(0.5),
                     at(0.99), ms.back());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: bench_http_hold PORT IDLE SLOW N PATHS_FILE SERVER_PID\n";
    return 2;
  }
  int port = std::atoi(argv[1]);
  long idle = std::atol(argv[2]), slow = std::atol(argv[3]), n = std::atol(argv[4]);
  int server_pid = std::atoi(argv[6]);
  std::vector<std::string> paths;
  std::ifstream pin(argv[5]);
  for (std::string line; std::getline(pin, line);)
    if (!line.empty()) paths.push_back(line);
  if (paths.empty()) paths.push_back("/api/v1/titles?q=a");
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);

  long rss_before = rss_kib(server_pid);
  tcp::endpoint to(asio::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port));
  asio::io_context io(1);
  for (long i = 0; i < idle; ++i) asio::co_spawn(io, idle_conn(source(1, i), to), asio::detached);
  for (long i = 0; i < slow; ++i) asio::co_spawn(io, slow_conn(source(100, i), to), asio::detached);
  std::thread holder([&] { io.run(); });

  // Wait (bounded) until every connection is open.
  auto deadline = std::chrono::steady_clock::now() + 120s;
  while (std::chrono::steady_clock::now() < deadline && (idle_open < idle || slow_open < slow))
    std::this_thread::sleep_for(100ms);
  std::this_thread::sleep_for(2s);  // let the slow ones trickle a line or two

  asio::io_context mio;
  std::vector<double> health, search;
  long errors = 0;
  // At least N requests and at least 15 s, so the measurement spans the slowloris connections
  // being cut at the server's header deadline (10 s) and re-opened.
  auto t_start = std::chrono::steady_clock::now();
  for (long i = 0; i < n || std::chrono::steady_clock::now() - t_start < 15s; ++i) {
    bool h = i % 2 == 0;
    auto s =
        fresh_request(mio, to, h ? "/api/v1/health" : paths[static_cast<std::size_t>(i / 2) % paths.size()]);
    (h ? health : search).push_back(s.ms);
    if (!s.ok) ++errors;
  }
  long rss_holding = rss_kib(server_pid);
  std::cout << fmt::format(
                   R"({{"idle_held":{},"slow_held":{},"idle_dropped":{},"slow_cut":{},"connect_errors":{},)"
                   R"("health":{},"search":{},"errors":{},"rss_before_kib":{},"rss_holding_kib":{}}})",
                   idle_open.load(), slow_open.load(), idle_dropped.load(), slow_cut.load(),
                   connect_errors.load(), stats(health), stats(search), errors, rss_before, rss_holding)
            << std::endl;
  io.stop();
  holder.join();
  return errors == 0 ? 0 : 1;
}
