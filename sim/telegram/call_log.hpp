// The order of the Bot API calls the simulator received, for tests that must prove an
// order (e.g. "the user's copy left before any forward into the index chat") rather than
// a timing. Only the call's identity is kept: bot, method and the chat/message ids it
// names; never a token or file contents.
//
// Contract: record() is called once per authenticated call of a known method, before the
// method runs (so a call's position is when it arrived); list() lists them in that order
// with a sequence number from 1; clear() forgets them (the sequence goes on). The log is
// bounded (the oldest entries go first) and lives in memory only. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "request.hpp"

namespace cmup::simtg {

class CallLog {
 public:
  void record(const std::string& bot, const std::string& method, const Params& params);
  nlohmann::json list();
  void clear();

 private:
  static constexpr std::size_t kMaxEntries = 10000;
  std::mutex mu_;
  std::uint64_t next_seq_ = 1;
  std::deque<nlohmann::json> entries_;
};

}  // namespace cmup::simtg
