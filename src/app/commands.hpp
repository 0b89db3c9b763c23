// The `cmup` subcommands. Each add_*_command() registers one subcommand (with its own
// --help) on the CLI11 app; its callback does the work and sets ctx.exit_code.
// Each lives in its own cmd_*.cpp, next to the flow step it drives.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "util/config.hpp"

namespace cmup {

struct AppContext {
  std::string config_path = "cmup.toml";
  bool config_given = false;  // --config was passed: the file must exist
  int exit_code = 0;

  // The configuration, loaded on first use (file + environment), with logging set up.
  const Config& config();
  std::optional<Config> loaded;
};

void add_init_command(CLI::App& app, AppContext& ctx);      // cmd_init.cpp
void add_db_command(CLI::App& app, AppContext& ctx);        // cmd_db.cpp
void add_import_command(CLI::App& app, AppContext& ctx);    // cmd_import.cpp
void add_quality_command(CLI::App& app, AppContext& ctx);   // cmd_quality.cpp
void add_worker_command(CLI::App& app, AppContext& ctx);    // cmd_worker.cpp
void add_serve_command(CLI::App& app, AppContext& ctx);     // cmd_serve.cpp
void add_bot_command(CLI::App& app, AppContext& ctx);       // cmd_bot.cpp
void add_status_command(CLI::App& app, AppContext& ctx);    // cmd_status.cpp
void add_queue_commands(CLI::App& app, AppContext& ctx);    // cmd_queue.cpp: requeue, retry
void add_account_command(CLI::App& app, AppContext& ctx);   // cmd_account.cpp
void add_doctor_command(CLI::App& app, AppContext& ctx);    // cmd_doctor.cpp
void add_demo_command(CLI::App& app, AppContext& ctx);      // cmd_demo.cpp
void add_audit_command(CLI::App& app, AppContext& ctx);     // cmd_audit.cpp

}  // namespace cmup
