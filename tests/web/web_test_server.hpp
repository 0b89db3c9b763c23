// An in-process WebServer on a free loopback port over a fixture database, with a fake
// Delivery that records what it was asked to send, and an HTTP client to call it.
#pragma once

#include <httplib.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "support/test_support.hpp"
#include "web/catalog_fixture.hpp"
#include "web/init_data.hpp"
#include "web/server.hpp"

namespace cmup::test {

inline constexpr const char* kBotToken = "123456:TEST-web-bot-token";
inline constexpr const char* kAdminToken = "admin-secret-for-tests";

class FakeDelivery : public Delivery {
 public:
  DeliveryResult deliver(const DeliveryRequest& req) override {
    std::lock_guard lock(mu);
    requests.push_back(req);
    DeliveryResult r;
    r.outcome = next_outcome;
    r.parts_sent = r.outcome == DeliveryResult::Outcome::Sent ? 1 : 0;
    r.message = next_message;
    return r;
  }
  std::vector<DeliveryRequest> received() {
    std::lock_guard lock(mu);
    return requests;
  }
  std::mutex mu;
  std::vector<DeliveryRequest> requests;
  DeliveryResult::Outcome next_outcome = DeliveryResult::Outcome::Sent;
  std::string next_message;
};

inline web::WebOptions test_options() {
  web::WebOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.bot_token = kBotToken;
  o.admin_token = kAdminToken;
  o.bot_username = "cmup_test_bot";
  o.threads = 4;
  o.deliver_per_user_per_minute = 100;
  o.deliver_per_ip_per_minute = 100;
  return o;
}

// Signed initData for `user_id`, `age_s` seconds old.
inline std::string init_data_for(std::int64_t user_id, std::int64_t age_s = 5, const std::string& token = kBotToken) {
  std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  return web::sign_init_data({{"query_id", "AAQ" + std::to_string(user_id)},
                              {"user", R"({"id":)" + std::to_string(user_id) + R"(,"first_name":"Test"})"},
                              {"auth_date", std::to_string(now - age_s)}},
                             token);
}

class WebServerFixture {
 public:
  explicit WebServerFixture(web::WebOptions opts = test_options(), bool with_delivery = true)
      : db(db::open(dir / "cmup.db")), catalog(*db) {
    options = opts;
    with_delivery_ = with_delivery;
  }
  // Starts serving (after the test has filled the catalog).
  void start() {
    server = std::make_unique<web::WebServer>(options, dir / "cmup.db", with_delivery_ ? &delivery : nullptr);
    port = server->start();
    client = std::make_unique<httplib::Client>("127.0.0.1", port);
    client->set_read_timeout(10, 0);
  }
  httplib::Result get(const std::string& path, const httplib::Headers& h = {}) { return client->Get(path.c_str(), h); }
  httplib::Result deliver(const std::string& body, const std::string& init_data) {
    httplib::Headers h;
    if (!init_data.empty()) h.emplace("X-Telegram-Init-Data", init_data);
    return client->Post("/api/v1/deliver", h, body, "application/json");
  }
  static nlohmann::json json_of(const httplib::Result& r) { return nlohmann::json::parse(r->body); }

  TempDir dir;
  std::unique_ptr<SQLite::Database> db;
  CatalogFixture catalog;
  FakeDelivery delivery;
  web::WebOptions options;
  std::unique_ptr<web::WebServer> server;
  std::unique_ptr<httplib::Client> client;
  int port = 0;

 private:
  bool with_delivery_ = true;
};

}  // namespace cmup::test
