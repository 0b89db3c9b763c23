#include "bot/chat_dispatcher.hpp"

namespace cmup::bot {

ChatDispatcher::ChatDispatcher(int threads, Handler handler) : handler_(std::move(handler)) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

ChatDispatcher::~ChatDispatcher() { stop(); }

void ChatDispatcher::post(Update u) {
  std::lock_guard lk(mu_);
  if (stopping_) return;
  auto chat = u.chat_id;
  auto& q = queues_[chat];
  q.push_back(std::move(u));
  // A chat is in ready_ at most once, and never while a thread is handling it.
  if (q.size() == 1 && !busy_.count(chat)) {
    ready_.push_back(chat);
    cv_.notify_one();
  }
}

void ChatDispatcher::run() {
  std::unique_lock lk(mu_);
  for (;;) {
    cv_.wait(lk, [&] { return stopping_ || !ready_.empty(); });
    if (stopping_) return;
    auto chat = ready_.front();
    ready_.pop_front();
    auto& q = queues_[chat];
    Update u = std::move(q.front());
    q.pop_front();
    busy_.insert(chat);
    ++running_;
    lk.unlock();
    handler_(u);
    lk.lock();
    --running_;
    busy_.erase(chat);
    auto it = queues_.find(chat);
    if (it != queues_.end() && !it->second.empty()) {
      ready_.push_back(chat);
      cv_.notify_one();
    } else if (it != queues_.end()) {
      queues_.erase(it);
    }
    cv_.notify_all();  // idle() waiters
  }
}

void ChatDispatcher::stop() {
  {
    std::lock_guard lk(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

bool ChatDispatcher::idle() {
  std::lock_guard lk(mu_);
  return running_ == 0 && ready_.empty();
}

}  // namespace cmup::bot
