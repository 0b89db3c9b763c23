// The simulators' media file server, driven by real HTTP requests over loopback: what a
// downloader sees from a Range-capable host and from the faults it injects.
#include "common/media_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <thread>

#include "support/test_support.hpp"
#include "util/http_client.hpp"

namespace cmup::sim {
namespace {

using namespace std::chrono_literals;

class MediaServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    content_.resize(300000);
    for (size_t i = 0; i < content_.size(); ++i) content_[i] = static_cast<char>((i * 7919) % 251);
    const auto media = dir_ / "media";
    std::filesystem::create_directories(media);
    std::ofstream(media / "movie.mp4", std::ios::binary).write(content_.data(), content_.size());
    std::ofstream(media / "show.mkv", std::ios::binary) << "matroska";
    std::ofstream(media / "empty.bin", std::ios::binary);
    std::ofstream(dir_ / "secret.txt") << "not media";
    use_large_thread_pool(srv_, 16);
    mount_media_routes(srv_, "/media", {media, 0});
    port_ = test::free_port();
    thread_ = std::thread([this] { srv_.listen("127.0.0.1", port_); });
    ASSERT_TRUE(test::wait_for_port(port_));
  }
  void TearDown() override {
    http_.reset();  // close the keep-alive connection so the server stops at once
    srv_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  HttpResponse get(const std::string& path, const std::string& range = "", long timeout_ms = 10000) {
    HttpRequest r;
    r.url = url(path);
    r.timeout_ms = timeout_ms;
    if (!range.empty()) r.headers.emplace_back("Range", range);
    return http_->perform(r);
  }

  test::TempDir dir_;
  std::string content_;
  httplib::Server srv_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<HttpClient> http_ = std::make_unique<HttpClient>();
};

TEST_F(MediaServerTest, ServesWholeFileWithLengthTypeAndRangeSupport) {
  auto r = get("/media/movie.mp4");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, content_);
  EXPECT_EQ(r.header("content-length"), std::to_string(content_.size()));
  EXPECT_EQ(r.header("accept-ranges"), "bytes");
  EXPECT_EQ(r.header("content-type"), "video/mp4");
  EXPECT_EQ(get("/media/show.mkv").header("content-type"), "video/x-matroska");
  EXPECT_EQ(get("/media/empty.bin").header("content-type"), "application/octet-stream");
}

TEST_F(MediaServerTest, HeadGivesHeadersWithoutBody) {
  HttpRequest r;
  r.method = "HEAD";
  r.url = url("/media/movie.mp4");
  auto resp = http_->perform(r);
  EXPECT_EQ(resp.status, 200);
  EXPECT_TRUE(resp.body.empty());
  EXPECT_EQ(resp.header("content-length"), std::to_string(content_.size()));
  EXPECT_EQ(resp.header("accept-ranges"), "bytes");
}

TEST_F(MediaServerTest, SingleRangesGive206WithContentRange) {
  auto r = get("/media/movie.mp4", "bytes=1000-1999");
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, content_.substr(1000, 1000));
  EXPECT_EQ(r.header("content-range"), "bytes 1000-1999/300000");
  EXPECT_EQ(r.header("content-length"), "1000");

  auto open = get("/media/movie.mp4", "bytes=299000-");
  EXPECT_EQ(open.status, 206);
  EXPECT_EQ(open.body, content_.substr(299000));

  auto suffix = get("/media/movie.mp4", "bytes=-10");
  EXPECT_EQ(suffix.status, 206);
  EXPECT_EQ(suffix.body, content_.substr(content_.size() - 10));
  EXPECT_EQ(suffix.header("content-range"), "bytes 299990-299999/300000");

  auto past_end = get("/media/movie.mp4", "bytes=299990-500000");
  EXPECT_EQ(past_end.status, 206);
  EXPECT_EQ(past_end.body, content_.substr(299990));
}

