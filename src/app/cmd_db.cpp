#include <iostream>

#include "app/commands.hpp"
#include "db/database.hpp"

namespace cmup {

void add_db_command(CLI::App& app, AppContext& ctx) {
  auto* db = app.add_subcommand("db", "Database maintenance");
  db->require_subcommand(1);

  auto* migrate = db->add_subcommand("migrate", "Create the database or bring its schema up to date");
  migrate->callback([&ctx] {
    auto path = ctx.config().database_path();
    auto conn = db::open(path, {.busy_timeout_ms = static_cast<int>(ctx.config().integer("database.busy_timeout_ms")),
                                .read_only = false,
                                .migrate = false});
    auto r = db::migrate(*conn);
    std::cout << path.string() << ": schema version " << r.from_version << " -> " << r.to_version << " ("
              << r.applied << " migration" << (r.applied == 1 ? "" : "s") << " applied)\n";
  });

  auto* check = db->add_subcommand("check", "Run SQLite's integrity check");
  check->callback([&ctx] {
    auto conn = db::open(ctx.config().database_path(), {.migrate = false});
    auto r = db::integrity_check(*conn);
    std::cout << r << "\n";
    ctx.exit_code = r == "ok" ? 0 : 1;
  });
}

}  // namespace cmup
