// `cmup serve`: the website, Mini App and /api/v1 (src/web), plus the main host's other
// long-running services. Runs until SIGINT or SIGTERM, then stops them in reverse order.
#include <signal.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "app/main_host_services.hpp"
#include "db/database.hpp"
#include "util/clock.hpp"
#include "util/host_port.hpp"
#include "web/server.hpp"

namespace cmup {

namespace {

struct ServeFlags {
  std::string listen;
  std::string test_delivery_log;
};

// Test-only stand-in for the bot (--test-delivery-log): records each request as a JSON line
// and reports it sent, so browser tests can check what "Send to me" asked for.
class RecordingDelivery : public Delivery {
 public:
  explicit RecordingDelivery(std::string path) : path_(std::move(path)) {}
  DeliveryResult deliver(const DeliveryRequest& req) override {
    std::lock_guard lock(mu_);
    std::ofstream out(path_, std::ios::app);
    out << nlohmann::json{{"user_id", req.user_id}, {"chat_id", req.chat_id}, {"variant_id", req.variant_id},
                          {"via", req.via}, {"at", now_ms()}}
               .dump()
        << "\n";
    DeliveryResult r;
    r.outcome = out ? DeliveryResult::Outcome::Sent : DeliveryResult::Outcome::Failed;
    r.parts_sent = out ? 1 : 0;
    return r;
  }

 private:
  std::mutex mu_;
  std::string path_;
};

// The coordinator's host as configured (its port may be 0 in tests: the bound one is printed).
std::string cfg_host(const Config& cfg) {
  try {
    return parse_host_port(cfg.str("coordinator.listen")).host;
  } catch (const std::invalid_argument&) {
    return "127.0.0.1";
  }
}

// The URLs a person opens, after the "serving on" line that scripts wait for. A wildcard
// address is shown as loopback (openable on this host); web.public_url, when set, is where
// others reach the site and where the bot's Mini App button points.
void print_urls(const std::string& host, int port, const std::string& public_url) {
  std::string shown = host == "0.0.0.0" ? "127.0.0.1" : host == "::" ? "::1" : host;
  std::string base = "http://" + format_host_port(shown, port);
  std::cout << "  website    " << base << "/\n"
            << "  Mini App   " << base << "/app/\n"
            << "  admin      " << base << "/admin\n"
            << "  API        " << base << "/api/v1/\n";
  std::string pub = public_url;
  while (!pub.empty() && pub.back() == '/') pub.pop_back();
  if (!pub.empty()) std::cout << "  public     " << pub << "/  (Mini App " << pub << "/app/)\n";
  std::cout << std::flush;
}

int run_serve(AppContext& ctx, const ServeFlags& flags) {
  const Config& cfg = ctx.config();
  // SIGINT/SIGTERM are taken synchronously below; blocked before any thread starts, so every
  // thread inherits the mask and none of them is interrupted.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // Creates the database and applies migrations; the web server itself only reads.
  db::OpenOptions open_opts;
  open_opts.busy_timeout_ms = static_cast<int>(cfg.integer("database.busy_timeout_ms"));
  auto db = db::open(cfg.database_path(), open_opts);

  web::WebOptions web_opts = web::WebOptions::from_config(cfg);
  if (!flags.listen.empty()) {
    try {
      auto at = parse_host_port(flags.listen);
      web_opts.host = at.host;
      web_opts.port = at.port;
    } catch (const std::invalid_argument& e) {
      std::cerr << "cmup serve: --listen " << e.what() << "\n";
      return 2;
    }
  }

  // Coordinator API and delivery bot; the Mini App's "Send to me" goes through the bot.
  MainHostServices services(cfg);
  services.start(/*with_bot=*/flags.test_delivery_log.empty());
  std::unique_ptr<Delivery> recording;
  if (!flags.test_delivery_log.empty()) recording = std::make_unique<RecordingDelivery>(flags.test_delivery_log);
  Delivery* delivery = recording ? recording.get() : services.delivery();

  web::WebServer web(web_opts, cfg.database_path(), delivery);
  web.set_season_delivery(services.seasons());
  // bot.mode = webhook: Telegram's updates arrive on the website's own server.
  std::string webhook_path = services.mount_webhook(web.router());
  int port = web.start();
  std::string site = "http://" + format_host_port(web_opts.host, port);
  std::cout << "serving on " << site << std::endl;
  print_urls(web_opts.host, port, cfg.str("web.public_url"));
  if (services.coordinator_port() > 0)
    std::cout << "  coordinator http://" << format_host_port(cfg_host(cfg), services.coordinator_port())
              << "/coord/v1/\n";
  if (!webhook_path.empty()) std::cout << "  webhook    " << site << webhook_path << "\n";
  std::cout << std::flush;

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::cerr << "cmup serve: stopping (" << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ")\n";
  web.stop();
  services.stop();
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("serve", "Serve the website, Mini App, API, coordinator and bot");
  auto flags = std::make_shared<ServeFlags>();
  cmd->add_option("--listen", flags->listen, "Address to serve on, overriding web.listen (e.g. 127.0.0.1:8080)");
  cmd->add_option("--test-delivery-log", flags->test_delivery_log,
                  "Testing only: record \"Send to me\" requests to this file instead of sending")
      ->group("");
  cmd->callback([&ctx, flags] { ctx.exit_code = run_serve(ctx, *flags); });
}

}  // namespace cmup
