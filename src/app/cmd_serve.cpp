#include <iostream>

#include "app/commands.hpp"

namespace cmup {

void add_serve_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("serve", "Serve the website, Mini App, API, coordinator and bot");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "cmup serve: not built yet\n";
    ctx.exit_code = 3;
  });
}

}  // namespace cmup
