#include <iostream>

#include "app/commands.hpp"

namespace cmup {

void add_status_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("status", "Show the queue, accounts and recent failures");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "cmup status: not built yet\n";
    ctx.exit_code = 3;
  });
}

}  // namespace cmup
