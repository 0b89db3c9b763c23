// Where an MP4's index (the moov box) sits: at the front ("faststart", playable while it
// streams, fit for the direct path) or after the media data (needs a remux).
//
// Contract: scan_top_level_boxes() walks the file's top-level boxes by reading only their
// 8/16-byte headers through `read_at` (a local pread or an HTTP Range request), so a remote
// check costs a few tiny requests. It stops at the first moov or mdat. It never throws for
// bad input: a file that does not start like an MP4 comes back with is_mp4 = false. The
// errors of `read_at` itself propagate. Thread-safe (no state).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cmup::media {

struct Mp4Box {
  std::string type;  // four characters, e.g. "ftyp", "moov", "mdat"
  std::int64_t offset = 0;
  std::int64_t size = 0;  // whole box including header; -1 = runs to the end of the file
};

struct Mp4Layout {
  bool is_mp4 = false;        // the first box is ftyp (or another known top-level box)
  bool moov_first = false;    // moov found before any mdat
  std::vector<Mp4Box> boxes;  // the top-level boxes read, in file order
};

// Reads up to `len` bytes at `offset`; fewer (or none) at the end of the file.
using ReadAt = std::function<std::string(std::int64_t offset, std::size_t len)>;

// `file_size` bounds the walk (0 = unknown: walk until a read comes back short).
Mp4Layout scan_top_level_boxes(const ReadAt& read_at, std::int64_t file_size);

// A ReadAt over a local file.
ReadAt file_reader(const std::string& path);

}  // namespace cmup::media
