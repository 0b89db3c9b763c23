// bench_http_latency: latency of sequential GETs over one keep-alive connection.
//
//   bench_http_latency PORT PATHS_FILE N
//
// Sends N requests to 127.0.0.1:PORT, one at a time, cycling through the paths in PATHS_FILE
// (one per line), after a warm-up pass of min(N, 50) requests. Prints one JSON line:
// {"n","errors","p50_ms","p90_ms","p99_ms","max_ms","mean_bytes"}. A response other than 200
// counts as an error (and its latency is still recorded).
#include <httplib.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: bench_http_latency PORT PATHS_FILE N\n";
    return 2;
  }
  int port = std::atoi(argv[1]);
  long n = std::atol(argv[3]);
  std::vector<std::string> paths;
  std::ifstream in(argv[2]);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) paths.push_back(line);
  if (paths.empty() || n <= 0) {
    std::cerr << "bench_http_latency: no paths\n";
    return 2;
  }
  httplib::Client cli("127.0.0.1", port);
  cli.set_keep_alive(true);
  cli.set_read_timeout(30, 0);
  using Clock = std::chrono::steady_clock;
  for (long i = 0; i < std::min(n, 50L); ++i) (void)cli.Get(paths[static_cast<std::size_t>(i) % paths.size()].c_str());
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(n));
  long errors = 0;
  double bytes = 0;
  for (long i = 0; i < n; ++i) {
    const auto& p = paths[static_cast<std::size_t>(i) % paths.size()];
    auto t0 = Clock::now();
    auto r = cli.Get(p.c_str());
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!r || r->status != 200) ++errors;
    if (r) bytes += static_cast<double>(r->body.size());
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size() - 1) + 0.5))]; };
  std::cout << fmt::format(R"({{"n":{},"errors":{},"p50_ms":{:.3f},"p90_ms":{:.3f},"p99_ms":{:.3f},"max_ms":{:.3f},"mean_bytes":{:.0f}}})",
                           n, errors, at(0.5), at(0.9), at(0.99), ms.back(), bytes / static_cast<double>(n))
            << "\n";
  return errors == 0 ? 0 : 1;
}
