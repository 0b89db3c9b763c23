// The web tier against a real `cmup serve` on loopback, as an attacker and an operator see
// it: slow senders do not hold other clients up, bodies are refused at the limit without
// memory growth (chunked too), range requests never amplify, wrong methods get 405, a body
// method without a length never hangs, rate limits see the client behind a trusted proxy and
// only behind it, and one address cannot take every connection.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "web/raw_http.hpp"
#include "web/serve_process.hpp"

namespace cmup {
namespace {

using namespace std::chrono_literals;
using test::RawConnection;
using Env = std::map<std::string, std::string>;

std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

TEST(HttpServerE2E, SlowSendersDoNotDelayOtherClientsAndAreCutAtTheHeaderDeadline) {
  test::ServeProcess serve(Env{{"CMUP_WEB_HEADER_TIMEOUT_MS", "4000"}});
  std::vector<std::unique_ptr<RawConnection>> silent, trickling;
  for (int i = 0; i < 20; ++i) silent.push_back(std::make_unique<RawConnection>(serve.port));
  for (int i = 0; i < 20; ++i) {
    trickling.push_back(std::make_unique<RawConnection>(serve.port));
    ASSERT_TRUE(trickling.back()->send("GET /api/v1/health HTTP/1.1\r\n"));
  }
  std::atomic<bool> done{false};
  std::thread trickler([&] {
    // One header line a second on every slow connection, as slowloris does.
    for (int line = 0; line < 8 && !done; ++line) {
      for (auto& c : trickling) c->send("X-Slow-" + std::to_string(line) + ": a\r\n");
      for (int i = 0; i < 10 && !done; ++i)
        std::this_thread::sleep_for(100ms);  // pacing the attacker, not a sync
    }
  });
  // Meanwhile every fresh client is answered; the bound is generous (the slow ones are held
  // for seconds, one request takes milliseconds).
  for (int i = 0; i < 20; ++i) {
    RawConnection c(serve.port);
    ASSERT_TRUE(c.send(get(i % 2 ? "/api/v1/health" : "/static/app.css")));
    auto r = c.read_response(2s);
    ASSERT_TRUE(r) << "request " << i << " was not answered within 2 s while slow connections were held";
    EXPECT_EQ(r->status, 200);
  }
  // The slow ones were still held (neither answered nor dropped) while we were served...
  EXPECT_FALSE(trickling.front()->readable(0ms));
  // ...and are cut at the header deadline, however they trickle.
  for (auto& c : trickling) EXPECT_TRUE(c->closed_within(15s));
  for (auto& c : silent) EXPECT_TRUE(c->closed_within(15s));
  done = true;
  trickler.join();
}

TEST(HttpServerE2E, AChunkedBodyOverTheLimitGets413AndMemoryStaysFlat) {
  test::ServeProcess serve(Env{{"CMUP_WEB_MAX_BODY_BYTES", "16384"}});
  long before = test::rss_kib(serve.pid());
  ASSERT_GT(before, 0);
  RawConnection c(serve.port);
  ASSERT_TRUE(
      c.send("POST /api/v1/deliver HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\n\r\n"));
  // Up to 300 MiB in 4 KiB chunks (each under the limit: only their sum crosses it); stop once
  // the server has answered or closed.
  const std::string chunk_data(4 * 1024, 'x');
  char size_hex[16];
  std::snprintf(size_hex, sizeof size_hex, "%zx", chunk_data.size());
  const std::string chunk = std::string(size_hex) + "\r\n" + chunk_data + "\r\n";
  std::size_t sent = 0;
  const std::size_t total = 300u << 20;
  while (sent < total && !c.readable(0ms)) {
    if (!c.send(chunk)) break;
    sent += chunk_data.size();
  }
  auto r = c.read_response(10s);
  ASSERT_TRUE(r) << "no answer after " << sent << " bytes";
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("payload_too_large"), std::string::npos) << r->body;
  EXPECT_LT(sent, total / 10) << "the server kept reading a body far over its limit";
  long after = test::rss_kib(serve.pid());
  EXPECT_LT(after - before, 16 * 1024) << "RSS grew from " << before << " KiB to " << after << " KiB";
  // A declared length over the limit is refused before any body byte is sent.
  RawConnection d(serve.port);
  ASSERT_TRUE(
      d.send("POST /api/v1/deliver HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 314572800\r\n\r\n"));
  auto r2 = d.read_response(5s);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 413);
}

