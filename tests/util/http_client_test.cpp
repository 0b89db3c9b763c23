// The one HTTP client (util/http_client.hpp) over loopback: a multipart upload streamed from
// a pipe arrives framed as a Bot API server parses it, with nothing held in memory; a source
// that ends early or a callback that throws is reported, not sent short; a download cut
// mid-body resumes with Range; a stalled download ends by the stall limit, and a cancelled
// one by its flag.
#include "util/http_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include "common/media_server.hpp"
#include "support/test_support.hpp"

namespace cmup {
namespace {

using namespace std::chrono_literals;

// A byte of the test pattern at `i` (not periodic at any power of two, so a dropped or
// repeated chunk shows).
char pattern(std::int64_t i) { return static_cast<char>((i * 7919 + i / 4093) % 251); }

// One connection on a loopback port, handled by `serve(fd)` on its own thread: a server with
// no HTTP library of its own, so the bytes on the wire are what the test reads.
class RawServer {
 public:
  explicit RawServer(std::function<void(int fd)> serve) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(listen_fd_, 4), 0);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, serve = std::move(serve)] {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      serve(fd);
      ::close(fd);
    });
  }
  ~RawServer() { join(); }
  // Waits for the connection's handler to end (it ends when the client closes or it has
  // answered); what it recorded may be read after this.
  void join() {
    if (!thread_.joinable()) return;
    ::shutdown(listen_fd_, SHUT_RDWR);  // a handler never started: accept() returns
    thread_.join();
    ::close(listen_fd_);
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

// Reads until `buf` holds at least `n` bytes (false when the peer closed first).
bool read_at_least(int fd, std::string& buf, std::size_t n) {
  char tmp[65536];
  while (buf.size() < n) {
    ssize_t got = ::read(fd, tmp, sizeof tmp);
    if (got <= 0) return false;
    buf.append(tmp, static_cast<std::size_t>(got));
  }
  return true;
}

bool read_head(int fd, std::string& buf) {
  char tmp[4096];
  while (buf.find("\r\n\r\n") == std::string::npos) {
    ssize_t got = ::read(fd, tmp, sizeof tmp);
    if (got <= 0) return false;
    buf.append(tmp, static_cast<std::size_t>(got));
  }
  return true;
}

std::string header_of(const std::string& head, const std::string& name) {
  std::string lower_head = head;
  for (auto& c : lower_head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto at = lower_head.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  auto start = at + 2 + name.size() + 1;
  auto end = head.find("\r\n", start);
  std::string v = head.substr(start, end - start);
  while (!v.empty() && v.front() == ' ') v.erase(0, 1);
  return v;
}

void answer(int fd, int status, const std::string& body) {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  ASSERT_EQ(::write(fd, r.data(), r.size()), static_cast<ssize_t>(r.size()));
}

// A part of a multipart/form-data body as a server reads it.
struct Part {
  std::string headers;
  std::string body;
};

// Splits a body by its boundary the way RFC 7578 frames it: "--b\r\n" before each part,
// "\r\n--b--\r\n" at the end, CRLF between a part's headers and its body.
std::vector<Part> parse_form(const std::string& body, const std::string& boundary) {
  std::vector<Part> parts;
  const std::string delim = "--" + boundary;
  EXPECT_EQ(body.rfind(delim + "\r\n", 0), 0u) << "the body must start with the first boundary";
  std::size_t pos = delim.size() + 2;
  for (;;) {
    auto next = body.find("\r\n" + delim, pos);
    if (next == std::string::npos) {
      ADD_FAILURE() << "a part without a closing boundary";
      return parts;
    }
    const std::string raw = body.substr(pos, next - pos);
    auto split = raw.find("\r\n\r\n");
    EXPECT_NE(split, std::string::npos);
    parts.push_back({raw.substr(0, split), raw.substr(split + 4)});
    pos = next + 2 + delim.size();
    if (body.compare(pos, 4, "--\r\n") == 0) {
      EXPECT_EQ(pos + 4, body.size()) << "bytes after the closing boundary";
      return parts;
    }
    EXPECT_EQ(body.compare(pos, 2, "\r\n"), 0);
    pos += 2;
  }
}

TEST(HttpClientForm, UploadFromAPipeIsStreamedAndFramedAsAServerParsesIt) {
  // Larger than every buffer between the pipe and the server (pipe, libcurl's upload buffer,
  // loopback socket buffers of a few MiB), so holding it anywhere would show.
  constexpr std::int64_t kSize = 48 << 20;
  test::TempDir dir;
  const auto thumb = dir / "thumb.jpg";
  std::ofstream(thumb, std::ios::binary) << std::string(3000, '\xff');

  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  std::atomic<std::int64_t> written{0};
  std::thread writer([&] {
    std::vector<char> chunk(65536);
    for (std::int64_t off = 0; off < kSize;) {
      std::size_t n = static_cast<std::size_t>(std::min<std::int64_t>(kSize - off, 65536));
      for (std::size_t i = 0; i < n; ++i) chunk[i] = pattern(off + static_cast<std::int64_t>(i));
      std::size_t done = 0;
      while (done < n) {
        ssize_t w = ::write(pipe_fds[1], chunk.data() + done, n - done);
        if (w <= 0) return;
        done += static_cast<std::size_t>(w);
        written += w;
      }
      off += static_cast<std::int64_t>(n);
    }
    ::close(pipe_fds[1]);
  });

  std::string head, body, boundary;
  std::int64_t written_when_served = -1;
  RawServer server([&](int fd) {
    if (!read_head(fd, head)) return;
    auto end = head.find("\r\n\r\n") + 4;
    body = head.substr(end);
    head.resize(end);
    auto ct = header_of(head, "content-type");
    auto b = ct.find("boundary=");
    if (b != std::string::npos) boundary = ct.substr(b + 9);
    const auto length = std::stoll(header_of(head, "content-length"));
    // The first 2 MiB arrived while the pipe's writer was far from done: the client sends
    // what it reads, it does not gather the file first.
    read_at_least(fd, body, 2 << 20);
    written_when_served = written.load();
    read_at_least(fd, body, static_cast<std::size_t>(length));
    answer(fd, 200, R"({"ok":true,"result":{"message_id":7}})");
  });

  ByteSource stream;
  stream.size = kSize;
  stream.read = [&](char* buf, std::size_t cap) -> std::ptrdiff_t { return ::read(pipe_fds[0], buf, cap); };
  stream.error = [] { return std::string("pipe read failed"); };
  ByteSource thumb_src;
  thumb_src.file = thumb;

  HttpRequest req;
  req.method = "POST";
  req.url = server.url("/botTOKEN/sendVideo");
  req.form.push_back(HttpFormPart::text("chat_id", "-1001234"));
  req.form.push_back(HttpFormPart::text("caption", "CM_M000001_1080P #a1b2c3"));
  req.form.push_back(HttpFormPart::bytes("thumbnail", "thumb.jpg", "image/jpeg", thumb_src));
  req.form.push_back(HttpFormPart::bytes("video", "CM_M000001_1080P.mp4", "video/mp4", stream));
  std::int64_t last_progress = 0, progress_total = 0;
  req.upload_progress = [&](const Progress& p) {
    EXPECT_EQ(p.stage, "upload");
    last_progress = p.bytes_done;
    progress_total = p.bytes_total;
  };
  HttpClient http;
  HttpResponse resp = http.perform(req);
  writer.join();
  ::close(pipe_fds[0]);
  server.join();

  ASSERT_EQ(resp.status, 200) << resp.error;
  EXPECT_EQ(resp.body, R"({"ok":true,"result":{"message_id":7}})");
  EXPECT_EQ(resp.sent_bytes, kSize + 3000);
  EXPECT_EQ(last_progress, kSize + 3000) << "the final progress report covers every file byte";
  EXPECT_EQ(progress_total, kSize + 3000);
  EXPECT_LT(written_when_served, kSize) << "the whole source was read before the server got 2 MiB";

  // The request line and headers a Bot API server relies on.
  EXPECT_EQ(head.rfind("POST /botTOKEN/sendVideo HTTP/1.1\r\n", 0), 0u) << head;
  EXPECT_EQ(header_of(head, "transfer-encoding"), "") << "a known length is sent, not chunks";
  EXPECT_EQ(header_of(head, "expect"), "") << "no 100-continue round trip";
  ASSERT_FALSE(boundary.empty()) << head;
  EXPECT_EQ(std::stoll(header_of(head, "content-length")), static_cast<long long>(body.size()));

  auto parts = parse_form(body, boundary);
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].headers, "Content-Disposition: form-data; name=\"chat_id\"");
  EXPECT_EQ(parts[0].body, "-1001234");
  EXPECT_EQ(parts[1].headers, "Content-Disposition: form-data; name=\"caption\"");
  EXPECT_EQ(parts[1].body, "CM_M000001_1080P #a1b2c3");
  EXPECT_EQ(parts[2].headers,
            "Content-Disposition: form-data; name=\"thumbnail\"; filename=\"thumb.jpg\"\r\nContent-Type: image/jpeg");
  EXPECT_EQ(parts[2].body, std::string(3000, '\xff'));
  EXPECT_EQ(parts[3].headers,
            "Content-Disposition: form-data; name=\"video\"; filename=\"CM_M000001_1080P.mp4\"\r\n"
            "Content-Type: video/mp4");
  ASSERT_EQ(static_cast<std::int64_t>(parts[3].body.size()), kSize);
  std::int64_t first_bad = -1;
  for (std::int64_t i = 0; i < kSize && first_bad < 0; ++i)
    if (parts[3].body[static_cast<std::size_t>(i)] != pattern(i)) first_bad = i;
  EXPECT_EQ(first_bad, -1) << "the video bytes differ from the source from this offset";
}

