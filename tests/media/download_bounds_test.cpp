// Sizes from the network are untrusted: a Content-Length or Content-Range total is read as
// an unsigned number with a bound (or taken as "unknown"), a response never brings more
// than the size announced, and a download of unknown size stops at the account's upload
// limit x split_tries + 16 MiB instead of filling the spool disk.
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "media/downloader.hpp"
#include "media/ffmpeg_preparer.hpp"
#include "media/http_fetch.hpp"
#include "support/test_support.hpp"

namespace cmup::media {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// GET /endless: a chunked body with no length and no Range support, up to 64 MiB (it ends
// sooner when the client hangs up); HEAD tells no size either.
class EndlessHost {
 public:
  EndlessHost() {
    srv_.Get("/endless", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Accept-Ranges", "none");  // so only a download can tell what it is
      res.set_chunked_content_provider("video/mp4", [](size_t offset, httplib::DataSink& sink) {
        static const std::string chunk(64 << 10, 'x');
        if (offset >= (std::size_t{64} << 20)) {
          sink.done();
          return true;
        }
        return sink.write(chunk.data(), chunk.size());
      });
    });
    port_ = test::free_port();
    thread_ = std::thread([this] { srv_.listen("127.0.0.1", port_); });
    if (!test::wait_for_port(port_)) throw std::runtime_error("endless host did not start");
  }
  ~EndlessHost() {
    srv_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/endless"; }

 private:
  httplib::Server srv_;
  int port_ = 0;
  std::thread thread_;
};

TEST(ParseSize, OnlyPlainDecimalWithinTheBound) {
  EXPECT_EQ(parse_size("0"), 0u);
  EXPECT_EQ(parse_size("892217"), 892217u);
  EXPECT_EQ(parse_size(std::to_string(kMaxRemoteSize)), kMaxRemoteSize);
  for (const char* bad : {"", "-5", "+5", " 5", "5 ", "12a", "0x10", "1e9", "*", "18446744073709551615",
                          "99999999999999999999999", "9223372036854775808"})
    EXPECT_EQ(parse_size(bad), std::nullopt) << bad;
  EXPECT_EQ(parse_size(std::to_string(kMaxRemoteSize + 1)), std::nullopt);
}

TEST(UnknownSizeCap, IsLimitTimesSplitTriesPlusMarginAndNeverOverflows) {
  EXPECT_EQ(unknown_size_cap(2000, 4), 8000 + (16 << 20));
  EXPECT_EQ(unknown_size_cap(INT64_MAX / 2, 4), INT64_MAX);
  EXPECT_EQ(unknown_size_cap(INT64_MAX - 1, 1), INT64_MAX);
}

TEST(DownloadBounds, DownloadOfUnknownSizeStopsAtTheCap) {
  EndlessHost host;
  test::TempDir dir;
  DownloadOptions o;
  o.max_unknown_bytes = 1 << 20;
  auto dest = dir / "f";
  try {
    download_file(host.url(), dest, -1, o, {});
    FAIL() << "an endless body must be stopped";
  } catch (const DownloadError& e) {
    EXPECT_TRUE(e.source_fault);
    EXPECT_TRUE(contains(e.what(), "without announcing its size first")) << e.what();
    EXPECT_TRUE(contains(e.what(), "1048576 bytes")) << e.what();
  }
  EXPECT_LE(fs::file_size(dest), 1u << 20);
}

TEST(DownloadBounds, ResponseLongerThanAnnouncedIsCutAtTheAnnouncedSize) {
  EndlessHost host;
  test::TempDir dir;
  auto dest = dir / "f";
  try {
    download_file(host.url(), dest, 100000, DownloadOptions{}, {});  // e.g. HEAD said 100000
    FAIL() << "more bytes than announced must fail";
  } catch (const DownloadError& e) {
    EXPECT_TRUE(e.source_fault);
    EXPECT_TRUE(contains(e.what(), "more than the announced 100000 bytes")) << e.what();
  }
  EXPECT_LE(fs::file_size(dest), 100000u);
}

// Through the media path: a source that announces no size (no Content-Length in HEAD nor
// GET) and never ends is stopped at limit x split_tries + 16 MiB; the job fails with that
// reason and its spool directory is gone.
TEST(DownloadBounds, PreparerStopsAnEndlessSourceAtTheAccountCap) {
  EndlessHost host;
  test::TempDir data;
  MediaOptions opt;
  opt.spool_dir = data / "spool";
  opt.thumb_dir = data / "thumbs";
  opt.free_space_margin_bytes = 0;
  opt.split.max_tries = 2;
  const std::int64_t limit = 256 << 10;
  media::PrepareRequest j;
  j.coded_name = "CM_M000042_480P";
  j.quality = "480P";
  j.sources = {media::PrepareSource{1, host.url()}};
  FfmpegMediaPreparer prep(opt);
  try {
    prep.prepare(j, limit, {});
    FAIL() << "an endless source must fail";
  } catch (const MediaError& e) {
    EXPECT_TRUE(e.all_sources_failed);
    ASSERT_EQ(e.failed_sources.size(), 1u);
    EXPECT_TRUE(contains(e.failed_sources[0].reason, std::to_string(unknown_size_cap(limit, 2)) + " bytes"))
        << e.failed_sources[0].reason;
  }
  EXPECT_TRUE(!fs::exists(opt.spool_dir) || fs::is_empty(opt.spool_dir));
}

}  // namespace
}  // namespace cmup::media
