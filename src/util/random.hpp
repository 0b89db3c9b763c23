// Random identifiers: lease tokens, caption nonces, session ids, spool file suffixes, demo
// secrets. One source (OpenSSL's CSPRNG), so every caller gets unguessable values.
//
// Contract: random_hex(n) returns 2*n lowercase hex digits from n random bytes; it throws
// std::runtime_error when OpenSSL has no randomness (nothing sensible can continue then).
// Thread-safe.
#pragma once

#include <cstddef>
#include <string>

namespace cmup {

std::string random_hex(std::size_t bytes);

}  // namespace cmup