TEST(HttpClientForm, ASourceThatEndsEarlyFailsTheRequestAndSaysWhere) {
  RawServer server([&](int fd) {
    std::string buf;
    read_head(fd, buf);
    read_at_least(fd, buf, std::size_t{1} << 30);  // until the client gives up
  });
  std::int64_t given = 0;
  ByteSource short_stream;
  short_stream.size = 1 << 20;
  short_stream.read = [&](char* buf, std::size_t cap) -> std::ptrdiff_t {
    std::size_t n = std::min<std::size_t>(cap, static_cast<std::size_t>(100000 - given));
    std::fill(buf, buf + n, 'x');
    given += static_cast<std::int64_t>(n);
    return static_cast<std::ptrdiff_t>(n);
  };
  HttpRequest req;
  req.method = "POST";
  req.url = server.url("/botTOKEN/sendDocument");
  req.form.push_back(HttpFormPart::bytes("document", "part.bin", "", short_stream));
  HttpClient http;
  auto resp = http.perform(req);
  EXPECT_EQ(resp.status, 0);
  EXPECT_EQ(resp.failure, HttpFailure::SourceFailed);
  EXPECT_EQ(resp.error, "source ended after 100000 of 1048576 bytes of part.bin");
}

TEST(HttpClientForm, AProgressCallbackThatThrowsStopsTheUploadAndReachesTheCaller) {
  // A worker whose lease is lost throws from its progress callback mid-upload: the upload
  // stops there (the server never gets the whole body) and the exception reaches the caller.
  std::size_t announced = 0, received = 0;
  RawServer server([&](int fd) {
    std::string buf;
    read_head(fd, buf);
    auto end = buf.find("\r\n\r\n") + 4;
    announced = static_cast<std::size_t>(std::stoll(header_of(buf.substr(0, end), "content-length")));
    read_at_least(fd, buf, std::size_t{1} << 31);  // until the client gives up
    received = buf.size() - end;
  });
  ByteSource endless;  // 1 GiB announced, handed over as fast as libcurl takes it
  endless.size = std::int64_t{1} << 30;
  endless.read = [](char* buf, std::size_t cap) -> std::ptrdiff_t {
    std::fill(buf, buf + cap, 'v');
    return static_cast<std::ptrdiff_t>(cap);
  };
  HttpRequest req;
  req.method = "POST";
  req.url = server.url("/botTOKEN/sendVideo");
  req.form.push_back(HttpFormPart::bytes("video", "big.mp4", "video/mp4", endless));
  req.upload_progress = [](const Progress& p) {
    if (p.bytes_done > 0) throw std::runtime_error("lease lost");
  };
  std::string what;
  {
    HttpClient http;  // its end closes the connection, whatever libcurl kept
    try {
      http.perform(req);
    } catch (const std::runtime_error& e) {
      what = e.what();
    }
  }
  EXPECT_EQ(what, "lease lost");
  // The connection ended there: the server got less than the announced body.
  server.join();
  EXPECT_GT(received, 0u);
  EXPECT_LT(received, announced);
}

