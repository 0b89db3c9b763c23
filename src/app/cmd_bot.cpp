// `cmup bot`: the delivery bot on its own (`cmup serve` embeds the same BotService).
#include <httplib.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

#include "app/commands.hpp"
#include "bot/bot_service.hpp"

namespace cmup {
namespace {

// Splits "host:port"; returns false when the port is missing or not a number.
bool split_listen(const std::string& listen, std::string& host, int& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    return false;
  }
  return port > 0 && port < 65536;
}

int run_bot(AppContext& ctx) {
  const Config& cfg = ctx.config();
  // SIGINT/SIGTERM are taken by sigwait below, in this thread only, before any thread starts.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto service = bot::BotService::from_config(cfg);
  service->start();
  std::unique_ptr<httplib::Server> server;
  std::thread server_thread;
  if (service->options().mode == "webhook") {
    std::string host;
    int port = 0;
    if (!split_listen(service->options().webhook_listen, host, port)) {
      std::cerr << "cmup bot: bot.webhook_listen must be HOST:PORT, e.g. 127.0.0.1:8081\n";
      return 2;
    }
    server = std::make_unique<httplib::Server>();
    service->mount_webhook(*server);
    if (!server->bind_to_port(host, port)) {
      std::cerr << "cmup bot: cannot listen on " << host << ":" << port
                << " (in use?); change bot.webhook_listen\n";
      return 1;
    }
    server_thread = std::thread([&] { server->listen_after_bind(); });
  }
  std::cout << "cmup bot: running (" << service->options().mode << "); Ctrl-C stops" << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("bot: stopping (signal {})", sig);
  if (server) {
    server->stop();
    server_thread.join();
  }
  service->stop();
  return 0;
}

}  // namespace

void add_bot_command(CLI::App& app, AppContext& ctx) {
  auto* cmd =
      app.add_subcommand("bot", "Run the delivery bot on its own (long polling or webhook, per [bot])");
  cmd->callback([&ctx] {
    try {
      ctx.exit_code = run_bot(ctx);
    } catch (const std::exception& e) {
      std::cerr << "cmup bot: " << e.what() << "\n";
      ctx.exit_code = 1;
    }
  });
}

}  // namespace cmup
