#include "telegram/td_client.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "util/safe_text.hpp"

namespace cmup {

namespace {

using Clock = std::chrono::steady_clock;

// The process-wide td_receive serializer. One thread at a time receives (TDLib forbids
// concurrent td_receive) and files each object under its "@client_id"; the others wait for
// their inbox to fill or for their turn to receive.
class TdRouter {
 public:
  static TdRouter& instance() {
    static TdRouter r;
    return r;
  }

  // Moves up to everything waiting for `client` into `out`; receives for up to timeout_s
  // when nothing is waiting. Returns false when nothing arrived in time.
  bool take(TdJson& api, int client, double timeout_s, std::deque<nlohmann::json>& out) {
    auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
    std::unique_lock lock(mu_);
    for (;;) {
      auto& box = inbox_[{&api, client}];
      if (!box.empty()) {
        while (!box.empty()) {
          out.push_back(std::move(box.front()));
          box.pop_front();
        }
        return true;
      }
      auto now = Clock::now();
      if (now >= deadline) return false;
      if (receiving_) {
        cv_.wait_until(lock, deadline);
        continue;
      }
      receiving_ = true;
      lock.unlock();
      // Short slices, so that a waiting thread whose answer arrived is woken soon.
      double slice = std::min(0.2, std::chrono::duration<double>(deadline - now).count());
      std::optional<std::string> text;
      try {
        text = api.receive(slice);
      } catch (...) {
        lock.lock();
        receiving_ = false;
        cv_.notify_all();
        throw;
      }
      lock.lock();
      receiving_ = false;
      if (text) {
        auto obj = nlohmann::json::parse(*text, nullptr, false);
        if (obj.is_object()) {
          int owner = obj.contains("@client_id") && obj["@client_id"].is_number_integer()
                          ? obj["@client_id"].get<int>()
                          : 0;
          // Objects for no live client (one already destroyed, or no client id at all) are
          // dropped: nobody would ever take them, and the inbox must not grow without bound.
          if (auto box = inbox_.find({&api, owner}); box != inbox_.end())
            box->second.push_back(std::move(obj));
        }
      }
      cv_.notify_all();
    }
  }

  void attach(const TdJson& api, int client) {
    std::lock_guard lock(mu_);
    inbox_[{&api, client}];
  }

