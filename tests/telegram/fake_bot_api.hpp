// A tiny in-process Bot API server for the uploader's unit tests (the real simulator,
// cmup-sim-telegram, is used by the e2e tests). It speaks Telegram's shapes for the methods
// the uploader and doctor call: sendVideo, sendDocument (multipart, or a file:// URI),
// forwardMessage, deleteMessage, getMe, getChat, getChatMember. Channels are posted to only
// when listed as writable; others answer "chat not found" or "not enough rights".
// Thread-safe: the server runs its own threads; accessors lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace cmup::test {

struct FakeMessage {
  std::int64_t chat_id = 0;
  std::int64_t message_id = 0;
  std::string method;  // sendVideo / sendDocument / forwardMessage
  std::string caption;
  std::string file_name;
  std::string content;  // the uploaded bytes
  std::string file_id, file_unique_id;
  std::map<std::string, std::string> fields;  // the text fields as received
  bool had_thumbnail = false;
  bool deleted = false;
};

class FakeBotApi {
 public:
  explicit FakeBotApi(std::string token, std::int64_t bot_id = 7001, std::string username = "ember_bot");
  ~FakeBotApi();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void writable(std::int64_t chat);   // the bot is an admin that can post
  void read_only(std::int64_t chat);  // member without rights: posting fails with "not enough rights"
  // The next send answers this (status, body) instead of posting.
  void fail_next_send(int status, nlohmann::json body);
  void set_max_upload(std::int64_t bytes) { max_upload_ = bytes; }
  // Posts a message directly (as if another account had uploaded it), returns its id.
  std::int64_t post(std::int64_t chat, const std::string& caption, bool with_video = true);

  std::vector<FakeMessage> messages(std::int64_t chat) const;  // not deleted
  int forwards() const { return forwards_; }
  int deletes() const { return deletes_; }

 private:
  nlohmann::json reply_message(const FakeMessage& m) const;
  std::string token_;
  std::int64_t bot_id_;
  std::string username_;
  int port_ = 0;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::set<std::int64_t> writable_, read_only_;
  std::map<std::int64_t, std::vector<FakeMessage>> chats_;
  std::map<std::int64_t, std::int64_t> next_id_;
  int fail_status_ = 0;
  nlohmann::json fail_body_;
  std::atomic<std::int64_t> max_upload_{1LL << 40};
  std::atomic<int> forwards_{0}, deletes_{0};
};

}  // namespace cmup::test
