// The server's request parsing on raw bytes (the fuzz target's function): limits hold for
// Content-Length and chunked bodies alike, the URL and header limits give their statuses,
// and the Range parser never yields more than one range.
#include "util/http_parse.hpp"

#include <gtest/gtest.h>

#include "util/http_range.hpp"
#include "util/http_router.hpp"

namespace cmup {
namespace {

HttpLimits small() {
  HttpLimits l;
  l.max_header_bytes = 1024;
  l.max_url_bytes = 64;
  l.max_body_bytes = 100;
  return l;
}

TEST(HttpParse, ACompleteRequestIsSplitIntoPathParamsHeadersAndBody) {
  auto r = parse_http_request(
      "POST /api/v1/t%C3%A9st?q=lord+of&q=two&x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
      small());
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.request.method, "POST");
  EXPECT_EQ(r.request.path, "/api/v1/t\xC3\xA9st");
  EXPECT_EQ(r.request.params.count("q"), 2u);
  EXPECT_EQ(r.request.params.find("q")->second, "lord of");
  EXPECT_EQ(r.request.params.count("x"), 1u);
  EXPECT_EQ(r.request.header("host"), "a");
  EXPECT_EQ(r.request.body, "hello");
}

TEST(HttpParse, ChunkedBodiesAreHeldToTheLimitAsTheyArrive) {
  std::string ok = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n" +
                   std::string(50, 'a') + "\r\n32\r\n" + std::string(50, 'b') + "\r\n0\r\n\r\n";
  auto r = parse_http_request(ok, small());
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.request.body.size(), 100u);
  // One byte over the limit in the third chunk: refused, whatever follows.
  std::string over = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n" +
                     std::string(50, 'a') + "\r\n32\r\n" + std::string(50, 'b') + "\r\n1\r\nc\r\n";
  EXPECT_EQ(parse_http_request(over, small()).status, 413);
  // A declared chunk size beyond the limit is refused before its bytes arrive.
  EXPECT_EQ(
      parse_http_request("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n", small()).status,
      413);
  EXPECT_EQ(parse_http_request("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", small()).status, 413);
}

TEST(HttpParse, LimitsAndMalformedRequestsGetTheirStatus) {
  EXPECT_EQ(parse_http_request("GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n", small()).status, 414);
  EXPECT_EQ(parse_http_request("GET / HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n", small()).status,
            431);
  EXPECT_EQ(parse_http_request("GARBAGE\r\n\r\n", small()).status, 400);
  EXPECT_EQ(
      parse_http_request("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", small()).status,
      400);
  EXPECT_EQ(parse_http_request("GET / HTTP/1.1\r\nHost: a\r\n", small()).status, -1);  // waits for more
}

TEST(HttpParse, APostWithoutLengthHasAnEmptyBodyAtOnce) {
  auto r = parse_http_request("POST /api/v1/deliver HTTP/1.1\r\nHost: a\r\n\r\n", small());
  ASSERT_EQ(r.status, 0);
  EXPECT_TRUE(r.request.body.empty());
}

TEST(HttpParse, ATrustedProxysForwardedForBecomesTheClient) {
  auto proxies = TrustedProxies::parse({"127.0.0.1"});
  auto r = parse_http_request(
      "GET / HTTP/1.1\r\nX-Forwarded-For: 6.6.6.6\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n", small(),
      "127.0.0.1", proxies);
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.request.client, "198.51.100.7");
  EXPECT_EQ(r.request.peer, "127.0.0.1");
}

TEST(HttpRange, OneRangeAtMostAndNeverPastTheEnd) {
  using K = ByteRange::Kind;
  auto r = parse_range("bytes=0-9", 100);
  EXPECT_EQ(r.kind, K::Single);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 9u);
  r = parse_range("bytes=90-200", 100);
  EXPECT_EQ(r.last, 99u);
  r = parse_range("bytes=-10", 100);
  EXPECT_EQ(r.first, 90u);
  r = parse_range("bytes=50-", 100);
  EXPECT_EQ(r.first, 50u);
  EXPECT_EQ(r.last, 99u);
  // Several ranges: only the first satisfiable one.
  r = parse_range("bytes=200-300, 5-6, 0-", 100);
  EXPECT_EQ(r.kind, K::Single);
  EXPECT_EQ(r.first, 5u);
  EXPECT_EQ(r.last, 6u);
  EXPECT_EQ(parse_range("bytes=100-", 100).kind, K::Unsatisfiable);
  std::string many = "bytes=0-";
  for (int i = 0; i < 1500; ++i) many += ",0-";
  EXPECT_EQ(parse_range(many, 100).kind, K::Unsatisfiable);
  EXPECT_EQ(parse_range("items=0-5", 100).kind, K::Full);
  EXPECT_EQ(parse_range("bytes=5-1", 100).kind, K::Full);
  EXPECT_EQ(parse_range("bytes=abc", 100).kind, K::Full);
}

