// cmup-sim-telegram: a Telegram Bot API server for tests and `make demo`.
// Usage and the control API: docs/sim-telegram.md.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "server.hpp"
#include "util/host_port.hpp"

namespace {

// Signals are only noted here; a normal thread does the shutdown.
std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

}  // namespace

int main(int argc, char** argv) {
  using namespace cmup::simtg;
  CLI::App app{"cmup-sim-telegram: simulated Telegram Bot API (bots, channels, files, updates, faults)"};
  SimOptions o;
  std::string listen = "127.0.0.1:8081";
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free one)");
  app.add_option("--config", o.config, "simulated world: bots, channels, users (JSON)")->required();
  app.add_option("--data-dir", o.data_dir, "where files and state.json live; keep it to survive restarts")->required();
  app.add_flag("--control", o.control, "enable the /control/ API (tests, demo)");
  app.add_option("--max-upload-bytes", o.max_upload_bytes, "cap for one uploaded file (default 50 MiB, the cloud's)");
  app.add_option("--throttle-bps", o.throttle_bps, "limit all uploads together to this many bytes/s (0 = none)");
  app.add_flag("--enforce-rate-limits", o.enforce_rate_limits,
               "answer 429 above ~1 msg/s per chat, 20/min per group or channel, 30/s per bot");
  app.add_option("--rate-window-scale", o.rate_window_scale,
                 "with --enforce-rate-limits: every limit's window times this (0.1: 20 per 6 s into a channel, "
                 "10/s per chat; tests)")
      ->check(CLI::Range(0.001, 1000.0));
  CLI11_PARSE(app, argc, argv);

  try {
    auto at = cmup::parse_host_port(listen);
    o.host = at.host;
    o.port = at.port;
  } catch (const std::invalid_argument& e) {
    std::cerr << "--listen " << e.what() << "\n";
    return 2;
  }
  try {
    SimWorld world = load_sim_config(o.config);
    Sim sim(o, std::move(world));
    SimServer server(sim);
    const int port = server.bind(o.host, o.port);
    if (port <= 0) {
      std::cerr << "cannot listen on " << listen << " (address in use or not local?)\n";
      return 1;
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::thread watcher([&] {
      while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      server.stop();
    });
    std::printf("listening on http://%s:%d\n", o.host.c_str(), port);
    std::fflush(stdout);
    server.listen();
    g_stop = true;
    watcher.join();
  } catch (const std::exception& e) {
    std::cerr << "cmup-sim-telegram: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
