// Search for the web server: keeps the in-memory index (search_index.hpp) in step with the
// database and answers GET /api/v1/titles?q=... from it, caching rendered answers.
//
// Contract:
// - A background thread checks the catalog version (migration 0003: counters bumped by
//   triggers when titles change or a variant becomes deliverable) every `poll_interval` and
//   rebuilds what changed in a read transaction of its own: availability alone when only
//   uploads finished (cheap), the title texts too when titles changed, at most once per
//   max(min_title_rebuild_gap, 3 x the last build's time) while an import keeps writing.
//   Requests keep using the previous index until the new one is swapped in; a catalog change
//   is visible to searches within about one poll interval (plus that gap for new titles).
// - titles_page() returns the JSON body of the answer (docs/api.md), identical to what
//   rendering the same titles from SQL gives. The first call waits for the first index; a
//   database error there is thrown (SQLite::Exception: the API answers 503).
// - Answers are cached per (query, filters, sort, page size, cursor) and dropped whenever a
//   new index is published. cached_titles_page() answers from that cache only and never
//   blocks (no database, no search): the web server calls it on its I/O thread.
// Thread-safe. The ReadPool must outlive the service; the destructor stops the thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "web/answer_cache.hpp"
#include "web/db_pool.hpp"
#include "web/search.hpp"
#include "web/title_query.hpp"

namespace cmup::web {

struct SearchOptions {
  std::chrono::milliseconds poll_interval{500};
  std::chrono::milliseconds min_title_rebuild_gap{2000};
  std::size_t cache_bytes = 32u << 20;
  std::size_t cache_entries = 50000;
  bool background = true;  // false: no thread; the owner calls refresh() (tests, benchmarks)
};

class SearchService {
 public:
  explicit SearchService(ReadPool& pool, const SearchOptions& opts = {});
  ~SearchService();
  SearchService(const SearchService&) = delete;
  SearchService& operator=(const SearchService&) = delete;

  std::shared_ptr<const std::string> titles_page(const TitleQuery& q);
  // The cached answer of the current index, or null (no index yet, or not cached).
  std::shared_ptr<const std::string> cached_titles_page(const TitleQuery& q);

  // Checks the version now and publishes a new index if anything changed (title texts are
  // rebuilt whatever the gap). Returns whether it published. Throws SQLite::Exception.
  bool refresh();
  // The index searches use now (null before the first build).
  std::shared_ptr<const SearchIndex> current() const;

  struct Stats {
    std::uint64_t generation = 0;
    std::size_t titles = 0;
    std::size_t vocabulary = 0;
    std::size_t index_bytes = 0;
    std::int64_t last_build_ms = 0;
    std::uint64_t rebuilds = 0;
    AnswerCache::Stats cache;
  };
  Stats stats() const;

 private:
  bool refresh_locked(bool may_defer_texts);
  void run();
  void publish(std::shared_ptr<const SearchIndex> index);

  ReadPool& pool_;
  SearchOptions opts_;
  AnswerCache cache_;

  mutable std::mutex current_mu_;
  std::shared_ptr<const SearchIndex> current_;

  std::mutex build_mu_;  // one build at a time
  std::uint64_t generation_ = 0;
  std::atomic<std::uint64_t> rebuilds_{0};
  std::chrono::steady_clock::time_point next_text_build_{};

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

// The cache key of a titles query: every parameter that changes the answer.
std::string search_cache_key(const TitleQuery& q);

}  // namespace cmup::web
