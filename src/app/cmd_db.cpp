#include <filesystem>
#include <iostream>
#include <memory>

#include "app/commands.hpp"
#include "catalog/image_store.hpp"
#include "db/backup.hpp"
#include "db/database.hpp"

namespace cmup {

namespace {

// `cmup db backup F` writes the posters to F.images/ (the image store's layout).
std::filesystem::path images_dir_of(const std::string& backup) { return backup + ".images"; }

// The sha256 of every image the database at `path` names.
std::vector<std::string> stored_images(const std::filesystem::path& path) {
  auto conn = db::open(path, {.read_only = true, .migrate = false});
  std::vector<std::string> out;
  if (!conn->tableExists("title_images")) return out;
  SQLite::Statement q(*conn, "SELECT DISTINCT sha256 FROM title_images WHERE sha256 IS NOT NULL");
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

}  // namespace

void add_db_command(CLI::App& app, AppContext& ctx) {
  auto* db = app.add_subcommand("db", "Database maintenance");
  db->require_subcommand(1);

  auto* migrate = db->add_subcommand("migrate", "Create the database or bring its schema up to date");
  migrate->callback([&ctx] {
    auto path = ctx.config().database_path();
    auto conn =
        db::open(path, {.busy_timeout_ms = static_cast<int>(ctx.config().integer("database.busy_timeout_ms")),
                        .read_only = false,
                        .migrate = false});
    auto r = db::migrate(*conn);
    std::cout << path.string() << ": schema version " << r.from_version << " -> " << r.to_version << " ("
              << r.applied << " migration" << (r.applied == 1 ? "" : "s") << " applied)\n";
  });

  auto backup_path = std::make_shared<std::string>();
  auto* backup =
      db->add_subcommand("backup", "Write a consistent copy of the live database (safe while running)");
  backup->add_option("PATH", *backup_path, "Where to write the backup")->required();
  backup->callback([&ctx, backup_path] {
    auto r = db::backup_database(ctx.config().database_path(), *backup_path);
    std::cout << "backup written to " << *backup_path << " (" << r.bytes << " bytes, schema version "
              << r.schema_version << ", integrity ok)\n";
    // The catalog renders from the database AND the image store: the posters the backup
    // names go beside it, so a restore is complete without CM.
    auto images = images_dir_of(*backup_path);
    auto n = catalog::ImageStore(ctx.config().path_or("images.dir", "images"))
                 .copy_originals(catalog::ImageStore(images), stored_images(*backup_path));
    std::cout << "images: " << n << " stored posters copied to " << images.string()
              << " (keep this directory with the backup; `cmup db restore` puts them back)\n";
  });

  auto restore_path = std::make_shared<std::string>();
  auto* restore = db->add_subcommand("restore", "Replace the database with a backup (stop cmup first)");
  restore->add_option("PATH", *restore_path, "A file written by `cmup db backup`")->required();
  restore->callback([&ctx, restore_path] {
    auto r = db::restore_database(*restore_path, ctx.config().database_path());
    std::cout << "restored " << ctx.config().database_path().string() << " from " << *restore_path
              << " (schema version " << r.schema_version << ")\n";
    auto images = images_dir_of(*restore_path);
    if (std::filesystem::is_directory(images)) {
      catalog::ImageStore to(ctx.config().path_or("images.dir", "images"));
      auto n = catalog::ImageStore(images).copy_originals(to, stored_images(ctx.config().database_path()));
      std::cout << "images: " << n << " stored posters in " << to.root().string() << "\n";
    } else {
      std::cout << "images: no " << images.string()
                << " beside the backup; the next `cmup import` fetches the posters again from CM\n";
    }
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
