#include "app/commands.hpp"
#include "util/log.hpp"

namespace cmup {

const Config& AppContext::config() {
  if (!loaded) {
    loaded = Config::load(config_path, config_given);
    setup_logging(loaded->str("general.log_level"));
    // Whatever secrets the config holds are redacted from every log line from now on.
    register_secret(loaded->str("cm.password"));
    register_secret(loaded->str("bot.token"));
    register_secret(loaded->str("web.admin_token"));
    for (const auto& a : loaded->accounts()) register_secret(a.token);
  }
  return *loaded;
}

}  // namespace cmup
