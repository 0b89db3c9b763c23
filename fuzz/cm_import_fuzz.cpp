// Fuzzes the CM dump reader of `cmup import --from-file` (src/cm/importer.hpp): the input is
// the file (a JSON document, a page, an array, or JSON lines), imported in pages of 3 into a
// scratch database. Whatever the file holds, the import either finishes (bad items skipped
// and counted) or refuses the file with CmError; any other exception, a crash or a sanitizer
// report is a bug. Importing the same file again adds no title, episode or queue entry.
// fuzz-link: cmup_cm
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "cm/cm_client.hpp"
#include "cm/importer.hpp"
#include "db/database.hpp"

namespace {

struct Scratch {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("cmup-fuzz-import-" + std::to_string(::getpid()));
  std::unique_ptr<SQLite::Database> db;
  Scratch() {
    spdlog::set_level(spdlog::level::off);  // every skipped item logs a line
    std::filesystem::create_directories(dir);
    db = cmup::db::open(dir / "cmup.db");
  }
  ~Scratch() {
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Scratch s;
  static const cmup::cm::FieldNames fields;
  auto file = s.dir / "dump.json";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  cmup::cm::ImportReport first;
  try {
    first = cmup::cm::import_from_file(file, *s.db, fields, 3);
  } catch (const cmup::cm::CmError&) {
    return 0;  // refused as a whole, with a reason
  }
  if (first.counts.skipped < 0 || first.pages < 0) std::abort();
  auto again = cmup::cm::import_from_file(file, *s.db, fields, 3);
  // A second run of the same file finds every title, episode and queue entry in place. (Not
  // links: a file may list one id twice with different sources, and each pass re-adds the
  // first one's.)
  if (again.counts.items_new() != 0 || again.counts.variants_new != 0) std::abort();
  return 0;
}
