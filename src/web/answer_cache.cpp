#include "web/answer_cache.hpp"

#include <algorithm>
#include <functional>

namespace cmup::web {

AnswerCache::AnswerCache(std::size_t max_bytes, std::size_t max_entries)
    : max_bytes_(std::max<std::size_t>(1, max_bytes / kShards)),
      max_entries_(std::max<std::size_t>(1, max_entries / kShards)) {}

AnswerCache::Shard& AnswerCache::shard_of(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

std::shared_ptr<const std::string> AnswerCache::get(const std::string& key, std::uint64_t generation) {
  Shard& s = shard_of(key);
  std::lock_guard lock(s.mu);
  auto it = s.by_key.find(key);
  if (it == s.by_key.end() || it->second->generation != generation) {
    ++s.misses;
    return nullptr;
  }
  s.lru.splice(s.lru.begin(), s.lru, it->second);
  ++s.hits;
  return it->second->body;
}

void AnswerCache::put(const std::string& key, std::uint64_t generation,
                      std::shared_ptr<const std::string> body) {
  if (!body) return;
  Shard& s = shard_of(key);
  Entry e{key, generation, std::move(body)};
  if (cost(e) > max_bytes_) return;
  std::lock_guard lock(s.mu);
  if (auto it = s.by_key.find(key); it != s.by_key.end()) {
    s.bytes -= cost(*it->second);
    s.lru.erase(it->second);
    s.by_key.erase(it);
  }
  s.bytes += cost(e);
  s.lru.push_front(std::move(e));
  s.by_key.emplace(s.lru.front().key, s.lru.begin());
  evict(s);
}

void AnswerCache::evict(Shard& s) {
  while (!s.lru.empty() && (s.bytes > max_bytes_ || s.lru.size() > max_entries_)) {
    s.bytes -= cost(s.lru.back());
    s.by_key.erase(s.lru.back().key);
    s.lru.pop_back();
  }
}

void AnswerCache::clear() {
  for (auto& s : shards_) {
    std::lock_guard lock(s.mu);
    s.by_key.clear();
    s.lru.clear();
    s.bytes = 0;
  }
}

AnswerCache::Stats AnswerCache::stats() const {
  Stats out;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mu);
    out.hits += s.hits;
    out.misses += s.misses;
    out.entries += s.lru.size();
    out.bytes += s.bytes;
  }
  return out;
}

}  // namespace cmup::web