  void forget(const TdJson& api, int client) {
    std::lock_guard lock(mu_);
    inbox_.erase({&api, client});
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool receiving_ = false;
  std::map<std::pair<const TdJson*, int>, std::deque<nlohmann::json>> inbox_;
};

const std::set<std::string>& kept_updates() {
  static const std::set<std::string> s = {"updateAuthorizationState",      "updateFile",
                                          "updateMessageSendSucceeded",    "updateMessageSendFailed",
                                          "updateMessageSendAcknowledged", "updateConnectionState"};
  return s;
}

}  // namespace

std::string td_string(const nlohmann::json& o, const char* key, const std::string& fallback) {
  if (!o.is_object()) return fallback;
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : fallback;
}

TdClient::TdClient(std::shared_ptr<TdJson> api) : api_(std::move(api)) {
  id_ = api_->create_client_id();
  TdRouter::instance().attach(*api_, id_);
}

TdClient::~TdClient() {
  close();
  TdRouter::instance().forget(*api_, id_);
}

bool TdClient::close(double timeout_s) noexcept {
  if (!started_ || auth_state_ == "authorizationStateClosed") return true;
  try {
    // The answer to `close` comes before the session is torn down; Closed comes after.
    std::uint64_t seen = auth_changes_;
    if (auth_state_ != "authorizationStateClosing") {
      api_->send(id_, nlohmann::json{{"@type", "close"}, {"@extra", "cmup-close"}}.dump());
    }
    auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
    while (auth_state_ != "authorizationStateClosed") {
      double left = std::chrono::duration<double>(deadline - Clock::now()).count();
      if (left <= 0 || !wait_auth_change(seen, left)) return false;
      seen = auth_changes_;
    }
    return true;
  } catch (...) {
    return false;
  }
}

void TdClient::absorb(nlohmann::json obj) {
  std::string type = td_string(obj, "@type");
  if (obj.contains("@extra")) {
    answers_.push_back(std::move(obj));
    return;
  }
  if (type == "updateOption" && td_string(obj, "name") == "version" && obj.contains("value") &&
      obj["value"].is_object() && obj["value"].contains("value") && obj["value"]["value"].is_string()) {
    version_ = obj["value"]["value"].get<std::string>();
    return;
  }
  if (type == "updateAuthorizationState" && obj.contains("authorization_state") &&
      obj["authorization_state"].is_object()) {
    auth_state_obj_ = obj["authorization_state"];
    auth_state_ = td_string(auth_state_obj_, "@type");
    ++auth_changes_;
  }
  if (type == "updateConnectionState" && obj.contains("state") && obj["state"].is_object())
    connection_state_ = td_string(obj["state"], "@type");
  if (kept_updates().count(type)) updates_.push_back(std::move(obj));
}

bool TdClient::pump(double timeout_s) {
  std::deque<nlohmann::json> got;
  if (!TdRouter::instance().take(*api_, id_, timeout_s, got)) return false;
  for (auto& o : got) absorb(std::move(o));
  return true;
}

nlohmann::json TdClient::request(nlohmann::json query, double timeout_s) {
  return request(std::move(query), timeout_s, nullptr);
}

nlohmann::json TdClient::request(nlohmann::json query, double timeout_s,
                                 const std::function<void(double)>& waiting, double tick_s) {
  std::string extra = "cmup-" + std::to_string(next_extra_++);
  query["@extra"] = extra;
  const std::string type = td_string(query, "@type", "?");
  api_->send(id_, safe_dump(query));
  started_ = true;
  const auto sent = Clock::now();
  auto deadline = sent + std::chrono::duration<double>(timeout_s);
  auto next_tick = sent + std::chrono::duration<double>(tick_s);
  for (;;) {
    for (auto it = answers_.begin(); it != answers_.end(); ++it) {
      if (!(*it)["@extra"].is_string() || (*it)["@extra"].get<std::string>() != extra) continue;
      nlohmann::json answer = std::move(*it);
      answers_.erase(it);
      if (td_string(answer, "@type") == "error") {
        int code =
            answer.contains("code") && answer["code"].is_number_integer() ? answer["code"].get<int>() : 0;
        std::string msg = answer.contains("message") && answer["message"].is_string()
                              ? safe_text(answer["message"].get<std::string>(), 512)
                              : "unknown error";
        throw TdError(code == 0 ? 500 : code, msg);
      }
      answer.erase("@extra");
      answer.erase("@client_id");
      return answer;
    }
    answers_.clear();  // answers to earlier, abandoned requests
    double left = std::chrono::duration<double>(deadline - Clock::now()).count();
    if (left <= 0) throw TdError(0, type + ": no answer from TDLib in " + std::to_string(timeout_s) + " s");
    if (waiting) {
      auto now = Clock::now();
      if (now >= next_tick) {
        waiting(std::chrono::duration<double>(now - sent).count());
        next_tick = now + std::chrono::duration<double>(tick_s);
      }
      left = std::min(left, std::chrono::duration<double>(next_tick - now).count());
    }
    pump(std::max(left, 0.0));
  }
}

std::optional<nlohmann::json> TdClient::next_update(double timeout_s) {
  auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    if (!updates_.empty()) {
      auto u = std::move(updates_.front());
      updates_.pop_front();
      return u;
    }
    double left = std::chrono::duration<double>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pump(left);
  }
}

bool TdClient::wait_auth_change(std::uint64_t seen, double timeout_s) {
  auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (auth_changes_ <= seen) {
    double left = std::chrono::duration<double>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pump(left);
  }
  return true;
}

nlohmann::json TdClient::execute(const nlohmann::json& query) {
  auto r = nlohmann::json::parse(api_->execute(safe_dump(query)), nullptr, false);
  return r.is_discarded() ? nlohmann::json() : r;
}

}  // namespace cmup
