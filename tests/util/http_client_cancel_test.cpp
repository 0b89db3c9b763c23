// A request waiting on a server that never answers (a long poll, a hung proxy) can be
// abandoned from another thread: shutdown must not wait for the request's own timeout.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>

#include "util/http_client.hpp"

namespace cmup {
namespace {

// A loopback port that accepts connections (into the backlog) and never answers.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/getUpdates"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(HttpClientCancel, CancelFlagEndsAHangingRequestLongBeforeItsTimeout) {
  SilentServer server;
  std::atomic<bool> cancel{false};
  std::atomic<bool> started{false};
  auto result = std::async(std::launch::async, [&] {
    HttpClient http;
    HttpRequest req;
    req.method = "POST";
    req.url = server.url();
    req.body = "{}";
    req.timeout_ms = 60000;  // the test's bound: a cancelled request must come back long before
    req.cancel = &cancel;
    started = true;
    return http.perform(req);
  });
  while (!started) std::this_thread::yield();
  // The request is connected and waiting for an answer that never comes; nothing else ends it.
  EXPECT_EQ(result.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  cancel = true;
  ASSERT_EQ(result.wait_for(std::chrono::seconds(20)), std::future_status::ready)
      << "the cancelled request kept waiting";
  auto resp = result.get();
  EXPECT_EQ(resp.status, 0);
  EXPECT_TRUE(resp.cancelled);
  EXPECT_FALSE(resp.timed_out);
  EXPECT_EQ(resp.error, "cancelled");
}

TEST(HttpClientCancel, AlreadyCancelledRequestIsNotSent) {
  SilentServer server;
  std::atomic<bool> cancel{true};
  HttpClient http;
  HttpRequest req;
  req.url = server.url();
  req.cancel = &cancel;
  auto resp = http.perform(req);
  EXPECT_TRUE(resp.cancelled);
  EXPECT_EQ(resp.status, 0);
}

TEST(HttpClientCancel, UnsetFlagLeavesTheRequestAlone) {
  SilentServer server;
  std::atomic<bool> cancel{false};
  HttpClient http;
  HttpRequest req;
  req.url = server.url();
  req.timeout_ms = 300;
  req.cancel = &cancel;
  auto resp = http.perform(req);
  EXPECT_TRUE(resp.timed_out);
  EXPECT_FALSE(resp.cancelled);
}

}  // namespace
}  // namespace cmup
