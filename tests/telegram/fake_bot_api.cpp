#include "fake_bot_api.hpp"

#include <httplib.h>

#include <fstream>
#include <sstream>

#include "support/test_support.hpp"

namespace cmup::test {

namespace {

nlohmann::json error(int code, const std::string& desc) {
  return {{"ok", false}, {"error_code", code}, {"description", desc}};
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

}  // namespace

FakeBotApi::FakeBotApi(std::string token, std::int64_t bot_id, std::string username)
    : token_(std::move(token)),
      bot_id_(bot_id),
      username_(std::move(username)),
      server_(std::make_unique<httplib::Server>()) {
  server_->Post(R"(/bot([^/]+)/(\w+))", [this](const httplib::Request& req, httplib::Response& res) {
    auto send = [&](int status, const nlohmann::json& body) {
      res.status = status;
      res.set_content(body.dump(), "application/json");
    };
    if (req.matches[1] != token_) return send(401, error(401, "Unauthorized"));
    const std::string method = req.matches[2];
    // Parameters: multipart text fields, or a JSON body.
    std::map<std::string, std::string> params;
    const httplib::MultipartFormData* upload = nullptr;
    bool thumb = false;
    if (req.is_multipart_form_data()) {
      for (const auto& [name, part] : req.files) {
        if (!part.filename.empty()) {
          if (name == "thumbnail")
            thumb = true;
          else
            upload = &part;
        } else {
          params[name] = part.content;
        }
      }
    } else {
      auto j = nlohmann::json::parse(req.body, nullptr, false);
      if (j.is_object())
        for (auto& [k, v] : j.items()) params[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
    std::lock_guard lock(mu_);
    if (method == "getMe")
      return send(200,
                  {{"ok", true},
                   {"result",
                    {{"id", bot_id_}, {"is_bot", true}, {"first_name", "Ember"}, {"username", username_}}}});
    if (method == "getChat" || method == "getChatMember") {
      std::int64_t chat = std::stoll(params["chat_id"]);
      if (!writable_.count(chat) && !read_only_.count(chat))
        return send(400, error(400, "Bad Request: chat not found"));
      if (method == "getChat")
        return send(200,
                    {{"ok", true}, {"result", {{"id", chat}, {"type", "channel"}, {"title", "storage"}}}});
      nlohmann::json member = {{"user", {{"id", bot_id_}, {"is_bot", true}}}};
      if (writable_.count(chat)) {
        member["status"] = "administrator";
        member["can_post_messages"] = true;
      } else {
        member["status"] = "member";
      }
      return send(200, {{"ok", true}, {"result", member}});
    }
    if (method == "sendVideo" || method == "sendDocument") {
      if (fail_status_) {
        int st = fail_status_;
        fail_status_ = 0;
        return send(st, fail_body_);
      }
      std::int64_t chat = std::stoll(params["chat_id"]);
      if (read_only_.count(chat))
        return send(400, error(400, "Bad Request: not enough rights to send videos to the chat"));
      if (!writable_.count(chat)) return send(400, error(400, "Bad Request: chat not found"));
      FakeMessage m;
      m.chat_id = chat;
      m.method = method;
      m.caption = params["caption"];
      m.fields = params;
      m.had_thumbnail = thumb;
      const char* field = method == "sendVideo" ? "video" : "document";
      if (upload) {
        m.content = upload->content;
        m.file_name = upload->filename;
      } else if (params[field].rfind("file://", 0) == 0) {
        m.content = read_file(params[field].substr(7));
        m.file_name = params[field].substr(params[field].rfind('/') + 1);
      } else {
        return send(400, error(400, "Bad Request: wrong remote file identifier specified"));
      }
      if (static_cast<std::int64_t>(m.content.size()) > max_upload_)
        return send(413, error(413, "Request Entity Too Large"));
      m.message_id = ++next_id_[chat];
      m.file_unique_id = "U" + std::to_string(chat) + "_" + std::to_string(m.message_id);
      m.file_id = "F" + std::to_string(bot_id_) + "_" + m.file_unique_id;
      chats_[chat].push_back(m);
      return send(200, {{"ok", true}, {"result", reply_message(m)}});
    }
    if (method == "forwardMessage") {
      std::int64_t to = std::stoll(params["chat_id"]);
      std::int64_t from = std::stoll(params["from_chat_id"]);
      std::int64_t id = std::stoll(params["message_id"]);
      ++forwards_;
      if (!writable_.count(to)) return send(400, error(400, "Bad Request: chat not found"));
      for (const auto& m : chats_[from]) {
        if (m.message_id != id || m.deleted) continue;
        FakeMessage copy = m;
        copy.chat_id = to;
        copy.method = "forwardMessage";
        copy.message_id = ++next_id_[to];
        chats_[to].push_back(copy);
        return send(200, {{"ok", true}, {"result", reply_message(copy)}});
      }
      return send(400, error(400, "Bad Request: message to forward not found"));
    }
    if (method == "deleteMessage") {
      std::int64_t chat = std::stoll(params["chat_id"]);
      std::int64_t id = std::stoll(params["message_id"]);
      for (auto& m : chats_[chat])
        if (m.message_id == id && !m.deleted) {
          m.deleted = true;
          ++deletes_;
          return send(200, {{"ok", true}, {"result", true}});
        }
      return send(400, error(400, "Bad Request: message to delete not found"));
    }
    return send(404, error(404, "Not Found"));
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() is a no-op until listen has started: wait for it, or the destructor could hang.
  wait_until([this] { return server_->is_running(); }, std::chrono::seconds(10));
}

FakeBotApi::~FakeBotApi() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

void FakeBotApi::writable(std::int64_t chat) {
  std::lock_guard lock(mu_);
  writable_.insert(chat);
}

void FakeBotApi::read_only(std::int64_t chat) {
  std::lock_guard lock(mu_);
  read_only_.insert(chat);
}

void FakeBotApi::fail_next_send(int status, nlohmann::json body) {
  std::lock_guard lock(mu_);
  fail_status_ = status;
  fail_body_ = std::move(body);
}

std::int64_t FakeBotApi::post(std::int64_t chat, const std::string& caption, bool with_video) {
  std::lock_guard lock(mu_);
  FakeMessage m;
  m.chat_id = chat;
  m.method = with_video ? "sendVideo" : "sendMessage";
  m.caption = caption;
  m.message_id = ++next_id_[chat];
  m.file_unique_id = "Uother" + std::to_string(m.message_id);
  m.file_id = "F" + std::to_string(bot_id_) + "_" + m.file_unique_id;
  m.content = "other";
  chats_[chat].push_back(m);
  return m.message_id;
}

std::vector<FakeMessage> FakeBotApi::messages(std::int64_t chat) const {
  std::lock_guard lock(mu_);
  std::vector<FakeMessage> out;
  auto it = chats_.find(chat);
  if (it != chats_.end())
    for (const auto& m : it->second)
      if (!m.deleted) out.push_back(m);
  return out;
}

nlohmann::json FakeBotApi::reply_message(const FakeMessage& m) const {
  nlohmann::json msg = {{"message_id", m.message_id},
                        {"date", 1700000000},
                        {"chat", {{"id", m.chat_id}, {"type", "channel"}, {"title", "storage"}}}};
  if (m.method == "sendMessage") {
    msg["text"] = m.caption;
    return msg;
  }
  msg["caption"] = m.caption;
  nlohmann::json file = {{"file_id", m.file_id},
                         {"file_unique_id", m.file_unique_id},
                         {"file_size", m.content.size()},
                         {"file_name", m.file_name},
                         {"mime_type", "video/mp4"}};
  bool video =
      m.method == "sendVideo" || (m.method == "forwardMessage" && m.fields.count("supports_streaming"));
  if (video) {
    auto num = [&](const char* k) {
      auto it = m.fields.find(k);
      return it == m.fields.end() ? 0 : std::stoi(it->second);
    };
    file["duration"] = num("duration");
    file["width"] = num("width");
    file["height"] = num("height");
    msg["video"] = file;
  } else {
    msg["document"] = file;
  }
  return msg;
}

}  // namespace cmup::test
