// Bot API request parameters, from any of the encodings the real server accepts: query
// string, JSON body, application/x-www-form-urlencoded, multipart/form-data.
//
// Contract: read_params() streams multipart file parts straight to temporary files under
// `tmp_dir` (never whole in memory), hashing them as they arrive; a part larger than
// `max_file_bytes` is cut off, deleted and flagged too_big (the rest of the body is still
// read, so the client gets an answer instead of a reset). `on_bytes` sees every body chunk
// (throttling and stats hook; it may sleep). Params deletes the temporary files it still
// owns when destroyed; release() hands one over to the store. Accessors throw ApiError
// 400 for values of the wrong type. Not thread-safe (one request, one thread).
#pragma once

#include <httplib.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace cmup::simtg {

struct UploadedPart {
  std::string field;
  std::string filename;
  std::string content_type;
  std::filesystem::path path;  // temporary file; empty once released or when too_big
  std::uint64_t size = 0;
  std::string sha256;
  bool too_big = false;
};

class Params {
 public:
  Params() = default;
  ~Params();
  Params(const Params&) = delete;
  Params& operator=(const Params&) = delete;
  Params(Params&&) = default;
  Params& operator=(Params&&) = default;

  std::map<std::string, nlohmann::json> values;
  std::map<std::string, UploadedPart> uploads;
  std::uint64_t body_bytes = 0;

  bool has(const std::string& name) const;
  std::string str(const std::string& name, const std::string& def = "") const;
  std::optional<std::int64_t> int64(const std::string& name) const;
  bool boolean(const std::string& name, bool def = false) const;
  // A JSON-typed parameter (reply_markup, media, allowed_updates): parses a string that
  // holds JSON; null when absent.
  nlohmann::json json_value(const std::string& name) const;
  UploadedPart* upload(const std::string& field);
  bool any_too_big() const;
};

struct ReadLimits {
  std::uint64_t max_file_bytes = 0;
  std::filesystem::path tmp_dir;
  std::function<void(std::size_t)> on_bytes;
  bool discard = false;  // read and drop the body (request refused before reading)
};

// `reader` is null for requests without a body (GET).
Params read_params(const httplib::Request& req, const httplib::ContentReader* reader, const ReadLimits& limits);

std::string url_decode(const std::string& s);

}  // namespace cmup::simtg
