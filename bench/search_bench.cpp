// bench_search: server-side search time, without HTTP, over a seeded catalog.
//
//   bench_search DB N TITLES
//   bench_search DB N TITLES QUERY   (diagnosis: QUERY alone, N times, uncached)
//
// Builds the search index of DB (bench_seed titles), then answers N distinct queries of the
// figure-5 mix (bench_db.hpp synthetic_query over the first TITLES titles; duplicates
// skipped) through SearchService::titles_page, the function the API route calls: first every
// query once (cache misses: search + render), then every query again (cache hits). Prints one
// JSON line: index build time and size, miss and hit latency percentiles (microseconds; for
// misses also the thread's CPU time, which a busy machine does not inflate), the slowest
// queries, and the process RSS.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "bench_db.hpp"
#include "web/search_service.hpp"

namespace {

long rss_kib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

// CPU time of this thread: what the search costs, apart from waiting for a core on a busy machine.
double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cmup;
  using Clock = std::chrono::steady_clock;
  if (argc != 4 && argc != 5) {
    std::cerr << "usage: bench_search DB N TITLES [QUERY]\n";
    return 2;
  }
  try {
    long rss_before = rss_kib();
    web::ReadPool pool(argv[1], 2);
    web::SearchOptions o;
    o.background = false;
    web::SearchService service(pool, o);
    auto t0 = Clock::now();
    service.refresh();
    double build_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    auto stats = service.stats();

    long n = std::atol(argv[2]);
    if (argc == 5) {
      auto index = service.current();
      std::vector<double> cpu;
      std::size_t found = 0;
      for (long i = 0; i < n; ++i) {
        double c0 = thread_cpu_us();
        found = web::search_titles(*index, argv[4]).size();
        cpu.push_back(thread_cpu_us() - c0);
      }
      std::cout << fmt::format(
          "{{\"query\":\"{}\",\"found\":{},\"cpu_p50_us\":{:.1f},\"cpu_max_us\":{:.1f}}}\n", argv[4], found,
          pct(cpu, 0.5), pct(cpu, 1.0));
      return 0;
    }
    auto titles = static_cast<std::uint64_t>(std::atoll(argv[3]));
    std::vector<std::string> queries;
    std::set<std::string> seen;
    for (std::uint64_t i = 0; static_cast<long>(queries.size()) < n && i < static_cast<std::uint64_t>(n) * 20;
         ++i) {
      auto q = bench::synthetic_query(i, titles);
      if (seen.insert(q).second) queries.push_back(q);
    }
    std::vector<double> cpu;
    auto run = [&](std::vector<double>& us, std::vector<std::pair<double, std::string>>* slowest) {
      std::size_t bytes = 0;
      for (const auto& text : queries) {
        web::TitleQuery q;
        q.q = text;
        q.sort = web::TitleSort::Relevance;
        double c0 = thread_cpu_us();
        auto s = Clock::now();
        auto body = service.titles_page(q);
        double t = std::chrono::duration<double, std::micro>(Clock::now() - s).count();
        if (slowest) cpu.push_back(thread_cpu_us() - c0);
        us.push_back(t);
        bytes += body->size();
        if (slowest) slowest->emplace_back(t, text);
      }
      return bytes / std::max<std::size_t>(1, queries.size());
    };
    std::vector<double> miss, hit;
    std::vector<std::pair<double, std::string>> slow;
    auto mean_bytes = run(miss, &slow);
    run(hit, nullptr);
    std::sort(slow.rbegin(), slow.rend());
    std::string worst;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, slow.size()); ++i)
      worst += fmt::format("{}\"{} ({:.0f} us)\"", i ? "," : "", slow[i].second, slow[i].first);
    double sum = 0;
    for (double t : miss) sum += t;
    std::cout << fmt::format(
        "{{\"titles\":{},\"vocabulary\":{},\"build_ms\":{:.0f},\"index_mib\":{:.1f},\"rss_growth_mib\":{:.1f}"
        ","
        "\"n\":{},\"mean_bytes\":{},\"miss_mean_us\":{:.1f},\"miss_p50_us\":{:.1f},\"miss_p90_us\":{:.1f},"
        "\"miss_p99_us\":{:.1f},\"miss_max_us\":{:.1f},\"miss_cpu_p50_us\":{:.1f},\"miss_cpu_p99_us\":{:.1f},"
        "\"miss_cpu_max_us\":{:.1f},\"hit_p50_us\":{:.2f},\"hit_p99_us\":{:.2f},\"slowest\":[{}]}}\n",
        stats.titles, stats.vocabulary, build_ms, static_cast<double>(stats.index_bytes) / 1048576.0,
        static_cast<double>(rss_kib() - rss_before) / 1024.0, queries.size(), mean_bytes,
        sum / static_cast<double>(std::max<std::size_t>(1, miss.size())), pct(miss, 0.5), pct(miss, 0.9),
        pct(miss, 0.99), pct(miss, 1.0), pct(cpu, 0.5), pct(cpu, 0.99), pct(cpu, 1.0), pct(hit, 0.5),
        pct(hit, 0.99), worst);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_search: " << e.what() << "\n";
    return 1;
  }
}
