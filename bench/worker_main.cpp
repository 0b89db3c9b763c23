// bench_worker: a worker for one account that stops once the queue is empty, for the
// pipeline and memory figures when `cmup worker` is not available in the build. It wires
// the same pieces `cmup worker` does (SqliteJobStore on the configured database,
// make_uploader, make_media_preparer, WorkerOptions::from_config) and sets exit_when_idle.
//
//   bench_worker CONFIG ACCOUNT
#include <spdlog/spdlog.h>

#include <iostream>

#include "db/database.hpp"
#include "media/preparer.hpp"
#include "queue/sqlite_job_store.hpp"
#include "queue/worker.hpp"
#include "telegram/storage_channels.hpp"
#include "telegram/uploader.hpp"
#include "util/config.hpp"

int main(int argc, char** argv) {
  using namespace cmup;
  if (argc != 3) {
    std::cerr << "usage: bench_worker CONFIG ACCOUNT\n";
    return 2;
  }
  try {
    auto cfg = Config::load(argv[1], true);
    spdlog::set_level(spdlog::level::warn);
    const AccountConfig* account = nullptr;
    for (const auto& a : cfg.accounts())
      if (a.name == argv[2]) account = &a;
    if (!account) throw std::runtime_error(std::string("no account ") + argv[2] + " in the config");
    SqliteJobStore store(cfg.database_path(), QueueOptions::from_config(cfg));
    {
      auto db = db::open(cfg.database_path());
      db::write_tx(*db, [&] { sync_channels(*db, cfg.channels()); });
    }
    auto uploader = make_uploader(*account, cfg);
    auto opts = WorkerOptions::from_config(cfg, account->name);
    opts.exit_when_idle = true;
    Worker worker(
        store, *uploader, [&cfg] { return make_media_preparer(cfg); }, opts);
    auto r = worker.run();
    auto s = worker.stats();
    std::cout << "done " << s.jobs_done << " failed " << s.jobs_failed << " parts " << s.parts_uploaded
              << "\n";
    std::cout.flush();
    if (r.upload_abandoned) _exit(1);
    return s.jobs_failed == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_worker: " << e.what() << "\n";
    return 1;
  }
}
