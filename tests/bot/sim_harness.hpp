// cmup-sim-telegram for the bot's end-to-end tests: a world with the delivery bot, an
// uploader bot (local mode, so it can post files by file:// path), a storage channel, an
// index channel and two users; helpers to upload files and read what a chat received.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "fixtures.hpp"
#include "support/test_support.hpp"
#include "telegram/bot_api.hpp"
#include "util/http_client.hpp"

namespace cmup::bot::e2e {

using nlohmann::json;

inline constexpr std::int64_t kStorage = -1001000000001;
inline constexpr std::int64_t kIndex = -1001000000099;
inline constexpr std::int64_t kAnn = 7001;
inline constexpr std::int64_t kBob = 7002;
inline const std::string kBotName = "cmup_test_bot";
inline const std::string kBotToken = "5001:AAdeliveryTOKENfortests0123456789";
inline const std::string kUploaderName = "cmup_up_bot";
inline const std::string kUploaderToken = "5002:AAuploaderTOKENfortests0123456789";

struct Uploaded {
  std::int64_t message_id = 0;
  std::string file_id;  // the uploader's own
  std::string file_unique_id;
  std::string sha256;
};

class SimTelegram {
 public:
  // port 0: a free one; start_now = false: call start() later (the Bot API is down until then).
  explicit SimTelegram(const test::TempDir& dir, int port = 0, bool start_now = true) : dir_(dir) {
    json world = {
        {"bots",
         {{{"id", 5001}, {"username", kBotName}, {"token", kBotToken}, {"inline_mode", true}},
          {{"id", 5002}, {"username", kUploaderName}, {"token", kUploaderToken}, {"local_mode", true}}}},
        {"channels",
         {{{"id", kStorage}, {"title", "Storage"}, {"admins", {kUploaderName, kBotName}}},
          {{"id", kIndex}, {"title", "Index"}, {"admins", {kBotName}}}}},
        {"users", {{{"id", kAnn}, {"first_name", "Ann"}}, {{"id", kBob}, {"first_name", "Bob"}}}}};
    std::ofstream(dir / "sim.json") << world.dump(2);
    port_ = port ? port : test::free_port();
    if (start_now) start();
  }

  void start() {
    proc_ = std::make_unique<test::Process>(
        std::vector<std::string>{
            test::sim_telegram_binary(), "--listen", "127.0.0.1:" + std::to_string(port_), "--config",
            (dir_ / "sim.json").string(), "--data-dir", (dir_ / "simdata").string(), "--control"},
        std::map<std::string, std::string>{}, dir_ / "sim.log");
    if (!test::wait_for_port(port_)) ADD_FAILURE() << "simulator did not start: " << proc_->log();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Posts a file of `size` random bytes into the storage channel as the uploader bot.
  Uploaded upload(const std::string& name, size_t size, const std::string& caption) {
    auto path = dir_ / name;
    {
      std::mt19937 rng(static_cast<unsigned>(std::hash<std::string>()(name)));
      std::string bytes(size, '\0');
      for (auto& c : bytes) c = static_cast<char>(rng());
      std::ofstream(path, std::ios::binary) << bytes;
    }
    BotApiClient up(url(), kUploaderToken);
    auto msg = up.call("sendVideo", {{"chat_id", kStorage},
                                     {"video", "file://" + path.string()},
                                     {"caption", caption},
                                     {"duration", 12},
                                     {"supports_streaming", true}});
    Uploaded u;
    u.message_id = msg.at("message_id").get<std::int64_t>();
    const auto& f = msg.contains("video") ? msg["video"] : msg.at("document");
    u.file_id = f.at("file_id").get<std::string>();
    u.file_unique_id = f.at("file_unique_id").get<std::string>();
    u.sha256 = test::sha256_file(path);
    return u;
  }

  json control_post(const std::string& path, const json& body) {
    HttpClient http;
    auto r = http.post_json(url() + path, body.dump());
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return json::parse(r.body, nullptr, false);
  }

  // A user writes to the delivery bot.
  void user_says(std::int64_t user, const std::string& text) {
    control_post("/control/user_message", {{"bot", kBotName}, {"user_id", user}, {"text", text}});
  }
  void press(std::int64_t user, std::int64_t message_id, const std::string& data) {
    control_post("/control/callback",
                 {{"bot", kBotName}, {"user_id", user}, {"message_id", message_id}, {"data", data}});
  }

  // Messages of a user's private chat with the delivery bot (empty when there is none yet).
  json messages(std::int64_t user) {
    HttpClient http;
    auto r = http.get(url() + "/control/chats/" + std::to_string(user) + "/messages?bot=" + kBotName);
    if (r.status != 200) return json::array();
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("messages") ? j["messages"] : json::array();
  }
  // The files the bot sent to a user, in chat order.
  std::vector<json> files_to(std::int64_t user) {
    std::vector<json> out;
    for (auto& m : messages(user))
      if (m.value("sender", json::object()).value("type", "") == "bot" && m.contains("file"))
        out.push_back(m);
    return out;
  }
  // Every Bot API call the simulator received, in arrival order (GET /control/calls).
  std::vector<json> calls() {
    HttpClient http;
    auto r = http.get(url() + "/control/calls");
    auto j = json::parse(r.body, nullptr, false);
    if (r.status != 200 || !j.is_object() || !j.contains("calls")) return {};
    return j["calls"].get<std::vector<json>>();
  }
  // Messages of a channel (the index chat) as the delivery bot's Telegram holds them.
  json channel_messages(std::int64_t chat_id) {
    HttpClient http;
    auto r = http.get(url() + "/control/chats/" + std::to_string(chat_id) + "/messages");
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("messages") ? j["messages"] : json::array();
  }
  std::vector<json> texts_to(std::int64_t user) {
    std::vector<json> out;
    for (auto& m : messages(user))
      if (m.value("sender", json::object()).value("type", "") == "bot" && m.value("kind", "") == "text")
        out.push_back(m);
    return out;
  }

 private:
  const test::TempDir& dir_;
  int port_ = 0;
  std::unique_ptr<test::Process> proc_;
};

// A single-file movie stored as the workers store it: the catalog rows in `db`, the file
// uploaded into the storage channel by another bot.
struct StoredFile {
  std::int64_t variant_id = 0;
  Uploaded up;
};
inline StoredFile store_file(SimTelegram& sim, SQLite::Database& db, const std::string& title, int year) {
  StoredFile s;
  auto t = fixtures::title(db, "movie", title, year);
  s.variant_id = fixtures::variant(db, t, 0, "1080P", 1);
  s.up = sim.upload(title + ".mp4", 4096, "CM_M" + std::to_string(t) + "_1080P");
  fixtures::object(db, s.variant_id, 1, 1, kStorage, s.up.message_id, s.up.file_id, s.up.file_unique_id);
  return s;
}

}  // namespace cmup::bot::e2e
