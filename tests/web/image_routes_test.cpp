// GET /images/<sha>/<size>.jpg: the stored poster in the UI's sizes, made with ffmpeg on
// first request, immutable with an ETag; unknown or malformed names are 404s.
#include "web/image_routes.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "catalog/image_store.hpp"
#include "util/child_process.hpp"
#include "support/test_support.hpp"

namespace cmup::web {
namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A real 1000x1500 PNG, as a CM poster would be.
std::string make_png(const test::TempDir& dir) {
  auto out = dir / "poster.png";
  auto r = run_program({"ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                               "testsrc=size=1000x1500", "-frames:v", "1", "-y", out.string()});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_tail;
  return read(out);
}

// The width of a baseline or progressive JPEG, from its SOF marker.
int jpeg_width(const std::string& j) {
  for (std::size_t i = 2; i + 9 < j.size();) {
    if (static_cast<unsigned char>(j[i]) != 0xFF) return -1;
    unsigned char m = static_cast<unsigned char>(j[i + 1]);
    std::size_t len = (static_cast<unsigned char>(j[i + 2]) << 8) | static_cast<unsigned char>(j[i + 3]);
    if (m == 0xC0 || m == 0xC1 || m == 0xC2)
      return (static_cast<unsigned char>(j[i + 7]) << 8) | static_cast<unsigned char>(j[i + 8]);
    i += 2 + len;
  }
  return -1;
}

TEST(ImageRoutes, MakesEachSizeOnceAndAnswersImmutable) {
  test::TempDir dir;
  catalog::ImageStore store(dir / "images");
  auto put = store.put(make_png(dir));
  ASSERT_TRUE(put.ok()) << put.error;
  ImageRouteOptions o{dir / "images", "ffmpeg", std::chrono::seconds(60)};

  auto card = answer_image(o, put.sha, "card", "");
  ASSERT_EQ(card.status, 200) << card.error_message;
  EXPECT_EQ(catalog::sniff_image(card.body), catalog::ImageType::Jpeg);
  EXPECT_EQ(jpeg_width(card.body), catalog::size_width(catalog::ImageSize::Card));
  EXPECT_EQ(card.etag, "\"" + put.sha + "-card\"");
  EXPECT_TRUE(std::filesystem::exists(store.size_path(put.sha, catalog::ImageSize::Card)));

  auto page = answer_image(o, put.sha, "page", "");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(jpeg_width(page.body), catalog::size_width(catalog::ImageSize::Page));

  // Kept: a later request reads the file, even with no ffmpeg at hand.
  ImageRouteOptions no_ffmpeg = o;
  no_ffmpeg.ffmpeg = "/nonexistent/ffmpeg";
  auto again = answer_image(no_ffmpeg, put.sha, "card", "");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body, card.body);

  auto cached = answer_image(o, put.sha, "card", card.etag);
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
}

TEST(ImageRoutes, UnknownOrMalformedNamesAreNotFound) {
  test::TempDir dir;
  ImageRouteOptions o{dir / "images", "ffmpeg", std::chrono::seconds(60)};
  EXPECT_EQ(answer_image(o, std::string(64, 'a'), "card", "").status, 404);
  EXPECT_EQ(answer_image(o, "../../etc/passwd", "card", "").status, 404);
  catalog::ImageStore store(dir / "images");
  auto put = store.put(make_png(dir));
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(answer_image(o, put.sha, "huge", "").status, 404);
}

TEST(ImageRoutes, AnOriginalFfmpegCannotReadIsAServerErrorNotAFile) {
  test::TempDir dir;
  catalog::ImageStore store(dir / "images");
  auto put = store.put(std::string("\x89PNG\r\n\x1A\n", 8) + "truncated garbage");
  ASSERT_TRUE(put.ok());
  ImageRouteOptions o{dir / "images", "ffmpeg", std::chrono::seconds(60)};
  auto a = answer_image(o, put.sha, "card", "");
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.error_code, "image_failed");
  EXPECT_FALSE(std::filesystem::exists(store.size_path(put.sha, catalog::ImageSize::Card)));
}

}  // namespace
}  // namespace cmup::web
