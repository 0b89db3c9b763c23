#include <stdexcept>

#include "telegram/bot_api_uploader.hpp"
#include "telegram/tdlib_uploader.hpp"
#include "telegram/uploader.hpp"
#include "util/config.hpp"

namespace cmup {

std::unique_ptr<Uploader> make_uploader(const AccountConfig& account, const Config& config) {
  if (account.backend == "botapi")
    return std::make_unique<BotApiUploader>(BotApiUploaderOptions::from_config(account, config));
  if (account.backend == "tdlib") return make_tdlib_uploader(account, config);
  throw std::runtime_error("account " + account.name + ": unknown backend \"" + account.backend +
                           "\" (use botapi or tdlib)");
}

}  // namespace cmup
