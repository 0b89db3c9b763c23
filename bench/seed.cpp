// bench_seed: synthetic rows for the benchmark scripts (bench/bench_db.hpp).
//   bench_seed titles DB N          N movie titles (search figure); prints the elapsed ms
//   bench_seed jobs DB CHAT_ID      one pending upload job per stdin line "URL CONTAINER SIZE"
//                                   and the movie storage channel CHAT_ID; prints variant ids
//   bench_seed queries N TITLES     N search queries over the first TITLES titles, one per
//                                   line (URL-safe: '+' for space)
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "bench_db.hpp"
#include "db/database.hpp"

int main(int argc, char** argv) {
  using namespace cmup;
  std::string cmd = argc > 1 ? argv[1] : "";
  try {
    if (cmd == "titles" && argc == 4) {
      auto db = db::open(argv[2]);
      auto t0 = std::chrono::steady_clock::now();
      bench::seed_titles(*db, std::atoll(argv[3]));
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
      std::cout << ms.count() << "\n";
      return 0;
    }
    if (cmd == "jobs" && argc == 4) {
      auto db = db::open(argv[2]);
      bench::seed_channel(*db, std::atoll(argv[3]), "movie");
      std::vector<bench::SeedJob> jobs;
      std::string line;
      while (std::getline(std::cin, line)) {
        std::istringstream in(line);
        bench::SeedJob j;
        if (in >> j.url >> j.container >> j.size_bytes) jobs.push_back(j);
      }
      for (auto id : bench::seed_jobs(*db, jobs)) std::cout << id << "\n";
      return 0;
    }
    if (cmd == "queries" && argc == 4) {
      auto titles = static_cast<std::uint64_t>(std::atoll(argv[3]));
      for (long i = 0, n = std::atol(argv[2]); i < n; ++i) {
        auto q = bench::synthetic_query(static_cast<std::uint64_t>(i), titles);
        for (auto& c : q)
          if (c == ' ') c = '+';
        std::cout << q << "\n";
      }
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_seed: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: bench_seed titles DB N | jobs DB CHAT_ID < jobs | queries N TITLES\n";
  return 2;
}