TEST(HttpRouter, UnknownPathIs404KnownPathWithAnotherMethodListsAllow) {
  Router r;
  r.get("/a", [](const ServerRequest&, ServerResponse&) {});
  r.post("/a", [](const ServerRequest&, ServerResponse&) {});
  r.get(R"(/t/(\d+))", [](const ServerRequest&, ServerResponse&) {});
  EXPECT_TRUE(r.match("GET", "/a").route);
  EXPECT_TRUE(r.match("HEAD", "/a").route);
  auto m = r.match("PUT", "/a");
  EXPECT_FALSE(m.route);
  EXPECT_EQ(m.allow, "GET, HEAD, POST");
  auto t = r.match("GET", "/t/42");
  ASSERT_TRUE(t.route);
  EXPECT_EQ(t.groups.at(1), "42");
  auto none = r.match("GET", "/nope");
  EXPECT_FALSE(none.route);
  EXPECT_TRUE(none.allow.empty());
}

// Exact paths are found in a hash table before the regex routes; what matches is unchanged:
// the first route added wins, a regex that also matches an exact path counts for it (for the
// route and for Allow) whichever was added first, and regex routes keep their groups.
TEST(HttpRouter, TheExactPathTableKeepsTheOrderRegexRoutesAndAllow) {
  Router r;
  std::string hit;
  auto named = [&hit](std::string name) {
    return [&hit, name](const ServerRequest&, ServerResponse&) { hit = name; };
  };
  r.get(R"(/api/v1/([a-z]+))", named("regex get"));  // added before the exact path it matches
  r.get("/api/v1/titles", named("exact get"));
  r.post("/api/v1/titles", named("exact post"));
  r.add("PUT", R"(/api/v1/t.*)", named("regex put"));  // added after, matches it too
  auto call = [&](std::string_view method, const std::string& path) {
    auto m = r.match(method, path);
    hit.clear();
    if (m.route) {
      ServerResponse res;
      m.route->handler(ServerRequest{}, res);
    }
    return std::make_pair(hit, m);
  };
  EXPECT_EQ(call("GET", "/api/v1/titles").first, "regex get");  // the first added wins
  EXPECT_EQ(call("GET", "/api/v1/titles").second.groups.at(1), "titles");
  EXPECT_EQ(call("POST", "/api/v1/titles").first, "exact post");
  EXPECT_EQ(call("PUT", "/api/v1/titles").first, "regex put");
  auto wrong = r.match("DELETE", "/api/v1/titles");
  EXPECT_FALSE(wrong.route);
  EXPECT_EQ(wrong.allow, "GET, HEAD, POST, PUT");
  auto other = call("GET", "/api/v1/health");  // not an exact path: the regex routes, in order
  EXPECT_EQ(other.first, "regex get");
  EXPECT_EQ(other.second.groups.at(1), "health");
  auto del = r.match("DELETE", "/api/v1/t-x");  // the PUT regex only
  EXPECT_FALSE(del.route);
  EXPECT_EQ(del.allow, "PUT");
  EXPECT_FALSE(r.match("GET", "/api/v2/titles").route);
  EXPECT_TRUE(r.match("GET", "/api/v2/titles").allow.empty());
}

// Headers serialized once for every cached answer: each header the handler set, in order;
// never a framing header of its own (the server writes Content-Length per body) nor a header
// that would split the response.
TEST(HttpPreparedHeaders, CarryEveryHeaderButNoFramingOrInjectedLines) {
  ServerResponse res;
  res.status = 200;
  res.set_header("Content-Type", "application/json");
  res.set_header("Content-Security-Policy", "default-src 'none'");
  res.set_header("Content-Length", "999");
  res.set_header("Connection", "close");
  res.set_header("X-Evil", "a\r\nSet-Cookie: x=1");
  auto p = prepare_headers(res);
  EXPECT_EQ(p->status, 200);
  EXPECT_EQ(p->lines, "Content-Type: application/json\r\nContent-Security-Policy: default-src 'none'\r\n");
  EXPECT_TRUE(p->has_header("content-type"));
  EXPECT_TRUE(p->has_header("Content-Security-Policy"));
  EXPECT_FALSE(p->has_header("Content"));
  EXPECT_FALSE(p->has_header("X-Content-Type-Options"));
}

}  // namespace
}  // namespace cmup
