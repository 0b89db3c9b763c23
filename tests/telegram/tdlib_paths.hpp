// Where the tdlib-labelled tests find the real library and its schema: CMUP_TDJSON_PATH /
// CMUP_TDLIB_TYPES_PATH from the environment, else the build's CMUP_TDJSON_PATH (from
// scripts/install-tdlib) and the types package installed beside it.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace cmup::test {

inline std::filesystem::path tdjson_path() {
  if (const char* p = std::getenv("CMUP_TDJSON_PATH"); p && *p) return p;
#ifdef CMUP_TDJSON_PATH
  return CMUP_TDJSON_PATH;
#else
  return {};
#endif
}

inline std::filesystem::path tdlib_types_path() {
  if (const char* p = std::getenv("CMUP_TDLIB_TYPES_PATH"); p && *p) return p;
  // .../node_modules/@prebuilt-tdlib/linux-x64-glibc/libtdjson.so -> .../@prebuilt-tdlib/types/
  return tdjson_path().parent_path().parent_path() / "types" / "tdlib-types.d.ts";
}

inline std::string missing_tdlib_hint() {
  return "the real TDLib is not installed at " + tdjson_path().string() +
         ": run scripts/install-tdlib (scripts/install-deps runs it), then reconfigure";
}

}  // namespace cmup::test
