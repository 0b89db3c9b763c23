// Bot API file identifiers, as opaque strings that encode (bot, stored file).
//
// Contract: make_file_id(bot, seq) is stable (same inputs, same string) so ids survive a
// restart, and parse_file_id() returns the (bot, seq) it was made from, or nullopt for a
// string that is not one of ours or was altered (a checksum covers both numbers).
// file_unique_id depends only on the stored file, never on the bot, like Telegram's.
// Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cmup::simtg {

struct FileIdParts {
  std::int64_t bot_id = 0;
  std::int64_t file_seq = 0;
};

std::string make_file_id(std::int64_t bot_id, std::int64_t file_seq);
std::optional<FileIdParts> parse_file_id(const std::string& file_id);
std::string make_file_unique_id(std::int64_t file_seq);

// Hex sha256 of a byte string (also used for file contents in chunks via Sha256).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const char* data, std::size_t len);
  std::string hex_digest();  // once

 private:
  void* ctx_;
};
std::string sha256_hex(const std::string& bytes);

}  // namespace cmup::simtg
