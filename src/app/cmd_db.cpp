#include <iostream>
#include <memory>

#include "app/commands.hpp"
#include "db/backup.hpp"
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

  auto backup_path = std::make_shared<std::string>();
  auto* backup = db->add_subcommand("backup", "Write a consistent copy of the live database (safe while running)");
  backup->add_option("PATH", *backup_path, "Where to write the backup")->required();
  backup->callback([&ctx, backup_path] {
    auto r = db::backup_database(ctx.config().database_path(), *backup_path);
    std::cout << "backup written to " << *backup_path << " (" << r.bytes << " bytes, schema version "
              << r.schema_version << ", integrity ok)\n";
  });

  auto restore_path = std::make_shared<std::string>();
  auto* restore = db->add_subcommand("restore", "Replace the database with a backup (stop cmup first)");
  restore->add_option("PATH", *restore_path, "A file written by `cmup db backup`")->required();
  restore->callback([&ctx, restore_path] {
    auto r = db::restore_database(*restore_path, ctx.config().database_path());
    std::cout << "restored " << ctx.config().database_path().string() << " from " << *restore_path
              << " (schema version " << r.schema_version << ")\n";
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
