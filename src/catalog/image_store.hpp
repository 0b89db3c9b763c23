// Posters and backdrops kept by cmup itself, content-addressed: the original bytes as
// <root>/ab/<sha256> (written at import) and the sizes the UI shows as
// <root>/ab/<sha256>.<size>.jpg (made by the web server on first request, see
// web/image_routes.hpp), so a catalog renders with CM gone and a stored image never changes
// under its URL.
//
// Contract:
//   - sniff_image() recognises JPEG, PNG, WebP and GIF by their magic bytes only (a server's
//     Content-Type is not trusted); anything else is not an image.
//   - put() verifies the bytes are an image and writes the original through a temporary
//     file renamed into place, so a crash never leaves a half-written file under a final
//     name. Returns the sha256 (hex) or an error sentence; an existing entry is reused.
//   - url() is cmup's own URL of a stored size ("/images/<sha>/card.jpg"); parse_url_path()
//     is its inverse for the web route and refuses anything else (no path can escape root).
// Thread-safety: put() may run on several threads at once (distinct temp names per call);
// the read-side helpers are pure.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmup::catalog {

enum class ImageType { Jpeg, Png, Webp, Gif };
std::optional<ImageType> sniff_image(std::string_view bytes);
std::string_view image_mime(ImageType t);

// The sizes the UI uses: a grid card and a title page (width in pixels; height follows).
enum class ImageSize { Card, Page };
std::string_view size_name(ImageSize s);
int size_width(ImageSize s);
std::optional<ImageSize> size_from_name(std::string_view name);

std::string sha256_hex(std::string_view bytes);
bool is_sha256_hex(std::string_view s);

// "/images/<sha>/<size>.jpg"
std::string image_url(std::string_view sha, ImageSize size);

struct PutResult {
  std::string sha;    // set on success
  std::string error;  // set on failure
  bool ok() const { return error.empty(); }
};

class ImageStore {
 public:
  explicit ImageStore(std::filesystem::path root) : root_(std::move(root)) {}

  PutResult put(std::string_view bytes) const;
  // Path of a stored size (the file may not exist).
  std::filesystem::path size_path(std::string_view sha, ImageSize size) const;
  std::filesystem::path original_path(std::string_view sha) const;
  // The stored original's type, or nullopt when it is missing or not an image.
  std::optional<ImageType> original_type(std::string_view sha) const;
  const std::filesystem::path& root() const { return root_; }

  // Copies the originals named by `shas` into `to` (a hard link where the file system
  // allows, else a copy); ones `to` already holds are skipped (content-addressed: same name,
  // same bytes). Returns how many `to` holds afterwards; throws std::runtime_error with the
  // path when one cannot be copied. Derived sizes are not copied: the web makes them again.
  std::int64_t copy_originals(const ImageStore& to, const std::vector<std::string>& shas) const;

 private:
  std::filesystem::path root_;
};

}  // namespace cmup::catalog
