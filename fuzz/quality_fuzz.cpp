// Fuzzes quality inference and episode-hint parsing (and the URL/text normalizers they sit
// beside) with arbitrary bytes: no crash, no sanitizer report, and labels from the closed set.
// fuzz-link: cmup_catalog
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "catalog/normalize.hpp"
#include "catalog/quality_rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto q = cmup::infer_quality(text);
  if (!cmup::quality_from_label(cmup::quality_label(q))) __builtin_trap();
  cmup::match_quality_rules(text);
  cmup::quality_from_explicit(text);
  auto half = text.substr(0, size / 2);
  cmup::infer_source_quality(half, text.substr(size / 2), text);
  if (auto se = cmup::parse_episode_hint(text)) {
    if (se->season < 0 || se->episode < 0) __builtin_trap();
  }
  if (auto url = cmup::normalize_url(text)) {
    if (cmup::normalize_url(*url) != url) __builtin_trap();  // normalizing twice changes nothing
  }
  cmup::normalize_text(text);
  cmup::url_host(text);
  return 0;
}
