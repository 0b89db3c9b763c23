// Writes normalized CM items into the database: titles, episodes, source_links,
// upload_variants (the queue) and variant_sources. The insert stage of `cmup import`, usable
// on its own (benchmarks, `--from-file`).
//
// Contract:
//   - write_page() writes a page of items in ONE transaction: after a crash at any point a
//     page is either fully there or not at all, and re-running completes it.
//   - Idempotent: an item whose content_hash is unchanged is not written at all (row counts
//     and updated_at stay as they are). A changed item is updated in place.
//   - Source links are never deleted: one that vanished from CM becomes 'gone' (a 'dead' link
//     stays dead), one that reappears becomes 'live' again.
//   - One upload_variant per (title or episode, quality) with a live source, created
//     'pending' with its coded name (catalog/coded_name.hpp, from the LOCAL title id).
//     Existing variants keep their state: a new source for a 'done' variant is appended as a
//     fallback, never re-queued.
//   - variant_sources ranks (0 first) follow the documented preference: explicit quality over
//     inferred, MP4 over other containers, then CM's order. For a 'done' variant the existing
//     order is kept and new sources are appended.
//   - A malformed item that the database refuses (e.g. two episodes claiming the same
//     season and number) is rolled back alone (savepoint), counted as skipped and logged.
// Thread-safety: one CatalogWriter per connection, used from one thread.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cm/cm_item.hpp"

namespace cmup::cm {

struct ImportCounts {
  std::int64_t titles_new = 0, titles_updated = 0, titles_unchanged = 0;
  std::int64_t episodes_new = 0, episodes_updated = 0, episodes_unchanged = 0;
  std::int64_t skipped = 0;  // items rejected by the parser or the database
  std::int64_t sources_new = 0, sources_gone = 0, variants_new = 0;

  std::int64_t items_new() const { return titles_new + episodes_new; }
  std::int64_t items_updated() const { return titles_updated + episodes_updated; }
  std::int64_t items_unchanged() const { return titles_unchanged + episodes_unchanged; }
  std::int64_t items() const { return items_new() + items_updated() + items_unchanged() + skipped; }
  ImportCounts& operator+=(const ImportCounts& o);
};

class CatalogWriter {
 public:
  // `track_seen`: remember which titles and episodes this run wrote or confirmed, so that
  // mark_unseen_gone() can retire the rest after a complete import.
  explicit CatalogWriter(SQLite::Database& db, bool track_seen = false);
  ~CatalogWriter();
  CatalogWriter(const CatalogWriter&) = delete;
  CatalogWriter& operator=(const CatalogWriter&) = delete;

  // One transaction for the whole page. Throws (after rolling back) only on database
  // failures that are not about a single item (disk full, locked past the busy timeout).
  ImportCounts write_page(const std::vector<Title>& items);

  // After a complete import: the live links of titles (and episodes of seen shows) that CM
  // no longer lists become 'gone', and those items are marked to be rewritten if they return.
  // Returns the number of links retired.
  std::int64_t mark_unseen_gone();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The insert stage alone: writes `items` in pages of `page_size` (one transaction each).
ImportCounts write_items(SQLite::Database& db, const std::vector<Title>& items, std::size_t page_size = 500);

}  // namespace cmup::cm
