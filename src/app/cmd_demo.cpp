// `cmup demo`: the whole reference flow on one machine, on embedded defaults.
// Starts the two simulators, writes a config for them, imports the simulated catalog, runs
// `cmup serve` (web, Mini App, API, coordinator, bot) and three workers (ember on the
// database, rora and lukas through the coordinator, as on the three hosts), prints the URLs
// a person can open, reports progress, and keeps serving until Ctrl-C.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "app/commands.hpp"
#include "app/demo_setup.hpp"
#include "db/database.hpp"
#include "db/job_state.hpp"
#include "util/child_process.hpp"

namespace cmup {

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

// Waits for the child's "<marker>http://..." line (the simulators print "listening on ",
// `cmup serve` prints "serving on " for its website); returns the URL. Only a marker
// followed by http:// counts: `cmup serve` also logs "coordinator: listening on host:port",
// which is not the website.
std::string wait_for_url(ChildProcess& p, const std::string& what, const std::string& marker,
                         std::chrono::seconds timeout) {
  const std::string prefix = marker + "http://";
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline && !g_stop) {
    auto log = p.log();
    if (auto pos = log.find(prefix); pos != std::string::npos) {
      auto end = log.find_first_of(" \n\r", pos + marker.size());
      return log.substr(pos + marker.size(),
                        end == std::string::npos ? std::string::npos : end - pos - marker.size());
    }
    if (!p.running())
      throw std::runtime_error(what + " exited early; its log (" + p.log_path().string() + "):\n" + log);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error(what + " did not start within " + std::to_string(timeout.count()) + " s; see " +
                           p.log_path().string());
}

struct QueueCounts {
  int total = 0, done = 0, dead = 0;
};

QueueCounts count_queue(const std::filesystem::path& db_path) {
  QueueCounts c;
  try {
    auto db = db::open(db_path, {.read_only = true, .migrate = false});
    SQLite::Statement q(
        *db, state_sql("SELECT count(*), sum(state = {done}), sum(state = {dead}) FROM upload_variants"));
    if (q.executeStep()) {
      c.total = q.getColumn(0).getInt();
      c.done = q.getColumn(1).getInt();
      c.dead = q.getColumn(2).getInt();
    }
  } catch (const std::exception&) {
    // The database is being created; the next poll will see it.
  }
  return c;
}

int run_demo(const DemoOptions& opt) {
  // Progress lines must show up at once, also when the output goes to a file or a pipe.
  std::cout << std::unitbuf;
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  auto bin = executable_dir();
  for (const char* exe : {"cmup-sim-cm", "cmup-sim-telegram"}) {
    if (!std::filesystem::exists(bin / exe)) {
      std::cerr << "cmup demo: " << (bin / exe).string()
                << " is not built yet; the demo needs both simulators (run `make build`)\n";
      return 3;
    }
  }
  std::filesystem::create_directories(opt.data_dir / "logs");
  DemoLayout layout = make_demo_layout(opt);
  write_demo_files(layout);
  auto logs = opt.data_dir / "logs";
  std::cout << "cmup demo: data in " << opt.data_dir.string() << ", logs in " << logs.string() << "\n";

  ChildProcess sim_cm(sim_cm_argv(layout, bin), {}, logs / "sim-cm.log");
  ChildProcess sim_tg(sim_telegram_argv(layout, bin), {}, logs / "sim-telegram.log");
  auto cm_url = wait_for_url(sim_cm, "cmup-sim-cm", "listening on ", std::chrono::seconds(120));
  auto tg_url = wait_for_url(sim_tg, "cmup-sim-telegram", "listening on ", std::chrono::seconds(30));
  std::cout << "  CM simulator        " << cm_url << "\n  Telegram simulator  " << tg_url << "\n";

  auto cmup = (bin / "cmup").string();
  auto config = layout.config_path.string();
  auto started = std::chrono::steady_clock::now();
  {
    std::cout << "importing the simulated CM catalog...\n";
    ChildProcess import({cmup, "--config", config, "import"}, {}, logs / "import.log");
    int rc = import.wait(std::chrono::minutes(10));
    if (rc != 0) {
      std::cerr << "cmup demo: import failed (exit " << rc << "):\n" << import.log();
      return 1;
    }
    auto tail = import.log();
    auto pos = tail.rfind("import:");
    std::cout << "  " << (pos == std::string::npos ? std::string("import finished") : tail.substr(pos));
    if (tail.empty() || tail.back() != '\n') std::cout << "\n";
  }

  ChildProcess serve({cmup, "--config", config, "serve"}, {}, logs / "serve.log");
  auto web_url = wait_for_url(serve, "cmup serve", "serving on ", std::chrono::seconds(30));
  std::vector<std::unique_ptr<ChildProcess>> workers;
  for (const auto& w : layout.workers) {
    workers.push_back(std::make_unique<ChildProcess>(worker_argv(layout, w, cmup), w.env,
                                                     logs / ("worker-" + w.account + ".log")));
  }

  std::cout
      << "\n"
      << "  Website             " << web_url << "/\n"
      << "  Mini App            " << web_url << "/app/  (the page the bot's button opens in Telegram)\n"
      << "  Admin dashboard     " << web_url << "/admin  (token: in " << layout.config_path.string()
      << ", [web] admin_token)\n"
      << "  Chat viewer         " << tg_url << "/  (simulated Telegram: channels, what the bot sent)\n"
      << "  Workers             ember (database), rora and lukas (coordinator API)\n\n"
      << "Open the website, pick a title and a quality: the simulated user gets the file from the bot.\n"
      << "Press Ctrl-C to stop.\n\n";

  bool reported_done = false;
  QueueCounts last{-1, -1, -1};
  while (!g_stop) {
    auto c = count_queue(layout.db_path);
    if (c.done != last.done || c.dead != last.dead) {
      auto secs =
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
      std::cout << "  uploads: " << c.done << "/" << c.total << " done" << (c.dead ? ", " : "")
                << (c.dead ? std::to_string(c.dead) + " dead" : "") << "  (" << secs.count() << " s)\n";
      last = c;
    }
    if (!reported_done && c.total > 0 && c.done + c.dead == c.total) {
      reported_done = true;
      std::cout << "all uploads finished; still serving at " << web_url << "/ until Ctrl-C\n";
    }
    if (!serve.running()) {
      std::cerr << "cmup demo: cmup serve stopped; see " << serve.log_path().string() << "\n";
      return 1;
    }
    for (int i = 0; i < 20 && !g_stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::cout << "\nstopping...\n";
  for (auto& w : workers) w->stop(std::chrono::seconds(15));
  serve.stop();
  sim_tg.stop();
  sim_cm.stop();
  return 0;
}

}  // namespace

void add_demo_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("demo", "Run the whole flow on one machine with the bundled simulators");
  auto opt = std::make_shared<DemoOptions>();
  cmd->add_option("--data-dir", opt->data_dir, "Where the demo keeps its database, media and logs")
      ->default_val("demo-data");
  cmd->add_option("--port", opt->web_port, "Port of the website on 127.0.0.1")->default_val(8080);
  cmd->add_option("--movies", opt->movies, "Movies in the simulated catalog")->default_val(16);
  cmd->add_option("--shows", opt->shows, "Shows in the simulated catalog")->default_val(3);
  cmd->callback([&ctx, opt] { ctx.exit_code = run_demo(*opt); });
}

}  // namespace cmup
