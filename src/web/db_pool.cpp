#include "web/db_pool.hpp"

#include "db/database.hpp"

namespace cmup::web {

ReadPool::ReadPool(std::filesystem::path path, std::size_t max_idle) : path_(std::move(path)), max_idle_(max_idle) {}

ReadPool::Lease::~Lease() {
  if (!db_) return;
  std::lock_guard lock(pool_->mu_);
  if (pool_->idle_.size() < pool_->max_idle_) pool_->idle_.push_back(std::move(db_));
}

ReadPool::Lease ReadPool::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(db));
    }
  }
  db::OpenOptions o;
  o.read_only = true;
  o.migrate = false;
  o.busy_timeout_ms = 5000;
  return Lease(*this, db::open(path_, o));
}

}  // namespace cmup::web
