// `cmup account login NAME`: logs a TDLib account in interactively (phone, code, 2FA
// password) and keeps the session in <data_dir>/accounts/NAME (mode 0700).
// `cmup account list`: the configured accounts, their backends and limits.
// Codes and passwords are read from the terminal without echo and never logged.
// Ctrl-C / SIGTERM cancel the login cleanly: the TDLib client is closed before the process
// exits (exit code 130). No network: "cannot reach Telegram" after
// telegram.tdlib_connect_timeout_s, with progress words meanwhile.
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <memory>

#include "app/commands.hpp"
#include "telegram/td_auth.hpp"
#include "telegram/tdlib_uploader.hpp"

namespace cmup {

namespace {

volatile std::sig_atomic_t g_cancel = 0;
void on_cancel_signal(int) { g_cancel = 1; }

class LoginCancelled : public std::runtime_error {
 public:
  LoginCancelled() : std::runtime_error("login cancelled") {}
};

// SIGINT/SIGTERM set a flag instead of killing the process (which would leave TDLib's
// threads mid-session). Only this thread takes them: TDLib's threads, started later,
// inherit a mask that blocks them. No SA_RESTART, so a blocked read of the terminal
// returns and the prompt sees the flag.
class CancelSignals {
 public:
  CancelSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    struct sigaction sa {};
    sa.sa_handler = on_cancel_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  // Call around the creation of TDLib's threads (the first client).
  void block() { pthread_sigmask(SIG_BLOCK, &set_, nullptr); }
  void unblock() { pthread_sigmask(SIG_UNBLOCK, &set_, nullptr); }
  ~CancelSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  sigset_t set_{};
  struct sigaction old_int_ {
  }, old_term_{};
};

std::string read_line(const std::string& question, bool secret) {
  std::cerr << question << std::flush;
  termios old{};
  bool hidden = secret && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
  if (hidden) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (hidden) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  if (g_cancel) throw LoginCancelled();
  if (!got) throw std::runtime_error("login cancelled (end of input)");
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

class TerminalPrompt : public TdAuthPrompt {
 public:
  std::string phone_number() override {
    return read_line("Phone number (international format, +...): ", false);
  }
  std::string code(const std::string& how_sent) override {
    return read_line("Login code (" + how_sent + "): ", true);
  }
  std::string password(const std::string& hint) override {
    return read_line("Two-step verification password" + (hint.empty() ? "" : " (hint: " + hint + ")") + ": ",
                     true);
  }
  void say(const std::string& line) override {
    if (g_cancel) throw LoginCancelled();
    std::cerr << line << "\n";
  }
};

void run_login(AppContext& ctx, const std::string& name) {
  const Config& cfg = ctx.config();
  auto account = cfg.account(name);
  if (!account) {
    std::cerr << "no account named " << name << " in [[accounts]]\n";
    ctx.exit_code = 2;
    return;
  }
  if (account->backend != "tdlib") {
    std::cerr << "account " << name << " uses the Bot API: it needs a token, not a login\n";
    ctx.exit_code = 2;
    return;
  }
  auto opts = tdlib_options_from_config(*account, cfg);
  prepare_account_dir(opts.params.database_directory);
  const std::string path = cfg.str("telegram.tdjson_path");
  CancelSignals signals;
  g_cancel = 0;
  signals.block();
  TdClient client(load_tdjson(path));
  TerminalPrompt prompt;
  AuthLimits limits;
  limits.connect_timeout_s = static_cast<double>(cfg.integer("telegram.tdlib_connect_timeout_s"));
  limits.progress_every_s = std::min(5.0, limits.connect_timeout_s / 2);
  limits.cancelled = [] { return g_cancel != 0; };
  try {
    std::cerr << "Starting TDLib for account " << name << " (session in "
              << opts.params.database_directory.string() << ")...\n";
    // TDLib's threads exist once the first request is sent: unblock afterwards.
    std::string version = check_client_version(client, limits.step_timeout_s);
    signals.unblock();
    std::cerr << "TDLib " << version << " (" << path << ")\n";
    authorize(client, opts.params, &prompt, limits);
    auto me = client.request(td::get_me(), limits.step_timeout_s);
    std::string user = me.value("first_name", "");
    if (me.contains("usernames") && me["usernames"].is_object() &&
        me["usernames"].contains("active_usernames") && !me["usernames"]["active_usernames"].empty())
      user += " (@" + me["usernames"]["active_usernames"][0].get<std::string>() + ")";
    std::cout << "account " << name << " is logged in as " << user << "; session kept in "
              << opts.params.database_directory.string() << "\n";
  } catch (const LoginCancelled&) {
    std::cerr << "\nlogin of " << name << " cancelled; closing TDLib\n";
    ctx.exit_code = 130;
  } catch (const TdAuthError& e) {
    if (!g_cancel) throw;
    std::cerr << "\nlogin of " << name << " cancelled; closing TDLib\n";
    ctx.exit_code = 130;
  }
  signals.unblock();
  if (!client.close(10)) std::cerr << "TDLib did not close the session within 10 s\n";
}

}  // namespace

void add_account_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("account", "Manage Telegram accounts (login, list)");
  cmd->require_subcommand(1);

  auto name = std::make_shared<std::string>();
  auto* login = cmd->add_subcommand("login", "Log a TDLib account in (interactive) and keep its session");
  login->add_option("NAME", *name, "The account's name in [[accounts]]")->required();
  login->callback([&ctx, name] { run_login(ctx, *name); });

  auto* list = cmd->add_subcommand("list", "List the configured accounts");
  list->callback([&ctx] {
    for (const auto& a : ctx.config().accounts()) {
      std::int64_t limit = a.max_upload_bytes > 0 ? a.max_upload_bytes : account_kind_limit(a.kind);
      std::cout << a.name << "\t" << a.backend << "\t" << a.kind << "\tmax " << limit
                << " bytes\tconcurrency " << a.concurrency << "\n";
    }
  });
}

}  // namespace cmup
