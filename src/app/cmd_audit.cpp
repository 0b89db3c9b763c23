// `cmup audit`: a bounded, paced sweep that checks the stored Telegram messages still exist,
// records the lost ones and re-queues their variants (src/queue/storage_audit.hpp).
// Exit 0 when nothing was lost and nothing failed, 1 otherwise (a cron job can alert on it).
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "bot/bot_options.hpp"
#include "db/database.hpp"
#include "queue/storage_audit.hpp"
#include "util/log.hpp"

namespace cmup {

void add_audit_command(CLI::App& app, AppContext& ctx) {
  struct AuditCli {
    AuditOptions opts;
    std::int64_t chat = 0;
    bool json = false;
  };
  auto a = std::make_shared<AuditCli>();
  auto* audit = app.add_subcommand(
      "audit", "Check that stored Telegram messages still exist; re-queue the variants of lost ones");
  audit->add_option("--limit", a->opts.limit, "Stored messages to check in this run (never-checked first)")
      ->default_val(200)
      ->check(CLI::Range(1, 1000000));
  audit
      ->add_option("--per-minute", a->opts.per_minute,
                   "Checks per minute; each forwards one message into the check chat, and Telegram allows a "
                   "channel about 20 a minute")
      ->default_val(20)
      ->check(CLI::Range(0.1, 600.0));
  audit->add_option("--chat", a->chat, "Chat the bot forwards into to check (default bot.index_chat_id)");
  audit->add_flag("--dry-run", a->opts.dry_run, "Report only: mark nothing, re-queue nothing");
  audit->add_flag("--json", a->json, "Print the report as JSON");
  audit->callback([&ctx, a] {
    const Config& cfg = ctx.config();
    auto bot = bot::BotOptions::from_config(cfg);
    if (bot.token.empty())
      throw std::runtime_error("the audit checks as the delivery bot: set CMUP_BOT_TOKEN (bot.token)");
    register_secret(bot.token);
    AuditOptions opts = a->opts;
    opts.check_chat_id = a->chat ? a->chat : bot.index_chat_id;
    auto db = db::open(cfg.database_path());
    BotApiClient api(bot.api_url, bot.token, 30000);
    SteadyPacerClock clock;
    StorageAudit audit(*db, api, opts, clock);
    AuditReport rep = audit.run();
    if (a->json) {
      std::cout << rep.to_json().dump(2) << "\n";
    } else {
      std::cout << rep.to_text();
    }
    ctx.exit_code = (rep.lost || rep.errors) ? 1 : 0;
  });
}

}  // namespace cmup