class HttpClientDownload : public ::testing::Test {
 protected:
  void SetUp() override {
    content_.resize(400000);
    for (std::size_t i = 0; i < content_.size(); ++i) content_[i] = pattern(static_cast<std::int64_t>(i));
    std::filesystem::create_directories(dir_ / "media");
    std::ofstream(dir_ / "media" / "movie.mp4", std::ios::binary).write(content_.data(), content_.size());
    sim::use_large_thread_pool(srv_, 8);
    sim::mount_media_routes(srv_, "/media", {dir_ / "media", 0});
    port_ = test::free_port();
    thread_ = std::thread([this] { srv_.listen("127.0.0.1", port_); });
    ASSERT_TRUE(test::wait_for_port(port_));
  }
  void TearDown() override {
    srv_.stop();
    thread_.join();
  }
  std::string url(const std::string& query) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/media/movie.mp4" + query;
  }
  HttpRequest streamed(const std::string& u, std::string& into) {
    HttpRequest r;
    r.url = u;
    r.timeout_ms = 0;
    r.on_body = [&into](const char* d, std::size_t n) {
      into.append(d, n);
      return true;
    };
    return r;
  }

  test::TempDir dir_;
  std::string content_;
  httplib::Server srv_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(HttpClientDownload, ACutConnectionResumesWithRangeToTheSameBytes) {
  const std::string u = url("?fault=reset&after=150000&times=1");
  std::string got;
  HttpClient http;
  auto first = http.perform(streamed(u, got));
  EXPECT_EQ(first.status, 0) << "a cut body is not an answer";
  EXPECT_EQ(first.failure, HttpFailure::Transport);
  EXPECT_EQ(first.answer_status, 200);
  EXPECT_FALSE(first.error.empty());
  ASSERT_LT(got.size(), content_.size());
  EXPECT_EQ(first.body_bytes, static_cast<std::int64_t>(got.size()));

  HttpRequest resume = streamed(u, got);
  resume.range_from = static_cast<std::int64_t>(got.size());
  resume.accept_body = [](long status) { return status == 206; };
  auto second = http.perform(resume);
  ASSERT_EQ(second.status, 206) << second.error;
  EXPECT_EQ(second.header("content-range"),
            "bytes " + std::to_string(resume.range_from) + "-" + std::to_string(content_.size() - 1) + "/" +
                std::to_string(content_.size()));
  EXPECT_TRUE(got == content_) << "the resumed file differs from the source";
}

