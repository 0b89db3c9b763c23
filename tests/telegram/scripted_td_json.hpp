// A scripted stand-in for libtdjson (TdJson): each query type has a responder that answers
// it and pushes the updates real TDLib would send next, in the same order and shapes
// (td_api.tl). receive() hands them out in order; nothing arrives that the script did not
// push. Used by one test thread at a time.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "telegram/td_json.hpp"

namespace cmup::test {

class ScriptedTdJson : public TdJson {
 public:
  using Responder = std::function<void(const nlohmann::json& query)>;
  void on(const std::string& type, Responder r) { responders_[type] = std::move(r); }
  // Answers `query` (echoing @extra) with `result`.
  void answer(const nlohmann::json& query, nlohmann::json result);
  void error(const nlohmann::json& query, int code, const std::string& message);
  void push(nlohmann::json update);
  void auth_state(const std::string& type, nlohmann::json fields = nlohmann::json::object());

  const std::vector<nlohmann::json>& sent() const { return sent_; }
  std::vector<nlohmann::json> sent_of(const std::string& type) const;
  // Every object handed to cmup so far (answers and updates), as cmup received it.
  const std::vector<nlohmann::json>& emitted() const { return emitted_; }

  int create_client_id() override { return client_ = 1; }
  void send(int client_id, const std::string& request) override;
  std::optional<std::string> receive(double timeout_s) override;
  std::string execute(const std::string& request) override;

 private:
  int client_ = 0;
  std::map<std::string, Responder> responders_;
  std::deque<std::string> out_;
  std::vector<nlohmann::json> sent_;
  std::vector<nlohmann::json> emitted_;
};

}  // namespace cmup::test
