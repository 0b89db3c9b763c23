// Fault and load model of the simulator: injected failures (429 with retry_after, 500,
// dropped connections), upload throttling, optional Bot FAQ rate limits, and call stats.
//
// Contract: Faults::take() is asked once per Bot API call (after its parameters are read)
// and returns the first matching fault, consuming one of its `count` calls; faults bound
// by time expire on their own. Throttle::consume() blocks the calling thread long enough
// that all traffic through one gate stays at or under its bytes/s. All classes are
// thread-safe (each has its own mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace cmup::simtg {

struct Fault {
  std::string kind;     // "429", "500", "drop"
  std::string bot;      // username; empty = every bot
  std::string method;   // lower-case method name; empty = every method
  std::optional<std::int64_t> chat_id;
  int count = -1;             // calls left; -1 = no call limit
  std::int64_t until_ms = 0;  // steady-clock deadline in ms; 0 = no time limit
  int retry_after = 0;        // 429: seconds; 0 = seconds left of `until`, else 5
  bool after_processing = false;  // drop: perform the call, then drop the reply
};

class Faults {
 public:
  // Parses {"kind":..., "bot":..., "method":..., "chat_id":..., "count":N, "seconds":S,
  // "retry_after":N, "after_processing":bool}; throws std::invalid_argument on bad input.
  void add(const nlohmann::json& spec);
  void clear();
  std::optional<Fault> take(const std::string& bot, const std::string& method, std::optional<std::int64_t> chat_id);
  nlohmann::json list();
  // retry_after to report for a taken 429 fault.
  static int retry_after_of(const Fault& f);

 private:
  std::mutex mu_;
  std::vector<Fault> faults_;
};

// A byte-rate gate: each caller reserves a time slot for its bytes and sleeps until it ends.
class Throttle {
 public:
  void set(std::uint64_t bytes_per_second);  // 0 = unlimited
  std::uint64_t rate();
  void consume(std::size_t bytes);

 private:
  std::mutex mu_;
  std::uint64_t bps_ = 0;
  std::chrono::steady_clock::time_point next_free_{};
};

// Bot FAQ limits (about 1 message/s per chat with short bursts, 30 messages/s per bot),
// enforced only with --enforce-rate-limits. The per-group limit is GroupLimit (group_limit.hpp).
class RateLimits {
 public:
  void set_window_scale(double scale);  // windows times scale: rates divided by it
  // Returns retry_after seconds when the send must be refused.
  std::optional<int> check(std::int64_t bot_id, std::int64_t chat_id);

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point at{};
    bool init = false;
  };
  std::optional<int> take(Bucket& b, double capacity, double per_second);
  std::mutex mu_;
  double scale_ = 1;
  std::map<std::pair<std::int64_t, std::int64_t>, Bucket> per_chat_;
  std::map<std::int64_t, Bucket> per_bot_;
};

class Stats {
 public:
  void call(const std::string& bot, const std::string& method);
  void bytes(const std::string& bot, std::uint64_t n);
  void upload(const std::string& bot, std::uint64_t file_bytes);
  nlohmann::json json();

 private:
  std::mutex mu_;
  std::map<std::string, std::map<std::string, std::uint64_t>> calls_;
  std::map<std::string, std::uint64_t> bytes_;
  std::map<std::string, std::uint64_t> files_;
  std::map<std::string, std::uint64_t> file_bytes_;
};

}  // namespace cmup::simtg
