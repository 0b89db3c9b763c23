// Starts build/cmup-sim-telegram on a free port with a small world, and talks to it over
// HTTP (Bot API calls, multipart uploads, control API). Header-only: the test glob only
// compiles *_test.cpp files.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "support/test_support.hpp"

namespace cmup::simtg::test {

using nlohmann::json;
using namespace std::chrono_literals;

inline constexpr std::int64_t kStore = -1001000000001;   // store_bot admin, deliver_bot admin without post right
inline constexpr std::int64_t kIndex = -1001000000002;   // deliver_bot admin only
inline constexpr std::int64_t kAnn = 7001;
inline constexpr std::int64_t kBob = 7002;
inline const std::string kStoreToken = "111:AAstoreTOKEN";
inline const std::string kDeliverToken = "222:BBdeliverTOKEN";
inline const std::string kLocalToken = "333:CClocalTOKEN";

inline json default_world() {
  return {{"bots",
           {{{"id", 111}, {"username", "store_bot"}, {"token", kStoreToken}},
            {{"id", 222}, {"username", "deliver_bot"}, {"token", kDeliverToken}},
            {{"id", 333}, {"username", "local_bot"}, {"token", kLocalToken}, {"local_mode", true},
             {"max_upload_bytes", 300000}}}},
          {"channels",
           {{{"id", kStore}, {"title", "Storage 1"}, {"owner", kAnn},
             {"admins", {"store_bot", "local_bot", {{"bot", "deliver_bot"}, {"can_post_messages", false}}}}},
            {{"id", kIndex}, {"title", "Index"}, {"admins", {"deliver_bot"}}}}},
          {"users", {{{"id", kAnn}, {"first_name", "Ann"}, {"username", "ann"}}, {{"id", kBob}, {"first_name", "Bob"}}}}};
}

struct Reply {
  int status = 0;  // 0: no HTTP answer (connection dropped)
  json body;
};

class Sim {
 public:
  explicit Sim(const cmup::test::TempDir& dir, std::vector<std::string> extra = {}, json world = default_world())
      : dir_(dir), extra_(std::move(extra)) {
    std::ofstream(dir / "sim.json") << world.dump(2);
    start();
  }

  void start() {
    port_ = cmup::test::free_port();
    std::vector<std::string> argv = {cmup::test::sim_telegram_binary(), "--listen", "127.0.0.1:" + std::to_string(port_),
                                     "--config", (dir_ / "sim.json").string(), "--data-dir", data_dir().string(),
                                     "--control", "--max-upload-bytes", "200000"};
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    proc_ = std::make_unique<cmup::test::Process>(argv, std::map<std::string, std::string>{},
                                                   dir_ / ("sim-" + std::to_string(port_) + ".log"));
    const bool ready = cmup::test::wait_until([&] { return proc_->log().find("listening on http://") != std::string::npos; }, 20s);
    if (!ready) ADD_FAILURE() << "simulator did not start: " << proc_->log();
  }
  void stop() {
    proc_->signal(SIGTERM);
    proc_->wait(10s);
    proc_.reset();
  }

  std::filesystem::path data_dir() const { return dir_ / "simdata"; }
  std::string log() const { return proc_ ? proc_->log() : ""; }
  httplib::Client client(int read_timeout_s = 30) const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(read_timeout_s, 0);
    return c;
  }

  static Reply reply_of(const httplib::Result& r) {
    if (!r) return {};
    return {r->status, json::parse(r->body, nullptr, false)};
  }

  Reply call(const std::string& token, const std::string& method, const json& params = json::object(),
             int read_timeout_s = 30) {
    auto c = client(read_timeout_s);
    return reply_of(c.Post("/bot" + token + "/" + method, params.dump(), "application/json"));
  }
  // multipart/form-data: text fields plus in-memory file parts {field, filename, bytes}.
  Reply upload(const std::string& token, const std::string& method, const std::map<std::string, std::string>& fields,
               const std::vector<std::array<std::string, 3>>& files) {
    httplib::MultipartFormDataItems items;
    for (const auto& [k, v] : fields) items.push_back({k, v, "", ""});
    for (const auto& f : files) items.push_back({f[0], f[2], f[1], "application/octet-stream"});
    auto c = client();
    return reply_of(c.Post("/bot" + token + "/" + method, items));
  }
  Reply control_post(const std::string& path, const json& body) {
    auto c = client();
    return reply_of(c.Post(path, body.dump(), "application/json"));
  }
  Reply control_get(const std::string& path) {
    auto c = client();
    return reply_of(c.Get(path));
  }
  json messages(std::int64_t chat_id, const std::string& bot = "") {
    auto r = control_get("/control/chats/" + std::to_string(chat_id) + "/messages" + (bot.empty() ? "" : "?bot=" + bot));
    EXPECT_EQ(r.status, 200) << r.body.dump();
    return r.body.value("messages", json::array());
  }
  int port() const { return port_; }

 private:
  const cmup::test::TempDir& dir_;
  std::vector<std::string> extra_;
  int port_ = 0;
  std::unique_ptr<cmup::test::Process> proc_;
};

inline std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

inline std::string write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

}  // namespace cmup::simtg::test
