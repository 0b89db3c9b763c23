// `cmup import [--from-file F] [--since T] [--full] [-q]`: brings the CM catalog into the
// database (titles, episodes, source links, queue entries), then the posters. Progress on a
// terminal; a summary at the end saying whether it was a full sweep or changes since a time.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include "app/commands.hpp"
#include "cm/image_fetch.hpp"
#include "cm/import_plan.hpp"
#include "cm/importer.hpp"
#include "db/database.hpp"

namespace cmup {

namespace {

struct ImportArgs {
  std::string from_file;
  std::int64_t since = -1;
  bool quiet = false;
  bool full = false;
};

// "\rimport: page 12/240, 6000 items, 3000/s, ETA 20 s" on stderr, rewritten in place.
void print_progress(const cm::ImportProgress& p) {
  double rate = p.elapsed_s > 0 ? p.items / p.elapsed_s : 0;
  double per_page = p.pages_done > 0 ? p.elapsed_s / p.pages_done : 0;
  double eta = per_page * std::max(0, p.pages_total - p.pages_done);
  std::fprintf(stderr, "\rimport: page %d/%d, %lld items, %.0f/s, ETA %.0f s   ", p.pages_done, p.pages_total,
               static_cast<long long>(p.items), rate, eta);
  std::fflush(stderr);
}

}  // namespace

void add_import_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("import", "Import movies and TV from CM (or --from-file)");
  auto args = std::make_shared<ImportArgs>();
  cmd->add_option("--from-file", args->from_file,
                  "Import a JSON or JSON-lines dump of CM instead of calling CM");
  cmd->add_option("--since", args->since, "Only items CM changed since this Unix time (CM's updated_since)");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress line, even on a terminal");
  cmd->add_flag(
      "--full", args->full,
      "Sweep the whole catalog (links CM no longer lists become 'gone') instead of asking CM only for "
      "what changed since the last import; also every cm.full_sweep_every runs");
  cmd->callback([&ctx, args] {
    const auto& cfg = ctx.config();
    auto db = db::open(cfg.database_path(),
                       {.busy_timeout_ms = static_cast<int>(cfg.integer("database.busy_timeout_ms"))});
    cm::ImportOptions opts;
    // From CM without --since: only what changed since the last finished import, with a full
    // sweep every cm.full_sweep_every runs (or --full). An explicit --since is the operator's
    // own window and is not recorded as a run the next import may start from.
    std::optional<cm::ImportPlan> plan;
    if (args->since >= 0) {
      opts.updated_since = args->since;
    } else if (args->from_file.empty()) {
      plan = cm::plan_import(*db, static_cast<int>(cfg.integer("cm.full_sweep_every")), args->full);
      opts.updated_since = plan->updated_since;
    }
    const auto started_at =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    bool tty = !args->quiet && isatty(STDERR_FILENO);
    if (tty) opts.on_progress = print_progress;
    cm::ImportReport report;
    try {
      if (!args->from_file.empty()) {
        report = cm::import_from_file(args->from_file, *db, cm::FieldNames::from_config(cfg),
                                      static_cast<int>(cfg.integer("cm.per_page")), opts);
      } else {
        cm::CmClient client(cm::CmOptions::from_config(cfg));
        report = cm::import_from_cm(client, *db, opts);
      }
    } catch (const cm::CmError& e) {
      if (tty) std::fprintf(stderr, "\n");
      std::cerr << "cmup import: " << e.what()
                << "\n(pages already written are kept; run the import again)\n";
      ctx.exit_code = 1;
      return;
    }
    if (tty) std::fprintf(stderr, "\n");
    std::string line = cm::summary_line(report);
    if (plan) {
      cm::record_import(*db, *plan, started_at, report.counts.items());
      line.insert(std::string("import").size(), " (" + plan->describe() + ")");
    }
    std::cout << line << std::endl;
    ctx.exit_code = 0;
    if (!cfg.boolean("images.fetch")) return;
    // After the pages: the catalog is complete and usable before the first image arrives.
    std::function<void(std::int64_t, std::int64_t)> image_progress;
    if (tty)
      image_progress = [](std::int64_t done, std::int64_t due) {
        std::fprintf(stderr, "\rimport: images %lld/%lld   ", static_cast<long long>(done),
                     static_cast<long long>(due));
        std::fflush(stderr);
      };
    auto images = cm::fetch_title_images(*db, cm::ImageFetchOptions::from_config(cfg), image_progress);
    if (tty && images.due > 0) std::fprintf(stderr, "\n");
    std::cout << cm::image_summary(images) << std::endl;
  });
}

}  // namespace cmup
