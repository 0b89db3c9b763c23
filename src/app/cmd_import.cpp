#include <iostream>

#include "app/commands.hpp"

namespace cmup {

void add_import_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("import", "Import movies and TV from CM (or --from-file)");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "cmup import: not built yet\n";
    ctx.exit_code = 3;
  });
}

}  // namespace cmup
