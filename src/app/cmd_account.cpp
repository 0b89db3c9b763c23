// `cmup account login NAME`: logs a TDLib account in interactively (phone, code, 2FA
// password) and keeps the session in <data_dir>/accounts/NAME (mode 0700).
// `cmup account list`: the configured accounts, their backends and limits.
// Codes and passwords are read from the terminal without echo and never logged.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <memory>

#include "app/commands.hpp"
#include "telegram/td_auth.hpp"
#include "telegram/tdlib_uploader.hpp"

namespace cmup {

namespace {

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
  void say(const std::string& line) override { std::cerr << line << "\n"; }
};

}  // namespace

void add_account_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("account", "Manage Telegram accounts (login, list)");
  cmd->require_subcommand(1);

  auto name = std::make_shared<std::string>();
  auto* login = cmd->add_subcommand("login", "Log a TDLib account in (interactive) and keep its session");
  login->add_option("NAME", *name, "The account's name in [[accounts]]")->required();
  login->callback([&ctx, name] {
    const Config& cfg = ctx.config();
    auto account = cfg.account(*name);
    if (!account) {
      std::cerr << "no account named " << *name << " in [[accounts]]\n";
      ctx.exit_code = 2;
      return;
    }
    if (account->backend != "tdlib") {
      std::cerr << "account " << *name << " uses the Bot API: it needs a token, not a login\n";
      ctx.exit_code = 2;
      return;
    }
    auto opts = tdlib_options_from_config(*account, cfg);
    prepare_account_dir(opts.params.database_directory);
    TdClient client(load_tdjson(cfg.str("telegram.tdjson_path")));
    client.execute({{"@type", "setLogVerbosityLevel"}, {"new_verbosity_level", 1}});
    TerminalPrompt prompt;
    // A person types here: give them time.
    authorize(client, opts.params, &prompt, 600);
    auto me = client.request({{"@type", "getMe"}});
    std::string user = me.value("first_name", "");
    if (me.contains("usernames") && me["usernames"].is_object() &&
        me["usernames"].contains("active_usernames") && !me["usernames"]["active_usernames"].empty())
      user += " (@" + me["usernames"]["active_usernames"][0].get<std::string>() + ")";
    std::cout << "account " << *name << " is logged in as " << user << "; session kept in "
              << opts.params.database_directory.string() << "\n";
    try {
      client.request({{"@type", "close"}}, 10);
    } catch (const TdError&) {
    }
  });

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
