#include "scripted_td_json.hpp"

#include <chrono>
#include <thread>

namespace cmup::test {

void ScriptedTdJson::answer(const nlohmann::json& query, nlohmann::json result) {
  result["@extra"] = query["@extra"];
  result["@client_id"] = client_;
  emitted_.push_back(result);
  out_.push_back(result.dump());
}

void ScriptedTdJson::error(const nlohmann::json& query, int code, const std::string& message) {
  answer(query, {{"@type", "error"}, {"code", code}, {"message", message}});
}

void ScriptedTdJson::push(nlohmann::json update) {
  update["@client_id"] = client_;
  emitted_.push_back(update);
  out_.push_back(update.dump());
}

void ScriptedTdJson::auth_state(const std::string& type, nlohmann::json fields) {
  fields["@type"] = type;
  push({{"@type", "updateAuthorizationState"}, {"authorization_state", fields}});
}

std::vector<nlohmann::json> ScriptedTdJson::sent_of(const std::string& type) const {
  std::vector<nlohmann::json> out;
  for (const auto& q : sent_)
    if (q.value("@type", "") == type) out.push_back(q);
  return out;
}

void ScriptedTdJson::send(int, const std::string& request) {
  auto q = nlohmann::json::parse(request);
  sent_.push_back(q);
  auto it = responders_.find(q.value("@type", ""));
  if (it == responders_.end()) return error(q, 400, "Method not scripted: " + q.value("@type", ""));
  it->second(q);
}

std::optional<std::string> ScriptedTdJson::receive(double timeout_s) {
  if (out_.empty()) {
    // td_receive blocks for its timeout when nothing is due; a short nap keeps a waiting
    // client from spinning (nothing more will arrive: only send() pushes).
    std::this_thread::sleep_for(std::chrono::duration<double>(std::min(timeout_s, 0.01)));
    return std::nullopt;
  }
  auto s = out_.front();
  out_.pop_front();
  return s;
}

std::string ScriptedTdJson::execute(const std::string&) { return R"({"@type":"ok"})"; }

}  // namespace cmup::test
