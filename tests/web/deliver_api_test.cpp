// POST /api/v1/deliver: initData decides who receives; nothing is sent unless it is valid.
#include <gtest/gtest.h>

#include "web/web_test_server.hpp"

namespace cmup::test {
namespace {

using nlohmann::json;

class DeliverApi : public ::testing::Test {
 protected:
  void SetUp() override { fill(w); }
  static void fill(WebServerFixture& f) {
    auto m = f.catalog.movie("Heat", 1995);
    f.catalog.variant(m, 0, "1080P");
    f.catalog.variant(m, 0, "720P", "pending");
  }
  std::string body(std::int64_t id) { return json{{"variant_id", id}}.dump(); }
  void expect_error(const httplib::Result& r, int status, const std::string& code) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(json::parse(r->body)["error"]["code"], code) << r->body;
  }
  WebServerFixture w;
  const std::int64_t done = 1, pending = 2;
};

TEST_F(DeliverApi, ValidInitDataDeliversToThatUser) {
  w.start();
  auto r = w.deliver(body(done), init_data_for(4242));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  EXPECT_EQ(j["status"], "sent");
  EXPECT_EQ(j["variant_id"], done);
  auto got = w.delivery.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].user_id, 4242);
  EXPECT_EQ(got[0].chat_id, 4242);
  EXPECT_EQ(got[0].variant_id, done);
  EXPECT_EQ(got[0].via, "mini_app");
}

TEST_F(DeliverApi, MissingForgedOrExpiredInitDataSendsNothing) {
  w.start();
  expect_error(w.deliver(body(done), ""), 401, "invalid_init_data");
  std::string forged = init_data_for(4242);
  forged.replace(forged.find("4242"), 4, "4243");
  expect_error(w.deliver(body(done), forged), 401, "invalid_init_data");
  expect_error(w.deliver(body(done), init_data_for(4242, 5, "654321:OTHER-BOT")), 401, "invalid_init_data");
  expect_error(w.deliver(body(done), init_data_for(4242, 86400 + 60)), 401, "invalid_init_data");
  expect_error(w.deliver(body(done), "user=%7B%7D&hash=zz"), 401, "invalid_init_data");
  EXPECT_TRUE(w.delivery.received().empty());
}

TEST_F(DeliverApi, BodyMustNameOneVariant) {
  w.start();
  auto id = init_data_for(7);
  for (std::string b : {"", "not json", "[]", "{}", R"({"variant_id":"1"})", R"({"variant_id":-1})",
                        R"({"variant_id":0})", R"({"variant_id":1.5})", R"({"variant_id":1,"extra":2})",
                        R"({"variant_id":99999999999999999999})"})
    expect_error(w.deliver(b, id), 400, "invalid_body");
  expect_error(w.deliver(body(999), id), 404, "not_found");
  expect_error(w.deliver(body(pending), id), 409, "not_available");
  EXPECT_TRUE(w.delivery.received().empty());
}

TEST_F(DeliverApi, OversizedBodyIsRefused) {
  w.start();
  auto r = w.deliver(std::string(20000, ' ') + body(done), init_data_for(7));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(w.delivery.received().empty());
}

TEST_F(DeliverApi, DeliveryOutcomesMapToStatuses) {
  w.start();
  w.delivery.next_outcome = DeliveryResult::Outcome::Failed;
  w.delivery.next_message = "Telegram is unreachable";
  auto r = w.deliver(body(done), init_data_for(8));
  expect_error(r, 502, "delivery_failed");
  EXPECT_EQ(json::parse(r->body)["error"]["message"], "Telegram is unreachable");
  w.delivery.next_outcome = DeliveryResult::Outcome::RateLimited;
  expect_error(w.deliver(body(done), init_data_for(8)), 429, "rate_limited");
  w.delivery.next_outcome = DeliveryResult::Outcome::NotAvailable;
  expect_error(w.deliver(body(done), init_data_for(8)), 409, "not_available");
  w.delivery.next_outcome = DeliveryResult::Outcome::FallbackCopy;
  auto ok = w.deliver(body(done), init_data_for(8));
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(json::parse(ok->body)["status"], "fallback_copy");
}

TEST(DeliverLimits, PerUserLimitLeavesOtherUsersAlone) {
  auto o = test_options();
  o.deliver_per_user_per_minute = 2;
  WebServerFixture w(o);
  w.catalog.variant(w.catalog.movie("Heat", 1995), 0, "1080P");
  w.start();
  std::string b = R"({"variant_id":1})";
  EXPECT_EQ(w.deliver(b, init_data_for(1))->status, 200);
  EXPECT_EQ(w.deliver(b, init_data_for(1))->status, 200);
  auto limited = w.deliver(b, init_data_for(1));
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(json::parse(limited->body)["error"]["code"], "rate_limited");
  EXPECT_FALSE(limited->get_header_value("Retry-After").empty());
  EXPECT_EQ(w.deliver(b, init_data_for(2))->status, 200);
  EXPECT_EQ(w.delivery.received().size(), 3u);
}

TEST(DeliverLimits, PerAddressLimitCountsForgedAttemptsToo) {
  auto o = test_options();
  o.deliver_per_ip_per_minute = 3;
  WebServerFixture w(o);
  w.catalog.variant(w.catalog.movie("Heat", 1995), 0, "1080P");
  w.start();
  std::string b = R"({"variant_id":1})";
  EXPECT_EQ(w.deliver(b, "hash=00")->status, 401);
  EXPECT_EQ(w.deliver(b, "hash=00")->status, 401);
  EXPECT_EQ(w.deliver(b, init_data_for(1))->status, 200);
  EXPECT_EQ(w.deliver(b, init_data_for(2))->status, 429);
  EXPECT_EQ(w.delivery.received().size(), 1u);
}

TEST(DeliverLimits, WithoutDeliveryTheApiSays503AndSendsNothing) {
  WebServerFixture w(test_options(), /*with_delivery=*/false);
  w.catalog.variant(w.catalog.movie("Heat", 1995), 0, "1080P");
  w.start();
  auto r = w.deliver(R"({"variant_id":1})", init_data_for(1));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "delivery_unavailable");
}

TEST(DeliverLimits, WithoutBotTokenNothingCanBeValidated) {
  auto o = test_options();
  o.bot_token.clear();
  WebServerFixture w(o);
  w.catalog.variant(w.catalog.movie("Heat", 1995), 0, "1080P");
  w.start();
  EXPECT_EQ(w.deliver(R"({"variant_id":1})", init_data_for(1))->status, 503);
  EXPECT_TRUE(w.delivery.received().empty());
}

}  // namespace
}  // namespace cmup::test
