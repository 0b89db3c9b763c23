#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/commands.hpp"
#include "util/embedded.hpp"

namespace cmup {

void add_init_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("init", "Write a commented example config covering every setting");
  auto force = std::make_shared<bool>(false);
  cmd->add_flag("--force", *force, "Overwrite an existing file");
  cmd->callback([&ctx, force] {
    std::filesystem::path p = ctx.config_path;
    if (std::filesystem::exists(p) && !*force) {
      std::cerr << "cmup init: " << p.string() << " already exists (use --force to overwrite)\n";
      ctx.exit_code = 1;
      return;
    }
    // The config may come to hold secrets: create it private.
    {
      std::ofstream out(p, std::ios::trunc);
      out << embedded::default_config();
      if (!out) throw std::runtime_error("cannot write " + p.string());
    }
    std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::cout << "wrote " << p.string() << " (mode 0600); edit it, then run `cmup db migrate`\n";
  });
}

}  // namespace cmup
