// Rendered answers of repeated searches, so a popular query costs a hash lookup instead of a
// search and a render.
//
// Contract: get() returns the body stored under `key` for the same catalog `generation`, else
// null (an answer rendered from an older index is never served). put() stores it and evicts the
// least recently used answers beyond `max_bytes` (bodies plus keys) or `max_entries`; a body
// larger than a shard's share is not stored. clear() drops everything (the catalog changed).
// Thread-safe; the key space is split over shards with their own locks, so concurrent requests
// rarely wait for each other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cmup::web {

class AnswerCache {
 public:
  AnswerCache(std::size_t max_bytes, std::size_t max_entries);

  std::shared_ptr<const std::string> get(const std::string& key, std::uint64_t generation);
  void put(const std::string& key, std::uint64_t generation, std::shared_ptr<const std::string> body);
  void clear();

  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::size_t entries = 0;
    std::size_t bytes = 0;
  };
  Stats stats() const;

 private:
  static constexpr std::size_t kShards = 16;
  struct Entry {
    std::string key;
    std::uint64_t generation;
    std::shared_ptr<const std::string> body;
  };
  struct Shard {
    mutable std::mutex mu;
    std::list<Entry> lru;  // most recent first
    std::unordered_map<std::string, std::list<Entry>::iterator> by_key;
    std::size_t bytes = 0;
    std::uint64_t hits = 0, misses = 0;
  };
  Shard& shard_of(const std::string& key);
  static std::size_t cost(const Entry& e) { return e.key.size() + e.body->size() + 64; }
  void evict(Shard& s);

  std::size_t max_bytes_;    // per shard
  std::size_t max_entries_;  // per shard
  Shard shards_[kShards];
};

}  // namespace cmup::web
