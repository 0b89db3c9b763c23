#include "call_log.hpp"

namespace cmup::simtg {

void CallLog::record(const std::string& bot, const std::string& method, const Params& params) {
  nlohmann::json e = {{"bot", bot}, {"method", method}};
  // The ids a call names, as sent (numbers or strings), so a test can tell which chat and
  // which stored messages a call touched.
  for (const char* key : {"chat_id", "from_chat_id", "message_id"}) {
    auto it = params.values.find(key);
    if (it != params.values.end()) e[key] = it->second;
  }
  if (auto it = params.values.find("message_ids"); it != params.values.end()) {
    try {
      e["message_ids"] = params.json_value("message_ids");
    } catch (const std::exception&) {
      e["message_ids"] = it->second;  // not JSON: the method itself answers the error
    }
  }
  std::lock_guard lk(mu_);
  e["seq"] = next_seq_++;
  entries_.push_back(std::move(e));
  if (entries_.size() > kMaxEntries) entries_.pop_front();
}

nlohmann::json CallLog::list() {
  std::lock_guard lk(mu_);
  nlohmann::json calls = nlohmann::json::array();
  for (const auto& e : entries_) calls.push_back(e);
  return {{"calls", calls}};
}

void CallLog::clear() {
  std::lock_guard lk(mu_);
  entries_.clear();
}

}  // namespace cmup::simtg
