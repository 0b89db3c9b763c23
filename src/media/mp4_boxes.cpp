#include "media/mp4_boxes.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <set>
#include <stdexcept>

namespace cmup::media {

namespace {

std::uint64_t be(const std::string& b, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  return v;
}

bool printable_type(const std::string& t) {
  for (char c : t)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// Boxes that may legally open an ISO-BMFF file.
const std::set<std::string>& opening_boxes() {
  static const std::set<std::string> s{"ftyp", "moov", "mdat", "free", "skip", "wide", "styp", "pdin"};
  return s;
}

}  // namespace

Mp4Layout scan_top_level_boxes(const ReadAt& read_at, std::int64_t file_size) {
  Mp4Layout out;
  std::int64_t off = 0;
  // A real file has a handful of top-level boxes before moov/mdat; a bound keeps a
  // malicious one from making us issue thousands of requests.
  for (int i = 0; i < 64; ++i) {
    if (file_size > 0 && off + 8 > file_size) break;
    std::string h = read_at(off, 16);
    if (h.size() < 8) break;
    std::uint64_t size = be(h, 0, 4);
    std::string type = h.substr(4, 4);
    if (!printable_type(type)) break;
    std::int64_t header = 8;
    if (size == 1) {
      if (h.size() < 16) break;
      size = be(h, 8, 8);
      header = 16;
    }
    if (i == 0) {
      if (!opening_boxes().count(type)) return out;
      out.is_mp4 = true;
    }
    Mp4Box box{type, off, size == 0 ? -1 : static_cast<std::int64_t>(size)};
    out.boxes.push_back(box);
    if (type == "moov") {
      out.moov_first = true;
      break;
    }
    if (type == "mdat") break;
    if (size == 0 || static_cast<std::int64_t>(size) < header) break;  // runs to EOF, or corrupt
    if (size > static_cast<std::uint64_t>(INT64_MAX - off)) break;
    off += static_cast<std::int64_t>(size);
  }
  return out;
}

ReadAt file_reader(const std::string& path) {
  auto fd = std::shared_ptr<int>(new int(::open(path.c_str(), O_RDONLY | O_CLOEXEC)), [](int* p) {
    if (*p >= 0) ::close(*p);
    delete p;
  });
  if (*fd < 0) throw std::runtime_error("cannot open " + path);
  return [fd](std::int64_t offset, std::size_t len) {
    std::string buf(len, '\0');
    ssize_t n = ::pread(*fd, buf.data(), len, offset);
    buf.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return buf;
  };
}

}  // namespace cmup::media
