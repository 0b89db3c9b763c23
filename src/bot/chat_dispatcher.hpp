// Runs update handlers on a fixed set of threads, in order within a chat and in parallel
// across chats, so a chat that must wait (its 429, its 1 message/s) never holds up others.
//
// Contract: post() never blocks and never drops; updates of one chat_id run one at a time in
// post order; different chats run concurrently on up to `threads` threads. stop() lets the
// running handlers finish, discards what has not started (the caller keeps it durable) and
// joins. idle() is true when nothing is queued or running. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bot/update.hpp"

namespace cmup::bot {

class ChatDispatcher {
 public:
  using Handler = std::function<void(const Update&)>;
  ChatDispatcher(int threads, Handler handler);
  ~ChatDispatcher();
  ChatDispatcher(const ChatDispatcher&) = delete;
  ChatDispatcher& operator=(const ChatDispatcher&) = delete;

  void post(Update u);
  void stop();
  bool idle();

 private:
  void run();

  Handler handler_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::int64_t, std::deque<Update>> queues_;
  std::unordered_set<std::int64_t> busy_;
  std::deque<std::int64_t> ready_;
  int running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cmup::bot
