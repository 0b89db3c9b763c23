#include <iostream>

#include "app/commands.hpp"

namespace cmup {

void add_bot_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("bot", "Run the delivery bot on its own");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "cmup bot: not built yet\n";
    ctx.exit_code = 3;
  });
}

}  // namespace cmup
