// A small pool of per-thread resources (database connections, Bot API clients), so that
// several threads (update workers, web request threads) can each use one without sharing.
//
// Contract: borrow() hands out an idle resource or makes a new one with the factory; the
// returned lease gives it back on destruction. A resource is used by one thread at a time.
// At most `max_idle` resources are kept; more are destroyed on return. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace cmup::bot {

template <typename T>
class ResourcePool {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;
  explicit ResourcePool(Factory make, size_t max_idle = 16) : make_(std::move(make)), max_idle_(max_idle) {}

  class Lease {
   public:
    Lease(ResourcePool* pool, std::unique_ptr<T> r) : pool_(pool), r_(std::move(r)) {}
    Lease(Lease&& o) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (r_) pool_->give_back(std::move(r_));
    }
    T& operator*() { return *r_; }
    T* operator->() { return r_.get(); }

   private:
    ResourcePool* pool_;
    std::unique_ptr<T> r_;
  };

  Lease borrow() {
    {
      std::lock_guard lk(mu_);
      if (!idle_.empty()) {
        auto r = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(r));
      }
    }
    return Lease(this, make_());
  }

 private:
  void give_back(std::unique_ptr<T> r) {
    std::lock_guard lk(mu_);
    if (idle_.size() < max_idle_) idle_.push_back(std::move(r));
  }

  Factory make_;
  size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<T>> idle_;
};

}  // namespace cmup::bot
