#include "cm/sim_poster.hpp"

#include <zlib.h>

#include <cstdint>
#include <stdexcept>

namespace cmup::sim {

namespace {

void put32(std::string& s, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((v >> shift) & 0xFF);
}

void chunk(std::string& png, const char* type, const std::string& data) {
  put32(png, static_cast<std::uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  png += body;
  put32(png, static_cast<std::uint32_t>(
                 crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

}  // namespace

std::string poster_png(const std::string& label) {
  constexpr int kW = 200, kH = 300;
  unsigned h = 0;
  for (char c : label) h = h * 31 + static_cast<unsigned char>(c);
  const unsigned char r = 40 + h % 160, g = 40 + (h / 160) % 160, b = 40 + (h / 25600) % 160;
  std::string raw;
  raw.reserve(static_cast<std::size_t>(kH) * (kW * 3 + 1));
  for (int y = 0; y < kH; ++y) {
    raw += '\0';  // filter: none
    for (int x = 0; x < kW; ++x) {
      // Diagonal bands, so a resized poster visibly is the picture and not a flat fill.
      bool band = ((x + y) / 25) % 2 == 0;
      raw += static_cast<char>(band ? r : r / 2);
      raw += static_cast<char>(band ? g : g / 2);
      raw += static_cast<char>(band ? b : b / 2);
    }
  }
  uLongf zlen = compressBound(static_cast<uLong>(raw.size()));
  std::string z(zlen, '\0');
  if (compress2(reinterpret_cast<Bytef*>(z.data()), &zlen, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), 6) != Z_OK)
    throw std::runtime_error("zlib failed");
  z.resize(zlen);
  std::string png = "\x89PNG\r\n\x1A\n";
  std::string ihdr;
  put32(ihdr, kW);
  put32(ihdr, kH);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, no filter, no interlace
  chunk(png, "IHDR", ihdr);
  chunk(png, "IDAT", z);
  chunk(png, "IEND", "");
  return png;
}

}  // namespace cmup::sim
