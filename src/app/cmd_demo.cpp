#include <iostream>

#include "app/commands.hpp"

namespace cmup {

void add_demo_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("demo", "Run the whole flow on one machine with the bundled simulators");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "cmup demo: not built yet\n";
    ctx.exit_code = 3;
  });
}

}  // namespace cmup
