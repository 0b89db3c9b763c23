// cmup: the CM Upload System. One binary; see `cmup --help`.
#include <SQLiteCpp/Exception.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "app/commands.hpp"
#include "db/database.hpp"
#include "util/log.hpp"

namespace {

int run(int argc, char** argv) {
  cmup::db::configure_process();
  cmup::AppContext ctx;
  CLI::App app{"cmup: imports the CM catalog, uploads it into Telegram storage, and delivers it"};
  app.set_version_flag("--version", std::string("cmup ") + CMUP_VERSION);
  app.add_option("-c,--config", ctx.config_path, "TOML configuration file")
      ->default_val("cmup.toml")
      ->each([&](const std::string&) { ctx.config_given = true; });
  app.require_subcommand(1);

  cmup::add_init_command(app, ctx);
  cmup::add_db_command(app, ctx);
  cmup::add_import_command(app, ctx);
  cmup::add_quality_command(app, ctx);
  cmup::add_worker_command(app, ctx);
  cmup::add_serve_command(app, ctx);
  cmup::add_bot_command(app, ctx);
  cmup::add_status_command(app, ctx);
  cmup::add_queue_commands(app, ctx);
  cmup::add_account_command(app, ctx);
  cmup::add_doctor_command(app, ctx);
  cmup::add_demo_command(app, ctx);
  cmup::add_audit_command(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const cmup::ConfigError& e) {
    std::cerr << "cmup: configuration error: " << cmup::redact(e.what()) << "\n";
    return 2;
  } catch (const SQLite::Exception& e) {
    std::cerr << "cmup: database error: " << cmup::redact(e.what())
              << "\n(check database.path, its directory's permissions and free disk space)\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "cmup: " << cmup::redact(e.what()) << "\n";
    return 1;
  }
  return ctx.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // Setting up the commands can fail too (the database's process settings, an allocation);
  // say so instead of letting std::terminate abort without a word.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "cmup: " << cmup::redact(e.what()) << "\n";
  } catch (...) {
    std::cerr << "cmup: unexpected error\n";
  }
  return 1;
}