TEST_F(HttpClientDownload, AWholeFileWhereARangeWasAskedIsDeclinedUnread) {
  std::string got;
  HttpRequest r = streamed(url("?fault=norange"), got);
  r.range_from = 1000;
  r.accept_body = [](long status) { return status == 206; };
  HttpClient http;
  auto resp = http.perform(r);
  EXPECT_EQ(resp.failure, HttpFailure::Declined);
  EXPECT_EQ(resp.status, 200);
  EXPECT_TRUE(got.empty()) << "the declined body reached the sink";
}

TEST_F(HttpClientDownload, ASourceThatStopsSendingEndsByTheNoDataLimit) {
  std::string got;
  HttpRequest r = streamed(url("?fault=stall&after=50000"), got);
  r.no_data_timeout_ms = 1000;
  HttpClient http;
  auto resp = http.perform(r);
  EXPECT_EQ(resp.failure, HttpFailure::Stalled) << resp.error;
  EXPECT_EQ(resp.status, 0);
  EXPECT_EQ(resp.error, "no data for 1 s (stalled)");
  EXPECT_EQ(got, content_.substr(0, got.size()));
}

TEST_F(HttpClientDownload, ACancelledDownloadStopsWhileStalled) {
  std::atomic<bool> cancel{false};
  std::atomic<std::int64_t> received{0};
  HttpRequest r;
  r.url = url("?fault=stall&after=50000");
  r.timeout_ms = 0;
  r.cancel_also = &cancel;  // the second reason works like the first
  r.on_body = [&](const char*, std::size_t n) {
    received += static_cast<std::int64_t>(n);
    return true;
  };
  auto result = std::async(std::launch::async, [&] {
    HttpClient http;
    return http.perform(r);
  });
  ASSERT_TRUE(test::wait_until([&] { return received.load() >= 50000; }, 20s));
  cancel = true;
  ASSERT_EQ(result.wait_for(20s), std::future_status::ready) << "the cancelled download kept waiting";
  auto resp = result.get();
  EXPECT_TRUE(resp.cancelled);
  EXPECT_EQ(resp.failure, HttpFailure::Cancelled);
  EXPECT_EQ(resp.status, 0);
}

}  // namespace
}  // namespace cmup
