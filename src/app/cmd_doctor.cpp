#include <iostream>

#include "app/commands.hpp"

namespace cmup {

void add_doctor_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("doctor", "Check that accounts and the bot can reach every storage channel");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "cmup doctor: not built yet\n";
    ctx.exit_code = 3;
  });
}

}  // namespace cmup
