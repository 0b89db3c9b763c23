#include "catalog/image_store.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "util/hex.hpp"

namespace cmup::catalog {

namespace {

bool starts_with(std::string_view b, std::string_view magic) { return b.substr(0, magic.size()) == magic; }

}  // namespace

std::optional<ImageType> sniff_image(std::string_view b) {
  using namespace std::string_view_literals;
  if (starts_with(b, "\xFF\xD8\xFF"sv)) return ImageType::Jpeg;
  if (starts_with(b, "\x89PNG\r\n\x1A\n"sv)) return ImageType::Png;
  if (b.size() >= 12 && starts_with(b, "RIFF"sv) && b.substr(8, 4) == "WEBP"sv) return ImageType::Webp;
  if (starts_with(b, "GIF87a"sv) || starts_with(b, "GIF89a"sv)) return ImageType::Gif;
  return std::nullopt;
}

std::string_view image_mime(ImageType t) {
  switch (t) {
    case ImageType::Jpeg:
      return "image/jpeg";
    case ImageType::Png:
      return "image/png";
    case ImageType::Webp:
      return "image/webp";
    case ImageType::Gif:
      return "image/gif";
  }
  return "application/octet-stream";
}

std::string_view size_name(ImageSize s) { return s == ImageSize::Card ? "card" : "page"; }
// The grid shows cards up to ~220 CSS px wide and a title page's poster up to ~340: twice
// that keeps them sharp on high-density screens.
int size_width(ImageSize s) { return s == ImageSize::Card ? 440 : 680; }
std::optional<ImageSize> size_from_name(std::string_view n) {
  if (n == "card") return ImageSize::Card;
  if (n == "page") return ImageSize::Page;
  return std::nullopt;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &n, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("sha256 failed (OpenSSL)");
  return to_hex(std::string_view(reinterpret_cast<const char*>(md), n));
}

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string image_url(std::string_view sha, ImageSize size) {
  return "/images/" + std::string(sha) + "/" + std::string(size_name(size)) + ".jpg";
}

std::filesystem::path ImageStore::original_path(std::string_view sha) const {
  return root_ / std::string(sha.substr(0, 2)) / std::string(sha);
}

std::filesystem::path ImageStore::size_path(std::string_view sha, ImageSize size) const {
  return root_ / std::string(sha.substr(0, 2)) /
         (std::string(sha) + "." + std::string(size_name(size)) + ".jpg");
}

std::optional<ImageType> ImageStore::original_type(std::string_view sha) const {
  if (!is_sha256_hex(sha)) return std::nullopt;
  std::ifstream in(original_path(sha), std::ios::binary);
  char head[16] = {};
  in.read(head, sizeof head);
  return sniff_image(std::string_view(head, static_cast<std::size_t>(in.gcount())));
}

PutResult ImageStore::put(std::string_view bytes) const {
  PutResult r;
  if (!sniff_image(bytes)) {
    r.error = "not an image (no JPEG, PNG, WebP or GIF signature)";
    return r;
  }
  r.sha = sha256_hex(bytes);
  auto final_path = original_path(r.sha);
  std::error_code ec;
  if (std::filesystem::exists(final_path, ec) && std::filesystem::file_size(final_path, ec) == bytes.size())
    return r;
  std::filesystem::create_directories(final_path.parent_path(), ec);
  if (ec) {
    r.error = "cannot create " + final_path.parent_path().string() + ": " + ec.message();
    return r;
  }
  static std::atomic<unsigned> seq{0};
  auto tmp = final_path;
  tmp += ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(seq++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      r.error = "cannot write " + tmp.string() + " (disk full?)";
      return r;
    }
  }
  std::filesystem::rename(tmp, final_path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    r.error = "cannot store " + final_path.string() + ": " + ec.message();
  }
  return r;
}

std::int64_t ImageStore::copy_originals(const ImageStore& to, const std::vector<std::string>& shas) const {
  std::int64_t held = 0;
  for (const auto& sha : shas) {
    if (!is_sha256_hex(sha)) continue;
    auto src = original_path(sha), dst = to.original_path(sha);
    std::error_code ec;
    if (std::filesystem::exists(dst, ec)) {
      ++held;
      continue;
    }
    if (!std::filesystem::exists(src, ec)) continue;  // nothing to copy; the next import fetches it
    std::filesystem::create_directories(dst.parent_path(), ec);
    std::filesystem::create_hard_link(src, dst, ec);
    if (ec) {
      ec.clear();
      std::filesystem::copy_file(src, dst, ec);
    }
    if (ec)
      throw std::runtime_error("cannot copy " + src.string() + " to " + dst.string() + ": " + ec.message());
    ++held;
  }
  return held;
}

}  // namespace cmup::catalog
