// `cmup worker --account NAME [--coordinator URL --token T]`: one upload worker (issue 5).
// On the main host it uses the database directly; elsewhere the coordinator API. Same Worker.
// Hidden: `cmup coordinator` serves only the coordinator API (tests, or a split deployment;
// `cmup serve` includes it). Benchmark stand-ins for Telegram and media live in bench/, never
// in this binary: nothing here can mark a real database's jobs done with fake file ids.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>

#include "app/commands.hpp"
#include "db/database.hpp"
#include "queue/coordinator_job_store.hpp"
#include "queue/coordinator_server.hpp"
#include "queue/shutdown_signals.hpp"
#include "queue/sqlite_job_store.hpp"
#include "queue/worker.hpp"
#include "telegram/storage_channels.hpp"
#include "util/log.hpp"

namespace cmup {

namespace {

struct WorkerCli {
  std::string account, coordinator, token, id;
  bool drain = false;
};

std::unique_ptr<JobStore> open_store(const Config& cfg, const WorkerCli& o) {
  std::string url = o.coordinator.empty() ? cfg.str("coordinator.url") : o.coordinator;
  std::string token = o.token.empty() ? cfg.str("coordinator.token") : o.token;
  register_secret(token);
  if (!url.empty()) {
    if (token.empty())
      throw ConfigError("a worker using the coordinator " + url +
                        " needs its token: --token, coordinator.token or CMUP_COORDINATOR_TOKEN");
    spdlog::info("worker: using the coordinator at {}", url);
    return std::make_unique<CoordinatorJobStore>(
        CoordinatorClientOptions{url, token, cfg.integer("coordinator.retry_max_s") * 1000,
                                 static_cast<long>(cfg.integer("coordinator.request_timeout_s") * 1000)});
  }
  {
    // Channels follow the config (telegram/storage_channels.hpp: the one sync rule).
    auto db = db::open(cfg.database_path());
    db::write_tx(*db, [&] { sync_channels(*db, cfg.channels()); });
  }
  return std::make_unique<SqliteJobStore>(cfg.database_path(), QueueOptions::from_config(cfg),
                                          static_cast<int>(cfg.integer("database.busy_timeout_ms")));
}

int run_worker(AppContext& ctx, const WorkerCli& o) {
  // Signals are blocked before any thread exists (the uploader may start some), so only the
  // signal thread ever sees them.
  std::mutex mu;
  Worker* running = nullptr;
  bool stop_requested = false;  // a signal before the worker runs (e.g. during TDLib's login check)
  ShutdownSignals signals(
      [&](int sig) {
        spdlog::warn(
            "worker: {} received; finishing the current upload (up to queue.shutdown_grace_s), then exiting",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
        std::lock_guard lk(mu);
        stop_requested = true;
        if (running) running->stop();
      },
      [](int) {
        spdlog::warn(
            "worker: second signal; exiting now (the lease expires and another worker takes the job)");
        spdlog::default_logger()->flush();
        _exit(130);
      });

  const Config& cfg = ctx.config();
  std::unique_ptr<Uploader> uploader;
  PreparerFactory preparers;
  auto account = cfg.account(o.account);
  if (!account) {
    std::cerr << "cmup worker: no [[accounts]] entry named '" << o.account << "' in the configuration ("
              << ctx.config_path << "); add one (see the commented example `cmup init` writes)\n";
    return 2;
  }
  uploader = make_uploader(*account, cfg);
  preparers = [&cfg] { return make_media_preparer(cfg); };
  auto store = open_store(cfg, o);
  auto wo = WorkerOptions::from_config(cfg, o.account);
  if (!o.id.empty()) wo.worker_id = o.id;
  wo.exit_when_idle = o.drain;

  Worker worker(*store, *uploader, preparers, wo);
  {
    std::lock_guard lk(mu);
    running = &worker;
    if (stop_requested) worker.stop();
  }
  auto start = std::chrono::steady_clock::now();
  auto result = worker.run();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto st = worker.stats();
  spdlog::info(
      "worker {}: {:.0f} s, {} done, {} failed, {} given back, {} leases lost, {} parts uploaded, {} "
      "adopted, {} flood waits",
      wo.worker_id, secs, st.jobs_done, st.jobs_failed, st.jobs_released, st.leases_lost, st.parts_uploaded,
      st.parts_adopted, st.flood_waits);
  {
    std::lock_guard lk(mu);
    running = nullptr;
  }
  if (result.upload_abandoned) {
    // An upload thread is still inside the uploader: leave without unwinding under it.
    std::cout.flush();
    spdlog::default_logger()->flush();
    _exit(0);
  }
  return 0;
}

int run_coordinator(AppContext& ctx, const std::string& listen) {
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  ShutdownSignals signals(
      [&](int) {
        std::lock_guard lk(mu);
        stop = true;
        cv.notify_all();
      },
      [](int) { _exit(130); });
  Config cfg = ctx.config();
  if (!listen.empty()) cfg.set("coordinator.listen", listen);
  CoordinatorServer server(cfg);
  server.start();
  std::unique_lock lk(mu);
  cv.wait(lk, [&] { return stop; });
  server.stop();
  return 0;
}

}  // namespace

void add_worker_command(CLI::App& app, AppContext& ctx) {
  auto o = std::make_shared<WorkerCli>();
  auto* cmd = app.add_subcommand("worker", "Run an upload worker for one Telegram account");
  cmd->add_option("--account", o->account, "The [[accounts]] entry to upload as")->required();
  cmd->add_option("--coordinator", o->coordinator,
                  "URL of the main host's coordinator API, for a worker on another host "
                  "(default coordinator.url; empty = use the database directly)");
  cmd->add_option("--token", o->token,
                  "This host's coordinator token (default coordinator.token; better CMUP_COORDINATOR_TOKEN)");
  cmd->add_option("--id", o->id,
                  "Worker id, stable across restarts (default queue.worker_id, else <host>:<account>)");
  cmd->add_flag("--drain", o->drain, "Exit once the queue has nothing left for this account");
  cmd->callback([&ctx, o] { ctx.exit_code = run_worker(ctx, *o); });

  auto listen = std::make_shared<std::string>();
  auto* coord = app.add_subcommand("coordinator", "Serve only the coordinator API for remote workers");
  coord->group("");  // `cmup serve` runs it; this is for tests and split deployments
  coord->add_option("--listen", *listen, "HOST:PORT (default coordinator.listen)");
  coord->callback([&ctx, listen] { ctx.exit_code = run_coordinator(ctx, *listen); });
}

}  // namespace cmup
