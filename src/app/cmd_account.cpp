#include <iostream>

#include "app/commands.hpp"

namespace cmup {

void add_account_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("account", "Manage Telegram accounts (login)");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "cmup account: not built yet\n";
    ctx.exit_code = 3;
  });
}

}  // namespace cmup
