#include "web/db_pool.hpp"

#include "db/database.hpp"

namespace cmup::web {

ReadPool::ReadPool(std::filesystem::path path, std::size_t max_idle) : path_(std::move(path)), max_idle_(max_idle) {}

ReadPool::Lease::Lease(ReadPool& pool, std::unique_ptr<SQLite::Database> db) : pool_(&pool), db_(std::move(db)) {
  db_->exec("BEGIN");
}

ReadPool::Lease::~Lease() {
  if (!db_) return;
  try {
    db_->exec("COMMIT");
  } catch (const std::exception&) {
    return;  // a connection in an unknown state is dropped, not pooled
  }
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
  auto db = db::open(path_, o);
  // Searches touch the FTS indexes all over: map the file and keep a generous page cache per
  // connection, so a warm search is memory reads, not pread() calls.
  db->exec("PRAGMA mmap_size = 1073741824");
  db->exec("PRAGMA cache_size = -65536");
  db->exec("PRAGMA temp_store = MEMORY");
  return Lease(*this, std::move(db));
}

}  // namespace cmup::web
