#include <spdlog/spdlog.h>

#include "media/preparer.hpp"

namespace cmup {

const char* path_name(PreparedMedia::Path p) {
  switch (p) {
    case PreparedMedia::Path::Direct:
      return "direct";
    case PreparedMedia::Path::Remux:
      return "remux";
    case PreparedMedia::Path::Split:
      return "split";
  }
  return "unknown";
}

PreparedMedia::PreparedMedia(PreparedMedia&& o) noexcept
    : path(o.path),
      source_id(o.source_id),
      probed_quality(std::move(o.probed_quality)),
      parts(std::move(o.parts)),
      failed_sources(std::move(o.failed_sources)),
      spool_dir(std::move(o.spool_dir)) {
  o.spool_dir.clear();  // the moved-from object no longer owns the spool files
}

PreparedMedia& PreparedMedia::operator=(PreparedMedia&& o) noexcept {
  if (this != &o) {
    this->~PreparedMedia();
    new (this) PreparedMedia(std::move(o));
  }
  return *this;
}

PreparedMedia::~PreparedMedia() {
  if (spool_dir.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(spool_dir, ec);
  if (ec) spdlog::warn("media: could not remove spool directory {}: {}", spool_dir.string(), ec.message());
}

}  // namespace cmup