TEST(HttpServerE2E, RangeRequestsGetOneRangeOr416AndNeverMoreThanTheFile) {
  test::ServeProcess serve;
  RawConnection c(serve.port);
  ASSERT_TRUE(c.send(get("/static/app.js")));
  auto full = c.read_response(5s);
  ASSERT_TRUE(full);
  ASSERT_EQ(full->status, 200);
  EXPECT_EQ(full->header("Accept-Ranges"), "bytes");
  std::size_t size = full->body.size();

  ASSERT_TRUE(c.send(get("/static/app.js", "Range: bytes=10-19\r\n")));
  auto one = c.read_response(5s);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 206);
  EXPECT_EQ(one->body, full->body.substr(10, 10));
  EXPECT_EQ(one->header("Content-Range"), "bytes 10-19/" + std::to_string(size));

  ASSERT_TRUE(c.send(get("/static/app.js", "Range: bytes=0-4, 100-199\r\n")));
  auto two = c.read_response(5s);
  ASSERT_TRUE(two);
  EXPECT_EQ(two->status, 206);
  EXPECT_EQ(two->body, full->body.substr(0, 5));  // one range, single part

  std::string many = "Range: bytes=0-";
  for (int i = 0; i < 1500; ++i) many += ",0-";
  ASSERT_TRUE(c.send(get("/static/app.js", many + "\r\n")));
  auto amp = c.read_response(5s);
  ASSERT_TRUE(amp);
  EXPECT_EQ(amp->status, 416);
  EXPECT_LE(amp->body.size(), size);
  EXPECT_EQ(amp->header("Content-Range"), "bytes */" + std::to_string(size));

  // The validator still works.
  ASSERT_TRUE(c.send(get("/static/app.js", "If-None-Match: " + full->header("ETag") + "\r\n")));
  auto cached = c.read_response(5s, true);
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->status, 304);
}

