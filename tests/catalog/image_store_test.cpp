// The content-addressed image store: what counts as an image (magic bytes, not a header),
// where an image lands, and that a non-image is refused without leaving a file behind.
#include "catalog/image_store.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/test_support.hpp"

namespace cmup::catalog {
namespace {

using namespace std::string_literals;

const std::string kPng = "\x89PNG\r\n\x1A\n\0\0\0\rIHDR"s;
const std::string kJpeg = "\xFF\xD8\xFF\xE0\0\x10JFIF\0"s;

TEST(ImageStore, SniffsImagesByMagicNotByName) {
  EXPECT_EQ(sniff_image(kJpeg), ImageType::Jpeg);
  EXPECT_EQ(sniff_image(kPng), ImageType::Png);
  EXPECT_EQ(sniff_image("RIFF\x10\0\0\0WEBPVP8 "s), ImageType::Webp);
  EXPECT_EQ(sniff_image("GIF89a\x01\0\x01\0"s), ImageType::Gif);
  // What a misconfigured CDN or a login wall answers with "image/jpeg".
  EXPECT_FALSE(sniff_image("<!DOCTYPE html><title>Sign in</title>"));
  EXPECT_FALSE(sniff_image("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
  EXPECT_FALSE(sniff_image("RIFF\x10\0\0\0WAVEfmt "s));  // a RIFF that is audio
  EXPECT_FALSE(sniff_image(""));
  EXPECT_FALSE(sniff_image("\xFF\xD8"s));  // cut short
  EXPECT_EQ(image_mime(ImageType::Png), "image/png");
}

TEST(ImageStore, StoresUnderTheSha256OfTheBytes) {
  test::TempDir dir;
  ImageStore store(dir / "images");
  std::string bytes = kPng + "pixels";
  auto r = store.put(bytes);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.sha, sha256_hex(bytes));
  EXPECT_TRUE(is_sha256_hex(r.sha));
  auto path = dir / "images" / r.sha.substr(0, 2) / r.sha;
  EXPECT_EQ(store.original_path(r.sha), path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), bytes);
  EXPECT_EQ(store.original_type(r.sha), ImageType::Png);
  // The same bytes again: the same name, one file.
  auto again = store.put(bytes);
  EXPECT_EQ(again.sha, r.sha);
  int files = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir / "images"))
    files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1);
  // Known value: sha256("abc").
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ImageStore, RefusesBytesThatAreNotAnImage) {
  test::TempDir dir;
  ImageStore store(dir / "images");
  auto r = store.put("<html>not found</html>");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("not an image"), std::string::npos) << r.error;
  EXPECT_FALSE(std::filesystem::exists(dir / "images"));
}

TEST(ImageStore, UrlsAreCmupsOwnAndOnlyForWellFormedNames) {
  std::string sha(64, 'a');
  EXPECT_EQ(image_url(sha, ImageSize::Card), "/images/" + sha + "/card.jpg");
  EXPECT_EQ(image_url(sha, ImageSize::Page), "/images/" + sha + "/page.jpg");
  EXPECT_EQ(size_from_name("card"), ImageSize::Card);
  EXPECT_FALSE(size_from_name("../x"));
  EXPECT_FALSE(is_sha256_hex(std::string(64, 'A')));      // lower-case hex only
  EXPECT_FALSE(is_sha256_hex("../../../../etc/passwd"));  // never a path
  EXPECT_FALSE(is_sha256_hex(std::string(63, 'a')));
  test::TempDir dir;
  ImageStore store(dir / "images");
  EXPECT_FALSE(store.original_type("../../etc/passwd"));
  EXPECT_FALSE(store.original_type(sha));  // not stored
  EXPECT_LT(size_width(ImageSize::Card), size_width(ImageSize::Page));
}

}  // namespace
}  // namespace cmup::catalog
