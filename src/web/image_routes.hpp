// GET /images/<sha256>/<card|page>.jpg: the posters cmup stored at import
// (catalog/image_store.hpp), in the sizes the UI uses.
//
// Contract:
//   - A size is made from the stored original on first request (ffmpeg as a program, JPEG,
//     at most `resize_timeout` each, at most 2 at once) and kept beside it; later requests
//     read the file. The answer is immutable (the URL names the content): ETag
//     "<sha>-<size>", Cache-Control "public, max-age=31536000, immutable", 304 on a matching
//     If-None-Match.
//   - 404 (code not_found) for an unknown sha, size or a malformed path; 500 (code
//     image_failed) when the original cannot be converted (the log says why).
//   - answer_image() holds the logic apart from the HTTP layer; mount_image_routes() is the
//     thin glue. Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace cmup {
class Router;
}

namespace cmup::web {

struct ImageRouteOptions {
  std::filesystem::path store_root;
  std::string ffmpeg = "ffmpeg";
  std::chrono::milliseconds resize_timeout{std::chrono::seconds(20)};
};

struct ImageAnswer {
  int status = 404;
  std::string body;                       // the JPEG on 200
  std::string etag;                       // on 200 and 304
  std::string error_code, error_message;  // on 404 / 500
};

ImageAnswer answer_image(const ImageRouteOptions& opts, const std::string& sha, const std::string& size,
                         const std::string& if_none_match);

void mount_image_routes(Router& routes, const ImageRouteOptions& opts);  // on the pool: file I/O, ffmpeg

}  // namespace cmup::web
