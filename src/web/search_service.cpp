#include "web/search_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace cmup::web {

std::string search_cache_key(const TitleQuery& q) {
  const auto& f = q.filter;
  std::string k = q.q;
  k += '\x1f';
  k += f.kind.value_or("");
  k += '\x1f' + std::to_string(f.year_from.value_or(0)) + '\x1f' + std::to_string(f.year_to.value_or(0)) +
       '\x1f';
  k += f.genre.value_or("");
  k += '\x1f';
  k += f.quality.value_or("");
  k += '\x1f';
  k += sort_name(q.sort);
  k += f.available_only ? "\x1f"
                          "1"
                        : "\x1f"
                          "0";
  k += '\x1f' + std::to_string(q.limit) + '\x1f' + std::to_string(q.cursor ? q.cursor->offset : 0);
  return k;
}

SearchService::SearchService(ReadPool& pool, const SearchOptions& opts)
    : pool_(pool), opts_(opts), cache_(opts.cache_bytes, opts.cache_entries) {
  if (opts_.background) thread_ = std::thread([this] { run(); });
}

SearchService::~SearchService() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const SearchIndex> SearchService::current() const {
  std::lock_guard lock(current_mu_);
  return current_;
}

void SearchService::publish(std::shared_ptr<const SearchIndex> index) {
  {
    std::lock_guard lock(current_mu_);
    current_ = std::move(index);
  }
  // After the swap: an answer rendered from the old index in between carries the old
  // generation, which get() no longer accepts.
  cache_.clear();
}

bool SearchService::refresh() {
  std::lock_guard lock(build_mu_);
  return refresh_locked(false);
}

bool SearchService::refresh_locked(bool may_defer_texts) {
  auto db = pool_.acquire();  // one read transaction: the version and the rows agree
  CatalogVersion v = read_catalog_version(*db).value_or(CatalogVersion{});
  auto cur = current();
  if (cur && v == cur->version) return false;
  auto now = std::chrono::steady_clock::now();
  auto next = std::make_shared<SearchIndex>();
  next->version = v;
  if (cur && v.titles == cur->version.titles) {
    next->texts = cur->texts;
  } else if (cur && may_defer_texts && now < next_text_build_) {
    // Titles are still being written (an import): keep the texts a little longer, but let
    // finished uploads show now. The title version stays old so the texts follow later.
    if (v.availability == cur->version.availability) return false;
    next->texts = cur->texts;
    next->version.titles = cur->version.titles;
  } else {
    next->texts = build_title_texts(*db);
    auto gap = std::max<std::chrono::milliseconds>(opts_.min_title_rebuild_gap,
                                                   std::chrono::milliseconds(3 * next->texts->build_ms));
    next_text_build_ = std::chrono::steady_clock::now() + gap;
    spdlog::debug("search: indexed {} titles, {} words in {} ms", next->texts->titles.size(),
                  next->texts->vocabulary.size(), next->texts->build_ms);
  }
  next->qualities = load_availability(*db, *next->texts);
  next->generation = ++generation_;
  ++rebuilds_;
  publish(std::move(next));
  return true;
}

void SearchService::run() {
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    lock.unlock();
    try {
      std::lock_guard build(build_mu_);
      refresh_locked(true);
    } catch (const std::exception& e) {
      // The previous index keeps answering; the next poll tries again.
      spdlog::warn("search: cannot refresh the search index: {} (searches use the previous one)", e.what());
    }
    lock.lock();
    stop_cv_.wait_for(lock, opts_.poll_interval, [this] { return stopping_; });
  }
}

std::shared_ptr<const std::string> SearchService::titles_page(const TitleQuery& q) {
  auto index = current();
  if (!index) {
    refresh();  // waits for a build in progress, or builds now
    index = current();
  }
  std::string key = search_cache_key(q);
  if (auto hit = cache_.get(key, index->generation)) return hit;

  auto hits = search_titles(*index, q.q, q.filter, q.sort);
  std::size_t start = q.cursor ? static_cast<std::size_t>(q.cursor->offset) : 0;
  std::size_t end = std::min(hits.size(), start + static_cast<std::size_t>(q.limit));
  auto body = std::make_shared<std::string>("{\"next_cursor\":");
  if (end < hits.size()) {
    TitleCursor c;
    c.offset = static_cast<std::int64_t>(end);
    *body += '"' + encode_cursor(q, c) + '"';  // base64url: nothing to escape
  } else {
    *body += "null";
  }
  *body += ",\"titles\":[";
  const auto& titles = index->texts->titles;
  for (std::size_t k = start; k < end; ++k) {
    if (k > start) body->push_back(',');
    const TitleRecord& r = titles[hits[k].index];
    *body += r.render_head;
    *body += render_qualities(index->qualities[hits[k].index]);
    *body += r.render_tail;
  }
  *body += "]}";
  std::shared_ptr<const std::string> out = std::move(body);
  cache_.put(key, index->generation, out);
  return out;
}

std::shared_ptr<const std::string> SearchService::cached_titles_page(const TitleQuery& q) {
  auto index = current();
  if (!index) return nullptr;
  return cache_.get(search_cache_key(q), index->generation);
}

SearchService::Stats SearchService::stats() const {
  Stats s;
  if (auto idx = current()) {
    s.generation = idx->generation;
    s.titles = idx->texts->titles.size();
    s.vocabulary = idx->texts->vocabulary.size();
    s.index_bytes = idx->texts->memory_bytes() + idx->qualities.size();
    s.last_build_ms = idx->texts->build_ms;
  }
  s.rebuilds = rebuilds_.load();
  s.cache = cache_.stats();
  return s;
}

}  // namespace cmup::web
