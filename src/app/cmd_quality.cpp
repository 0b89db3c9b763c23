#include <iostream>

#include "app/commands.hpp"

namespace cmup {

void add_quality_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("quality", "Print the quality label inferred from each hint");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "cmup quality: not built yet\n";
    ctx.exit_code = 3;
  });
}

}  // namespace cmup