TEST_F(MediaServerTest, UnsatisfiableRangeGives416) {
  auto r = get("/media/movie.mp4", "bytes=300000-");
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.header("content-range"), "bytes */300000");
}

TEST_F(MediaServerTest, MissingFilesAndEscapesAre404) {
  EXPECT_EQ(get("/media/nope.mp4").status, 404);
  // curl normalizes dot segments, so send the raw path with httplib's client.
  httplib::Client raw("127.0.0.1", port_);
  auto escaped = raw.Get("/media/../secret.txt");
  ASSERT_TRUE(escaped);
  EXPECT_EQ(escaped->status, 404);
  EXPECT_EQ(get("/media/%2e%2e/secret.txt").status, 404);
}

TEST_F(MediaServerTest, Fault404) { EXPECT_EQ(get("/media/movie.mp4?fault=404").status, 404); }

TEST_F(MediaServerTest, FaultNoRangeIgnoresRange) {
  auto r = get("/media/movie.mp4?fault=norange", "bytes=10-19");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), content_.size());
}

TEST_F(MediaServerTest, FaultResetCutsTheTransferThenResumeSucceeds) {
  std::string got;
  HttpRequest r;
  r.url = url("/media/movie.mp4?fault=reset&after=100000&times=1");
  r.on_body = [&](const char* d, size_t n) {
    got.append(d, n);
    return true;
  };
  auto first = http_->perform(r);
  EXPECT_EQ(first.status, 0) << "a reset must surface as a transport error";
  EXPECT_FALSE(first.error.empty());
  EXPECT_EQ(got, content_.substr(0, got.size()));
  EXPECT_LE(got.size(), 100000u);

  // The second request for the same URL is served: a Range resume completes the file.
  r.on_body = nullptr;
  r.headers = {{"Range", "bytes=" + std::to_string(got.size()) + "-"}};
  auto second = http_->perform(r);
  EXPECT_EQ(second.status, 206);
  EXPECT_EQ(got + second.body, content_);
}

TEST_F(MediaServerTest, FaultResetWithoutTimesAlwaysFails) {
  for (int i = 0; i < 2; ++i) EXPECT_EQ(get("/media/movie.mp4?fault=reset&after=10").status, 0);
}

TEST_F(MediaServerTest, FaultStallSendsPrefixThenNothing) {
  std::string got;
  HttpRequest r;
  r.url = url("/media/movie.mp4?fault=stall&after=5000");
  r.timeout_ms = 1500;  // the client gives up; the server notices and frees its thread
  r.on_body = [&](const char* d, size_t n) {
    got.append(d, n);
    return true;
  };
  auto resp = http_->perform(r);
  EXPECT_EQ(resp.status, 0);
  EXPECT_TRUE(resp.timed_out);
  EXPECT_EQ(got, content_.substr(0, 5000));
}

TEST(MediaServerThrottle, ThrottledServerStillDeliversEveryByte) {
  test::TempDir dir;
  std::string data(50000, 'x');
  std::ofstream(dir / "a.mp4", std::ios::binary) << data;
  httplib::Server srv;
  mount_media_routes(srv, "/media", {dir.path(), 200000});
  int port = test::free_port();
  std::thread t([&] { srv.listen("127.0.0.1", port); });
  ASSERT_TRUE(test::wait_for_port(port));
  auto http = std::make_unique<HttpClient>();
  auto r = http->get("http://127.0.0.1:" + std::to_string(port) + "/media/a.mp4");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, data);
  http.reset();
  srv.stop();
  t.join();
}

TEST(MediaContentType, ByExtension) {
  EXPECT_EQ(media_content_type("a.MP4"), "video/mp4");
  EXPECT_EQ(media_content_type("x/y.mkv"), "video/x-matroska");
  EXPECT_EQ(media_content_type("poster.jpg"), "application/octet-stream");
}

}  // namespace
}  // namespace cmup::sim
