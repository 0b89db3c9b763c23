// LinkSync: keeps one owner's source links, queue entries and retry order in line with CM's
// list of sources, as part of the import writer (cm/catalog_writer.hpp states the rules:
// links never deleted, 'gone' and back, one upload_variant per quality with a live link,
// the documented source preference, a 'done' variant's order kept with new links appended).
//
// Contract: sync() runs inside the caller's transaction (it opens none) with statements
// prepared once per connection. Thread-safety: one LinkSync per connection, one thread.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/coded_name.hpp"
#include "cm/catalog_writer.hpp"
#include "cm/cm_item.hpp"

namespace cmup::cm {

// The owner (a movie or show title, or an episode) whose links and variants are synchronised.
struct LinkOwner {
  std::int64_t title_id = 0;
  std::optional<std::int64_t> episode_id;
  int season = 0, episode = 0;
  bool is_new = false;
  std::string coded_name(Quality q) const {
    return episode_id ? episode_coded_name(title_id, season, episode, q) : movie_coded_name(title_id, q);
  }
};

class LinkSync {
 public:
  explicit LinkSync(SQLite::Database& db);
  ~LinkSync();
  LinkSync(const LinkSync&) = delete;
  LinkSync& operator=(const LinkSync&) = delete;

  // Writes the owner's links (new, updated, 'gone'), creates the variants of qualities that
  // gained a live link and rewrites each variant's ranking that changed; counts into `c`.
  void sync(const LinkOwner& o, const std::vector<Source>& sources, std::int64_t now, ImportCounts& c);
  // After a failure left a statement mid-step (before a rollback).
  void reset_statements();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cmup::cm
