#include <stdexcept>

#include "telegram/uploader.hpp"
#include "util/config.hpp"

namespace cmup {

std::unique_ptr<Uploader> make_uploader(const AccountConfig& account, const Config&) {
  throw std::runtime_error("account " + account.name + ": the " + account.backend +
                           " uploader is not built yet");
}

}  // namespace cmup
