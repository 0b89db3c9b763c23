// `cmup requeue VARIANT...` and `cmup retry --dead`: operators putting work back in the
// queue (src/queue/queue_admin.hpp says what each does and refuses).
#include <iostream>

#include "app/commands.hpp"
#include "db/database.hpp"
#include "queue/queue_admin.hpp"

namespace cmup {

void add_queue_commands(CLI::App& app, AppContext& ctx) {
  struct RequeueCli {
    std::vector<std::string> variants;
    bool reupload = false, force = false;
  };
  auto r = std::make_shared<RequeueCli>();
  auto* requeue = app.add_subcommand("requeue", "Put variants back in the queue (pending, attempts reset)");
  requeue->add_option("variants", r->variants, "Coded names (CM_M000321_1080P) or variant ids")->required();
  requeue->add_flag("--reupload", r->reupload, "Also for done variants: forget their stored parts and upload again");
  requeue->add_flag("--force", r->force, "Also for variants a worker holds now (that worker is fenced off)");
  requeue->callback([&ctx, r] {
    auto db = db::open(ctx.config().database_path());
    int refused = 0;
    for (const auto& o : requeue_variants(*db, r->variants, r->reupload, r->force)) {
      (o.requeued ? std::cout : std::cerr) << (o.requeued ? "" : o.variant + ": ") << o.message << "\n";
      if (!o.requeued) ++refused;
    }
    ctx.exit_code = refused ? 1 : 0;
  });

  auto dead = std::make_shared<bool>(false);
  auto* retry = app.add_subcommand("retry", "Retry dead variants (--dead)");
  retry->add_flag("--dead", *dead, "Every dead variant back to pending, its dead sources alive again");
  retry->callback([&ctx, dead] {
    if (!*dead) {
      std::cerr << "cmup retry: say what to retry: `cmup retry --dead`\n";
      ctx.exit_code = 2;
      return;
    }
    auto db = db::open(ctx.config().database_path());
    std::cout << retry_dead_variants(*db) << " dead variant(s) back in the queue\n";
  });
}

}  // namespace cmup
