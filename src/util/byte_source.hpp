// Where an upload's bytes come from: a local file (spool) or a stream (direct path:
// bytes flow from the source URL to Telegram through a bounded buffer, no spool file).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace cmup {

struct ByteSource {
  // A local file; when set, `read` is unused.
  std::filesystem::path file;
  // A stream: fills up to `cap` bytes, returns how many, 0 at the end, -1 on failure
  // (then `error()` says why). Called from one thread.
  std::function<std::ptrdiff_t(char* buf, std::size_t cap)> read;
  std::function<std::string()> error;
  // Exact length in bytes (a streamed multipart body is sent with a known length).
  std::int64_t size = 0;

  bool is_file() const { return !file.empty(); }
};

}  // namespace cmup
