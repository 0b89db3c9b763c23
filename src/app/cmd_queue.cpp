#include <iostream>

#include "app/commands.hpp"

namespace cmup {

void add_queue_commands(CLI::App& app, AppContext& ctx) {
  for (auto [name, desc] : {std::pair{"requeue", "Put variants back in the queue"},
                            std::pair{"retry", "Retry dead variants (--dead)"}}) {
    auto* cmd = app.add_subcommand(name, desc);
    cmd->allow_extras();
    cmd->callback([&ctx, n = std::string(name)] {
      std::cerr << "cmup " << n << ": not built yet\n";
      ctx.exit_code = 3;
    });
  }
}

}  // namespace cmup
