// `cmup status [--json]`: the queue by state, each account's uploads, rate, flood wait and
// current job, and the latest failures with their reasons (src/queue/queue_status.hpp).
#include <iostream>

#include "app/commands.hpp"
#include "db/database.hpp"
#include "queue/queue_status.hpp"
#include "util/clock.hpp"
#include "util/safe_text.hpp"

namespace cmup {

void add_status_command(CLI::App& app, AppContext& ctx) {
  auto json = std::make_shared<bool>(false);
  auto failures = std::make_shared<int>(10);
  auto* cmd = app.add_subcommand("status", "Show the queue, accounts and recent failures");
  cmd->add_flag("--json", *json, "Machine-readable output");
  cmd->add_option("--failures", *failures, "How many recent failures to list")->default_val(10);
  cmd->callback([&ctx, json, failures] {
    const auto& cfg = ctx.config();
    auto db = db::open(cfg.database_path());
    auto s = read_queue_status(*db, now_ms(), *failures);
    if (*json)
      std::cout << safe_dump(status_to_json(s), 2) << "\n";
    else
      std::cout << format_status(s);
  });
}

}  // namespace cmup
