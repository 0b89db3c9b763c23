// Files compiled into the cmup binary by cmake/Embed.cmake: the default configuration,
// the schema migrations and the web assets. Contents live for the whole program.
#pragma once
#include <string_view>
#include <vector>

namespace cmup::embedded {

struct File {
  std::string_view name;     // path relative to its embed root, e.g. "0001_core.sql", "js/app.js"
  std::string_view content;  // exact bytes of the file
};

// The commented example configuration (config/*.toml concatenated): every setting and its default.
std::string_view default_config();
// src/db/migrations/*.sql, sorted by name.
const std::vector<File>& migrations();
// src/web/static/**, sorted by path.
const std::vector<File>& web_assets();

}  // namespace cmup::embedded
