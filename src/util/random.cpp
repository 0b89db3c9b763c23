#include "util/random.hpp"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "util/hex.hpp"

namespace cmup {

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (bytes > 0 && RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1)
    throw std::runtime_error("no randomness (OpenSSL RAND_bytes failed): check the system's entropy source");
  return to_hex(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
}

}  // namespace cmup
