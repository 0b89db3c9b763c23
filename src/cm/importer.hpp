// `cmup import`: reads movies and shows (with their episodes) from CM, or from a dump file,
// and writes them with CatalogWriter, one transaction per page.
//
// Contract:
//   - A fetch thread reads and parses page N+1 while page N is written, so the import is
//     bound by the slower of CM and the database, not their sum. The episode lists of a page
//     of shows are fetched by a few threads at once (one request per show).
//   - Pages are written in CM's order; an import killed at any point leaves whole pages only,
//     and running it again completes it with the same result as one clean run.
//   - A malformed item is skipped (reason logged, counted); the run goes on. Failures of CM
//     itself (after the client's retries) stop the run with CmError; the pages written so
//     far stay.
//   - After a complete import from CM (no updated_since), links of titles and episodes CM no
//     longer lists become 'gone'.
//   - on_progress (when set) is called after every page, from the calling thread.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <functional>
#include <optional>

#include "cm/catalog_writer.hpp"
#include "cm/cm_client.hpp"

namespace cmup::cm {

struct ImportProgress {
  int pages_done = 0;
  int pages_total = 0;  // best estimate; grows when the shows' page count becomes known
  std::int64_t items = 0;
  double elapsed_s = 0;
};

struct ImportReport {
  ImportCounts counts;
  int pages = 0;
  std::int64_t gone = 0;  // links retired because CM no longer lists their title/episode
  double seconds = 0;
};

struct ImportOptions {
  std::optional<std::int64_t> updated_since;  // CM's updated_since filter (Unix seconds)
  std::function<void(const ImportProgress&)> on_progress;
};

ImportReport import_from_cm(CmClient& client, SQLite::Database& db, const ImportOptions& opts = {});

// A dump of the same shapes: a JSON document ({"movies": [...], "shows": [...]} with each
// show's "episodes" inline, or a page {"items": [...]}, or an array of movies), or JSON
// lines (one item per line, "type": "movie" | "show" | "episode"; an episode names its
// show by "show_id"). Throws CmError when the file cannot be read or is not JSON at all.
ImportReport import_from_file(const std::filesystem::path& file, SQLite::Database& db,
                              const FieldNames& fields, int per_page = 500, const ImportOptions& opts = {});

// "import: new N, updated N, unchanged N, skipped N (...)": the line an operator reads.
std::string summary_line(const ImportReport& r);

}  // namespace cmup::cm
