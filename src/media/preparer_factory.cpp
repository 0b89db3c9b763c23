#include <stdexcept>

#include "media/preparer.hpp"
#include "util/config.hpp"

namespace cmup {

std::unique_ptr<MediaPreparer> make_media_preparer(const Config&) {
  throw std::runtime_error("the media path is not built yet");
}

}  // namespace cmup
