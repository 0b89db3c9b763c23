// The Range header of a GET for a resource of known size (RFC 9110 §14), limited to ONE
// byte range per response so a request can never make the server send more than the file.
//
// Contract: parse_range() returns Full when there is no Range header, it is not in bytes
// units or it cannot be parsed (RFC 9110: ignore it and send 200); Single with the first
// satisfiable range [first, last] (a request listing several ranges gets only that one, as a
// single-part 206); Unsatisfiable when no listed range overlaps the resource (416 with
// "Content-Range: bytes */size"). At most kMaxRangeSpecs ranges are looked at; a longer list
// is Unsatisfiable (no client needs it, and it is how range amplification attacks look).
// Pure function: safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace cmup {

struct ByteRange {
  enum class Kind { Full, Single, Unsatisfiable } kind = Kind::Full;
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

inline constexpr int kMaxRangeSpecs = 16;

ByteRange parse_range(std::string_view header, std::uint64_t size);

}  // namespace cmup