TEST(HttpServerE2E, WrongMethodsGet405WithAllowAndBodyMethodsWithoutLengthNeverHang) {
  test::ServeProcess serve;
  RawConnection c(serve.port);
  ASSERT_TRUE(c.send("PUT /api/v1/deliver HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  auto put = c.read_response(5s);
  ASSERT_TRUE(put) << "PUT without Content-Length was not answered";
  EXPECT_EQ(put->status, 405);
  EXPECT_EQ(put->header("Allow"), "POST");
  EXPECT_NE(put->body.find("method_not_allowed"), std::string::npos);

  ASSERT_TRUE(c.send("DELETE /api/v1/titles HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  auto del = c.read_response(5s);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);
  EXPECT_EQ(del->header("Allow"), "GET, HEAD");

  // POST without Content-Length and without a chunked body: an empty body, answered at once
  // (503 here: no bot is configured).
  ASSERT_TRUE(c.send("POST /api/v1/deliver HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  auto post = c.read_response(5s);
  ASSERT_TRUE(post) << "POST without Content-Length was not answered";
  EXPECT_EQ(post->status, 503);

  ASSERT_TRUE(c.send(get("/no/such/page")));
  auto missing = c.read_response(5s);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("\"not_found\""), std::string::npos);
  EXPECT_FALSE(missing->header("Content-Security-Policy").empty());

  // HTTP/1.0 and Connection: close end the connection after the answer.
  ASSERT_TRUE(c.send("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  auto last = c.read_response(5s);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->status, 200);
  EXPECT_TRUE(c.closed_within(5s));
  RawConnection old(serve.port);
  ASSERT_TRUE(old.send("GET /api/v1/health HTTP/1.0\r\n\r\n"));
  auto r10 = old.read_response(5s);
  ASSERT_TRUE(r10);
  EXPECT_EQ(r10->head.substr(0, 8), "HTTP/1.0");
  EXPECT_TRUE(old.closed_within(5s));
}

TEST(HttpServerE2E, RateLimitsKeyOnTheClientBehindATrustedProxyAndIgnoreUntrustedHeaders) {
  // 127.0.0.1 is the proxy; 127.0.0.2 is a client connecting directly.
  test::ServeProcess serve(
      Env{{"CMUP_WEB_TRUSTED_PROXIES", "127.0.0.1/32"}, {"CMUP_WEB_DELIVER_PER_IP_PER_MINUTE", "3"}});
  auto deliver = [&](const char* source, const std::string& xff) {
    RawConnection c(serve.port, source);
    std::string extra = xff.empty() ? "" : "X-Forwarded-For: " + xff + "\r\n";
    c.send("POST /api/v1/deliver HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "Content-Length: 2\r\n\r\n{}");
    auto r = c.read_response(5s);
    return r ? r->status : 0;
  };
  // Through the proxy: each client has its own bucket (503: no bot here, but not limited).
  for (int i = 0; i < 3; ++i) EXPECT_EQ(deliver("127.0.0.1", "198.51.100.1"), 503);
  EXPECT_EQ(deliver("127.0.0.1", "198.51.100.1"), 429);
  EXPECT_EQ(deliver("127.0.0.1", "198.51.100.2"), 503) << "another client behind the proxy was limited too";
  // A forged left-most entry does not escape the limit: the proxy appended the real address.
  EXPECT_EQ(deliver("127.0.0.1", "203.0.113.50, 198.51.100.1"), 429);
  // An untrusted peer's header is ignored: changing it does not give a new bucket.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(deliver("127.0.0.2", "198.51.100." + std::to_string(10 + i)), 503);
  EXPECT_EQ(deliver("127.0.0.2", "198.51.100.99"), 429);
}

TEST(HttpServerE2E, OneAddressCannotTakeMoreThanItsShareOfConnections) {
  test::ServeProcess serve(Env{{"CMUP_WEB_MAX_CONNECTIONS_PER_IP", "8"}});
  std::vector<std::unique_ptr<RawConnection>> mine;
  for (int i = 0; i < 8; ++i) {
    mine.push_back(std::make_unique<RawConnection>(serve.port, "127.0.0.3"));
    ASSERT_TRUE(mine.back()->send(get("/api/v1/health")));
    auto r = mine.back()->read_response(5s);  // answered: it is counted, and kept alive
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  RawConnection extra(serve.port, "127.0.0.3");
  auto refused = extra.read_response(5s);
  ASSERT_TRUE(refused) << "the connection over the cap was neither refused nor closed";
  EXPECT_EQ(refused->status, 503);
  EXPECT_NE(refused->body.find("too_many_connections"), std::string::npos);
  EXPECT_TRUE(extra.closed_within(5s));
  // Other addresses are not affected, and the held connections still work.
  RawConnection other(serve.port, "127.0.0.4");
  ASSERT_TRUE(other.send(get("/api/v1/health")));
  auto ok = other.read_response(5s);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  ASSERT_TRUE(mine.front()->send(get("/api/v1/health")));
  auto again = mine.front()->read_response(5s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  // A freed slot can be used again.
  mine.pop_back();
  EXPECT_TRUE(test::wait_until(
      [&] {
        RawConnection c(serve.port, "127.0.0.3");
        if (!c.send(get("/api/v1/health"))) return false;
        auto r = c.read_response(2s);
        return r && r->status == 200;
      },
      10s));
}

}  // namespace
}  // namespace cmup
