// cmup-sim-telegram for the bot's end-to-end tests: a world with the delivery bot, an
// uploader bot (local mode, so it can post files by file:// path), a storage channel, an
// index channel and two users; helpers to upload files and read what a chat received.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

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
  explicit SimTelegram(const test::TempDir& dir) : dir_(dir) {
    json world = {
        {"bots",
         {{{"id", 5001}, {"username", kBotName}, {"token", kBotToken}},
          {{"id", 5002}, {"username", kUploaderName}, {"token", kUploaderToken}, {"local_mode", true}}}},
        {"channels",
         {{{"id", kStorage}, {"title", "Storage"}, {"admins", {kUploaderName, kBotName}}},
          {{"id", kIndex}, {"title", "Index"}, {"admins", {kBotName}}}}},
        {"users", {{{"id", kAnn}, {"first_name", "Ann"}}, {{"id", kBob}, {"first_name", "Bob"}}}}};
    std::ofstream(dir / "sim.json") << world.dump(2);
    port_ = test::free_port();
    proc_ = std::make_unique<test::Process>(
        std::vector<std::string>{
            test::sim_telegram_binary(), "--listen", "127.0.0.1:" + std::to_string(port_), "--config",
            (dir / "sim.json").string(), "--data-dir", (dir / "simdata").string(), "--control"},
        std::map<std::string, std::string>{}, dir / "sim.log");
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

}  // namespace cmup::bot::e2e
