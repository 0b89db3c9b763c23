// `cmup quality HINT...`: the quality label inferred from each hint (a label, a release
// name or a URL), one per line, in order; for checking what the importer would decide.
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "catalog/quality_rules.hpp"

namespace cmup {

void add_quality_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("quality", "Print the quality label inferred from each hint, one per line");
  auto hints = std::make_shared<std::vector<std::string>>();
  cmd->add_option("hint", *hints, "A CM quality value, label, release name or URL")->required();
  cmd->callback([&ctx, hints] {
    for (const auto& h : *hints) std::cout << quality_label(infer_quality(h)) << '\n';
    ctx.exit_code = 0;
  });
}

}  // namespace cmup
