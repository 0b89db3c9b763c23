// Bytes as lowercase hex digits: random identifiers (util/random), content hashes
// (catalog/image_store), the Mini App's HMAC (web/init_data). One spelling, so a hash or token
// written by one part compares equal where another reads it.
//
// Contract: to_hex(bytes) returns 2 * bytes.size() characters of [0-9a-f], high nibble first.
// Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cmup {

inline std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

}  // namespace cmup
