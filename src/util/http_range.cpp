#include "util/http_range.hpp"

#include <optional>

#include "util/http_message.hpp"

namespace cmup {

namespace {

std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

}  // namespace

ByteRange parse_range(std::string_view header, std::uint64_t size) {
  ByteRange full;
  header = trim_ows(header);
  constexpr std::string_view unit = "bytes=";
  if (header.size() < unit.size()) return full;
  for (std::size_t i = 0; i < unit.size(); ++i)
    if ((header[i] | 0x20) != unit[i] && header[i] != unit[i]) return full;
  std::string_view specs = header.substr(unit.size());

  std::optional<ByteRange> chosen;
  int count = 0;
  std::size_t pos = 0;
  while (pos <= specs.size()) {
    auto comma = specs.find(',', pos);
    if (comma == std::string_view::npos) comma = specs.size();
    auto spec = trim_ows(specs.substr(pos, comma - pos));
    pos = comma + 1;
    if (spec.empty()) continue;  // RFC 9110 allows empty list elements
    if (++count > kMaxRangeSpecs) return {ByteRange::Kind::Unsatisfiable, 0, 0};
    auto dash = spec.find('-');
    if (dash == std::string_view::npos) return full;
    auto a = spec.substr(0, dash), b = spec.substr(dash + 1);
    ByteRange r{ByteRange::Kind::Single, 0, 0};
    if (a.empty()) {  // suffix: the last N bytes
      auto n = number(b);
      if (!n) return full;
      if (*n == 0 || size == 0) continue;
      r.first = *n >= size ? 0 : size - *n;
      r.last = size - 1;
    } else {
      auto first = number(a);
      auto last = b.empty() ? std::optional<std::uint64_t>(UINT64_MAX) : number(b);
      if (!first || !last || *last < *first) return full;
      if (*first >= size) continue;
      r.first = *first;
      r.last = *last >= size ? size - 1 : *last;
    }
    if (!chosen) chosen = r;
  }
  if (count == 0) return full;
  if (!chosen) return {ByteRange::Kind::Unsatisfiable, 0, 0};
  return *chosen;
}

}  // namespace cmup
