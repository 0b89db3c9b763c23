// `cmup bot`: the delivery bot on its own (`cmup serve` embeds the same BotService).
#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

#include "app/commands.hpp"
#include "bot/bot_service.hpp"
#include "util/host_port.hpp"
#include "util/http_server.hpp"

namespace cmup {
namespace {

int run_bot(AppContext& ctx) {
  const Config& cfg = ctx.config();
  // SIGINT/SIGTERM are taken by sigwait below, in this thread only, before any thread starts.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto service = bot::BotService::from_config(cfg);
  std::unique_ptr<HttpServer> server;
  if (service->options().mode == "webhook") {
    HostPort at;
    try {
      at = parse_host_port(service->options().webhook_listen);
    } catch (const std::invalid_argument& e) {
      std::cerr << "cmup bot: bot.webhook_listen: " << e.what() << "\n";
      return 2;
    }
    HttpServerOptions h;
    h.name = "bot webhook";
    h.host = at.host;
    h.port = at.port;
    h.io_threads = 1;
    h.pool_threads = 2;
    Router router;
    service->mount_webhook(router);
    server = std::make_unique<HttpServer>(std::move(h), std::move(router));
  }
  service->start();
  // Alone, a refused token is the whole program failing: say so and exit. An unreachable
  // Bot API is retried in the background (as inside `cmup serve`).
  if (auto st = service->wait_first_attempt(std::chrono::seconds(30)); st.state == "token_refused") {
    std::cerr << "cmup bot: " << st.reason << "\n";
    service->stop();
    return 1;
  }
  if (server) {
    try {
      server->start();
    } catch (const std::runtime_error& e) {
      std::cerr << "cmup bot: " << e.what() << "; change bot.webhook_listen\n";
      service->stop();
      return 1;
    }
  }
  std::cout << "cmup bot: running (" << service->options().mode << "); Ctrl-C stops" << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("bot: stopping (signal {})", sig);
  if (server) server->stop();
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
