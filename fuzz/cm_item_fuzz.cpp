// Fuzzes the CM item parser: arbitrary bytes as a movie, a show and an episode (JSON or
// not). Any input must give an item or a rejection reason: no crash, no sanitizer report.
// fuzz-link: cmup_cm
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "cm/cm_item.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const cmup::cm::FieldNames fields;
  auto movie = cmup::cm::parse_movie_text(text, fields);
  if (!movie.item && movie.error.empty()) __builtin_trap();  // a rejection always says why
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_discarded()) {
    cmup::cm::parse_show(j, fields);
    cmup::cm::parse_episode(j, fields);
  }
  return 0;
}
