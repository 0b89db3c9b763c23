// The image pass of `cmup import`: after the pages are written, every title whose CM poster
// (or backdrop) URL is not yet stored is fetched once into the content-addressed ImageStore
// (catalog/image_store.hpp) and recorded in title_images (migration 0006).
//
// Contract:
//   - Runs off the page-write path: a bounded pool of `threads` HttpClients downloads while
//     the calling thread records results, one transaction per batch.
//   - A download is accepted only from an http(s) URL, with status 200, a Content-Type of
//     image/*, at most `max_bytes`, within `timeout_ms`, and bytes that really are a JPEG,
//     PNG, WebP or GIF (magic number). Anything else is a failure with a reason.
//   - A failure keeps the previously stored image (sha256 untouched) and leaves the row due,
//     so the next import tries again. A success records sha256 and the URL it came from;
//     a title whose URL is unchanged is never fetched again.
//   - `max_per_run` (0 = all) bounds one pass; the rest waits for the next import.
// Thread-safety: one call per connection; the pool's threads never touch the database.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace cmup {
class Config;
}

namespace cmup::cm {

struct ImageFetchOptions {
  std::filesystem::path store_root;  // <data_dir>/images unless images.dir is set
  int threads = 4;
  std::size_t max_bytes = 10u << 20;
  long timeout_ms = 15000;
  std::int64_t max_per_run = 0;
  // images.*: dir, fetch_threads, max_bytes, timeout_s, max_per_run.
  static ImageFetchOptions from_config(const Config& cfg);
};

struct ImageFetchReport {
  std::int64_t due = 0, stored = 0, failed = 0;
  double seconds = 0;
};

ImageFetchReport fetch_title_images(
    SQLite::Database& db, const ImageFetchOptions& opts,
    const std::function<void(std::int64_t done, std::int64_t due)>& on_progress = {});

// "images: 12 stored, 1 failed (kept the previous image; retried next import)"
std::string image_summary(const ImageFetchReport& r);

}  // namespace cmup::cm
