#include <iostream>

#include "app/commands.hpp"

namespace cmup {

void add_worker_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("worker", "Run an upload worker for one Telegram account");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "cmup worker: not built yet\n";
    ctx.exit_code = 3;
  });
}

}  // namespace cmup
