// bench_queue: claim + complete cycles per second of the upload queue (issue 10, figure 4).
//
//   bench_queue local DB JOBS WORKERS        WORKERS processes, each its own SqliteJobStore
//                                            on DB (as `cmup worker` processes on the main host)
//   bench_queue coordinator DB JOBS WORKERS  a CoordinatorServer on 127.0.0.1 (its SqliteJobStore
//                                            on DB), WORKERS threads each a CoordinatorJobStore
//   bench_queue baseline DB JOBS WORKERS     plain SQLite, WORKERS processes: the least a
//                                            claim + complete can cost (2 write transactions)
// Each mode seeds JOBS pending one-part jobs into a fresh DB, runs until the queue is empty
// and prints one JSON line: {"mode","workers","cycles","seconds","per_s"}.
// A cmup cycle is what a worker does for a one-part job: claim, choose_channel, record_part,
// complete (4 calls, each one transaction).
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "bench_db.hpp"
#include "db/database.hpp"
#include "queue/coordinator_job_store.hpp"
#include "queue/coordinator_server.hpp"
#include "queue/sqlite_job_store.hpp"
#include "util/random.hpp"

namespace {

using namespace cmup;
using Clock = std::chrono::steady_clock;
constexpr std::int64_t kChannel = -1009000000001;

void seed(const std::string& path, int jobs) {
  auto db = db::open(path);
  bench::seed_channel(*db, kChannel, "movie");
  std::vector<bench::SeedJob> js(static_cast<std::size_t>(jobs));
  for (int i = 0; i < jobs; ++i)
    js[static_cast<std::size_t>(i)] = {fmt::format("http://127.0.0.1:9/m{}.mp4", i), "mp4", 1000};
  bench::seed_jobs(*db, js);
}

// One worker's loop; returns the cycles it completed.
long work(JobStore& store, const std::string& worker, const std::string& account) {
  store.register_worker({worker, account, "bench", "botapi", "local_bot", 0});
  long cycles = 0;
  while (auto job = store.claim(worker, account)) {
    auto lease = lease_of(*job);
    auto channel = store.choose_channel(lease, job->kind);
    StoredPart p;
    p.part_no = 1;
    p.part_count = 1;
    p.account = account;
    p.channel_id = channel;
    p.message_id = job->variant_id;
    p.file_id = "F" + std::to_string(job->variant_id);
    p.file_unique_id = "U" + std::to_string(job->variant_id);
    p.file_name = job->coded_name + ".mp4";
    p.size_bytes = 1000;
    p.mime_type = "video/mp4";
    store.record_part(lease, p);
    CompleteInfo c;
    c.path = "direct";
    c.source_id = job->sources.empty() ? 0 : job->sources[0].source_id;
    c.bytes_moved = 1000;
    store.complete(lease, c);
    ++cycles;
  }
  return cycles;
}

// The baseline: claim = one UPDATE ... RETURNING of the oldest pending row; complete = one
// UPDATE to done. Same database, same pragmas (db::open), same process count.
long baseline_work(const std::string& path, int worker) {
  auto db = db::open(path);
  SQLite::Statement claim(
      *db,
      "UPDATE upload_variants SET state = 'claimed', lease_token = ?, lease_worker = ?, "
      "lease_expires_at = 1 WHERE id = (SELECT id FROM upload_variants WHERE state = 'pending' "
      "ORDER BY priority DESC, next_attempt_at, id LIMIT 1) RETURNING id");
  SQLite::Statement done(*db,
                         "UPDATE upload_variants SET state = 'done', lease_token = NULL, done_at = 1 "
                         "WHERE id = ? AND lease_token = ?");
  long cycles = 0;
  for (;;) {
    std::string token = random_hex(16);
    std::int64_t id = 0;
    db::write_tx(*db, [&] {
      claim.reset();
      claim.bind(1, token);
      claim.bind(2, "w" + std::to_string(worker));
      if (claim.executeStep()) id = claim.getColumn(0).getInt64();
      claim.reset();
    });
    if (id == 0) break;
    db::write_tx(*db, [&] {
      done.reset();
      done.bind(1, id);
      done.bind(2, token);
      done.exec();
    });
    ++cycles;
  }
  return cycles;
}

// Forks `workers` processes running f(i); returns the total cycles (each child exits with
// its count written to a pipe).
template <typename F>
long fork_workers(int workers, F f) {
  std::vector<std::pair<pid_t, int>> kids;
  for (int i = 0; i < workers; ++i) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      long n = -1;
      try {
        n = f(i);
      } catch (const std::exception& e) {
        std::cerr << "worker " << i << ": " << e.what() << "\n";
      }
      if (write(fds[1], &n, sizeof n) != sizeof n) _exit(3);
      _exit(n >= 0 ? 0 : 1);
    }
    close(fds[1]);
    kids.emplace_back(pid, fds[0]);
  }
  long total = 0;
  bool failed = false;
  for (auto [pid, fd] : kids) {
    long n = -1;
    if (read(fd, &n, sizeof n) != sizeof n) n = -1;
    close(fd);
    int st = 0;
    waitpid(pid, &st, 0);
    if (n < 0) failed = true;
    total += n;
  }
  if (failed) throw std::runtime_error("a worker process failed");
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: bench_queue local|coordinator|baseline DB JOBS WORKERS\n";
    return 2;
  }
  std::string mode = argv[1], path = argv[2];
  int jobs = std::atoi(argv[3]), workers = std::atoi(argv[4]);
  try {
    seed(path, jobs);
    spdlog::set_level(spdlog::level::warn);
    auto t0 = Clock::now();
    long cycles = 0;
    if (mode == "local") {
      cycles = fork_workers(workers, [&](int i) {
        SqliteJobStore store(path, QueueOptions{});
        return work(store, fmt::format("bench:w{}", i), fmt::format("acct{}", i));
      });
    } else if (mode == "baseline") {
      cycles = fork_workers(workers, [&](int i) { return baseline_work(path, i); });
    } else if (mode == "coordinator") {
      SqliteJobStore main_store(path, QueueOptions{});
      CoordinatorOptions co;
      co.host = "127.0.0.1";
      co.port = 0;
      std::string token = random_hex(16);
      co.tokens[token] = "bench";
      CoordinatorServer server(main_store, co);
      server.start();
      t0 = Clock::now();
      std::atomic<long> total{0};
      std::atomic<bool> failed{false};
      std::vector<std::thread> ts;
      for (int i = 0; i < workers; ++i)
        ts.emplace_back([&, i] {
          try {
            CoordinatorJobStore store({fmt::format("http://127.0.0.1:{}", server.port()), token});
            total += work(store, fmt::format("bench:w{}", i), fmt::format("acct{}", i));
          } catch (const std::exception& e) {
            std::cerr << "worker " << i << ": " << e.what() << "\n";
            failed = true;
          }
        });
      for (auto& t : ts) t.join();
      server.stop();
      if (failed) throw std::runtime_error("a coordinator worker failed");
      cycles = total;
    } else {
      std::cerr << "unknown mode " << mode << "\n";
      return 2;
    }
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    std::cout << fmt::format(R"({{"mode":"{}","workers":{},"cycles":{},"seconds":{:.3f},"per_s":{:.1f}}})",
                             mode, workers, cycles, s, cycles / s)
              << "\n";
    return cycles == jobs ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_queue: " << e.what() << "\n";
    return 1;
  }
}
