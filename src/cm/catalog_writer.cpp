#include "cm/catalog_writer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "cm/link_sync.hpp"
#include "cm/statement_binds.hpp"
#include "db/database.hpp"
#include "db/job_state.hpp"
#include "util/clock.hpp"
#include "util/safe_text.hpp"

namespace cmup::cm {

namespace {

std::string genres_json(const std::vector<std::string>& genres) { return safe_dump(nlohmann::json(genres)); }

}  // namespace

ImportCounts& ImportCounts::operator+=(const ImportCounts& o) {
  titles_new += o.titles_new;
  titles_updated += o.titles_updated;
  titles_unchanged += o.titles_unchanged;
  episodes_new += o.episodes_new;
  episodes_updated += o.episodes_updated;
  episodes_unchanged += o.episodes_unchanged;
  skipped += o.skipped;
  sources_new += o.sources_new;
  sources_gone += o.sources_gone;
  variants_new += o.variants_new;
  return *this;
}

struct CatalogWriter::Impl {
  SQLite::Database& db;
  bool track_seen;
  std::int64_t now = 0;
  bool guarded = false;  // items inside savepoints (the careful pass of write_page)

  // Prepared once, reused for every item (the import's hot path).
  SQLite::Statement sel_title{db, "SELECT id, content_hash FROM titles WHERE kind = ?1 AND cm_id = ?2"};
  static constexpr const char* kInsertTitle =
      "INSERT INTO titles (kind, cm_id, title, original_title, year, poster_url, overview, genres, "
      "content_hash, "
      "created_at, updated_at) VALUES ";
  static constexpr int kTitleParams = 10;  // bind_new_title(); created_at is also updated_at
  SQLite::Statement ins_title{db, std::string(kInsertTitle) + "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?10)"};
  // Multi-row inserts of a page's new titles, by row count (see insert_new_titles).
  std::map<std::size_t, std::unique_ptr<SQLite::Statement>> ins_titles;
  SQLite::Statement upd_title{
      db,
      "UPDATE titles SET title = ?2, original_title = ?3, year = ?4, poster_url = ?5, "
      "overview = ?6, genres = ?7, content_hash = ?8, updated_at = ?9 WHERE id = ?1"};
  SQLite::Statement sel_episode{db,
                                "SELECT id, content_hash FROM episodes WHERE title_id = ?1 AND cm_id = ?2"};
  SQLite::Statement ins_episode{
      db,
      "INSERT INTO episodes (title_id, cm_id, season, episode, name, air_date, content_hash, "
      "created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?8)"};
  SQLite::Statement upd_episode{db,
                                "UPDATE episodes SET season = ?2, episode = ?3, name = ?4, air_date = ?5, "
                                "content_hash = ?6, updated_at = ?7 WHERE id = ?1"};
  LinkSync links{db};
  SQLite::Statement sp_begin{db, "SAVEPOINT cm_item"};
  SQLite::Statement sp_release{db, "RELEASE cm_item"};
  SQLite::Statement sp_rollback{db, "ROLLBACK TO cm_item"};
  std::unique_ptr<SQLite::Statement> seen_title, seen_episode;

  Impl(SQLite::Database& d, bool track) : db(d), track_seen(track) {
    // A page touches many index pages (links, queue, search); a larger cache for this
    // connection writes each of them once per commit instead of spilling mid-transaction.
    db.exec("PRAGMA cache_size = -65536");
    // Inserts into tables with triggers keep a statement journal; in memory it is a copy,
    // on disk it was a write system call per page touched.
    db.exec("PRAGMA temp_store = MEMORY");
    if (track_seen) {
      db.exec("CREATE TEMP TABLE IF NOT EXISTS cm_seen_titles (id INTEGER PRIMARY KEY)");
      db.exec("CREATE TEMP TABLE IF NOT EXISTS cm_seen_episodes (id INTEGER PRIMARY KEY)");
      db.exec("DELETE FROM cm_seen_titles; DELETE FROM cm_seen_episodes");
      seen_title =
          std::make_unique<SQLite::Statement>(db, "INSERT OR IGNORE INTO cm_seen_titles VALUES (?1)");
      seen_episode =
          std::make_unique<SQLite::Statement>(db, "INSERT OR IGNORE INTO cm_seen_episodes VALUES (?1)");
    }
  }

  void mark_seen(SQLite::Statement* st, std::int64_t id) {
    if (!st) return;
    st->bind(1, static_cast<std::int64_t>(id));
    run(*st);
  }

  // Looks up (id, content_hash) with a statement bound to two keys.
  static std::optional<std::pair<std::int64_t, std::string>> lookup(SQLite::Statement& st) {
    std::optional<std::pair<std::int64_t, std::string>> out;
    if (st.executeStep()) out = std::pair{st.getColumn(0).getInt64(), st.getColumn(1).getString()};
    st.reset();
    return out;
  }

  // `inserted_id`: the title row the fast pass already inserted for this item.
  void write_movie_or_show(const Title& t, ImportCounts& c, std::optional<std::int64_t> inserted_id = {}) {
    std::optional<std::pair<std::int64_t, std::string>> existing;
    if (!inserted_id) {
      sel_title.bind(1, std::string(title_kind_name(t.kind)));
      sel_title.bind(2, t.cm_id);
      existing = lookup(sel_title);
    }
    LinkOwner o;
    if (inserted_id) {
      o.title_id = *inserted_id;
      o.is_new = true;
      ++c.titles_new;
    } else if (existing && existing->second == t.content_hash) {
      ++c.titles_unchanged;
      o.title_id = existing->first;
    } else if (existing) {
      o.title_id = existing->first;
      upd_title.bind(1, static_cast<std::int64_t>(o.title_id));
      upd_title.bind(2, t.title);
      bind_opt(upd_title, 3, t.original_title);
      bind_opt(upd_title, 4, t.year ? std::optional<std::int64_t>(*t.year) : std::nullopt);
      bind_opt(upd_title, 5, t.poster_url);
      bind_opt(upd_title, 6, t.overview);
      upd_title.bind(7, genres_json(t.genres));
      upd_title.bind(8, t.content_hash);
      upd_title.bind(9, static_cast<std::int64_t>(now));
      run(upd_title);
      ++c.titles_updated;
    } else {
      bind_new_title(ins_title, 1, t);
      run(ins_title);
      o.title_id = db.getLastInsertRowid();
      o.is_new = true;
      ++c.titles_new;
    }
    mark_seen(seen_title.get(), o.title_id);
    bool changed = !existing || existing->second != t.content_hash;
    if (t.kind == TitleKind::Movie && changed) links.sync(o, t.sources, now, c);
    if (t.kind == TitleKind::Show)
      for (const auto& e : t.episodes)
        guarded_item("episode", t.cm_id + "/" + e.cm_id, c,
                     [&](ImportCounts& ec) { write_episode(o.title_id, o.is_new, e, ec); });
  }

  void write_episode(std::int64_t show_id, bool show_is_new, const Episode& e, ImportCounts& c) {
    std::optional<std::pair<std::int64_t, std::string>> existing;
    if (!show_is_new) {
      sel_episode.bind(1, static_cast<std::int64_t>(show_id));
      sel_episode.bind(2, e.cm_id);
      existing = lookup(sel_episode);
    }
    LinkOwner o;
    o.title_id = show_id;
    o.season = e.season;
    o.episode = e.episode;
    if (existing && existing->second == e.content_hash) {
      ++c.episodes_unchanged;
      mark_seen(seen_episode.get(), existing->first);
      return;
    }
    if (existing) {
      o.episode_id = existing->first;
      upd_episode.bind(1, static_cast<std::int64_t>(*o.episode_id));
      upd_episode.bind(2, e.season);
      upd_episode.bind(3, e.episode);
      bind_opt(upd_episode, 4, e.name);
      bind_opt(upd_episode, 5, e.air_date);
      upd_episode.bind(6, e.content_hash);
      upd_episode.bind(7, static_cast<std::int64_t>(now));
      run(upd_episode);
      ++c.episodes_updated;
    } else {
      ins_episode.bind(1, static_cast<std::int64_t>(show_id));
      ins_episode.bind(2, e.cm_id);
      ins_episode.bind(3, e.season);
      ins_episode.bind(4, e.episode);
      bind_opt(ins_episode, 5, e.name);
      bind_opt(ins_episode, 6, e.air_date);
      ins_episode.bind(7, e.content_hash);
      ins_episode.bind(8, static_cast<std::int64_t>(now));
      run(ins_episode);
      o.episode_id = db.getLastInsertRowid();
      o.is_new = true;
      ++c.episodes_new;
    }
    mark_seen(seen_episode.get(), *o.episode_id);
    links.sync(o, e.sources, now, c);
  }

  // Binds a new title's kTitleParams values from parameter `first` on.
  void bind_new_title(SQLite::Statement& st, int first, const Title& t) {
    st.bind(first, std::string(title_kind_name(t.kind)));
    st.bind(first + 1, t.cm_id);
    st.bind(first + 2, t.title);
    bind_opt(st, first + 3, t.original_title);
    bind_opt(st, first + 4, t.year ? std::optional<std::int64_t>(*t.year) : std::nullopt);
    bind_opt(st, first + 5, t.poster_url);
    bind_opt(st, first + 6, t.overview);
    st.bind(first + 7, genres_json(t.genres));
    st.bind(first + 8, t.content_hash);
    st.bind(first + 9, static_cast<std::int64_t>(now));
  }

  SQLite::Statement& insert_titles_statement(std::size_t rows) {
    auto& st = ins_titles[rows];
    if (!st) {
      std::string sql = kInsertTitle;
      for (std::size_t r = 0; r < rows; ++r) {
        int p = static_cast<int>(r) * kTitleParams;
        sql += fmt::format("{}(?{},?{},?{},?{},?{},?{},?{},?{},?{},?{},?{})", r ? "," : "", p + 1, p + 2,
                           p + 3, p + 4, p + 5, p + 6, p + 7, p + 8, p + 9, p + 10, p + 10);
      }
      st = std::make_unique<SQLite::Statement>(db, sql + " RETURNING id, cm_id");
    }
    return *st;
  }

  // Inserts the titles items[i] for i in `fresh` with a few multi-row statements and returns
  // their ids in the same order. Why not one INSERT per title: the search index (FTS5, kept by
  // a trigger) writes its pending words to disk at the start of every statement that needs a
  // statement journal, and every INSERT into titles needs one; a statement per title wrote a
  // tiny index segment per title, a statement per chunk writes one per chunk.
  std::vector<std::int64_t> insert_new_titles(const std::vector<Title>& items,
                                              const std::vector<std::size_t>& fresh) {
    constexpr std::size_t kChunk = 100;
    std::vector<std::int64_t> ids;
    ids.reserve(fresh.size());
    for (std::size_t from = 0; from < fresh.size(); from += kChunk) {
      std::size_t rows = std::min(kChunk, fresh.size() - from);
      auto& st = insert_titles_statement(rows);
      std::map<std::string, std::int64_t> id_of;  // cm_id -> id (one kind per page item; unique)
      for (std::size_t r = 0; r < rows; ++r)
        bind_new_title(st, static_cast<int>(r) * kTitleParams + 1, items[fresh[from + r]]);
      while (st.executeStep()) id_of[st.getColumn(1).getString()] = st.getColumn(0).getInt64();
      st.reset();
      for (std::size_t r = 0; r < rows; ++r) ids.push_back(id_of.at(items[fresh[from + r]].cm_id));
    }
    return ids;
  }

  // The fast pass over a page: titles CM added are inserted first, in a few statements, then
  // every item's links, queue entries and episodes, item by item.
  ImportCounts write_page_fast(const std::vector<Title>& items) {
    now = now_ms();
    std::vector<std::size_t> fresh;
    for (std::size_t i = 0; i < items.size(); ++i) {
      sel_title.bind(1, std::string(title_kind_name(items[i].kind)));
      sel_title.bind(2, items[i].cm_id);
      if (!lookup(sel_title)) fresh.push_back(i);
    }
    auto ids = insert_new_titles(items, fresh);
    ImportCounts c;
    for (std::size_t i = 0, k = 0; i < items.size(); ++i) {
      std::optional<std::int64_t> inserted;
      if (k < fresh.size() && fresh[k] == i) inserted = ids[k++];
      write_movie_or_show(items[i], c, inserted);
    }
    return c;
  }

  // Statements may have been left mid-step by a failure; a rollback needs them reset.
  void reset_statements() {
    for (auto* st : {&sel_title, &ins_title, &upd_title, &sel_episode, &ins_episode, &upd_episode, &sp_begin,
                     &sp_release})
      st->tryReset();
    links.reset_statements();
    for (auto& [rows, st] : ins_titles) st->tryReset();
    if (seen_title) seen_title->tryReset();
    if (seen_episode) seen_episode->tryReset();
  }

  // Runs one item: in the fast pass (`guarded` false) as it is, so that a refusal fails the
  // whole page; in the careful pass inside a savepoint, so that only the refused item is
  // rolled back. A savepoint per item makes SQLite copy every page the item touches to its
  // sub-journal first, which cost most of a page's time, so it is only paid for a page that
  // holds a refused item.
  template <typename F>
  void guarded_item(const char* kind, const std::string& id, ImportCounts& total, F&& body) {
    if (!guarded) {
      body(total);
      return;
    }
    ImportCounts c;
    run(sp_begin);
    try {
      body(c);
      run(sp_release);
      total += c;
    } catch (const SQLite::Exception& e) {
      reset_statements();
      run(sp_rollback);
      run(sp_release);
      // Only a constraint is about this item; anything else (busy, disk full) is the run's.
      if (e.getErrorCode() != SQLITE_CONSTRAINT) throw;
      ++total.skipped;
      spdlog::warn("import: skipped {} {}: the database refused it ({}, code {})", kind, id, e.what(),
                   e.getErrorCode());
    }
  }

  ImportCounts write_items_of_page(const std::vector<Title>& items) {
    now = now_ms();
    ImportCounts c;
    for (const auto& t : items)
      guarded_item(t.kind == TitleKind::Movie ? "movie" : "show", t.cm_id, c,
                   [&](ImportCounts& ic) { write_movie_or_show(t, ic); });
    return c;
  }
};

CatalogWriter::CatalogWriter(SQLite::Database& db, bool track_seen)
    : impl_(std::make_unique<Impl>(db, track_seen)) {}
CatalogWriter::~CatalogWriter() = default;

ImportCounts CatalogWriter::write_page(const std::vector<Title>& items) {
  auto& w = *impl_;
  // Fast pass: the page as one plain transaction. A refused item (a constraint) rolls the
  // whole page back, and the careful pass writes it again item by item, skipping only it.
  w.guarded = false;
  try {
    return db::write_tx(w.db, [&] { return w.write_page_fast(items); });
  } catch (const SQLite::Exception& e) {
    w.reset_statements();
    if (e.getErrorCode() != SQLITE_CONSTRAINT) throw;
  }
  w.guarded = true;
  auto c = db::write_tx(w.db, [&] { return w.write_items_of_page(items); });
  w.guarded = false;
  return c;
}

std::int64_t CatalogWriter::mark_unseen_gone() {
  if (!impl_->track_seen) return 0;
  auto& db = impl_->db;
  return db::write_tx(db, [&] {
    SQLite::Statement gone(
        db,
        state_sql(
            "UPDATE source_links SET state = {source_gone}, updated_at = ?1 WHERE state = {source_live} AND "
            "(title_id NOT IN (SELECT id FROM cm_seen_titles) OR (episode_id IS NOT NULL AND "
            "episode_id NOT IN (SELECT id FROM cm_seen_episodes)))"));
    gone.bind(1, static_cast<std::int64_t>(now_ms()));
    auto n = gone.exec();
    if (n > 0) {
      db.exec(state_sql(
          "DELETE FROM variant_sources WHERE source_id IN (SELECT id FROM source_links WHERE state = "
          "{source_gone})"));
      // So that a title or episode that comes back is rewritten (and its links revived).
      db.exec("UPDATE titles SET content_hash = '' WHERE id NOT IN (SELECT id FROM cm_seen_titles)");
      db.exec("UPDATE episodes SET content_hash = '' WHERE id NOT IN (SELECT id FROM cm_seen_episodes)");
    }
    return static_cast<std::int64_t>(n);
  });
}

ImportCounts write_items(SQLite::Database& db, const std::vector<Title>& items, std::size_t page_size) {
  CatalogWriter w(db);
  ImportCounts total;
  if (page_size == 0) page_size = 500;
  for (std::size_t i = 0; i < items.size(); i += page_size) {
    std::vector<Title> page(
        items.begin() + static_cast<std::ptrdiff_t>(i),
        items.begin() + static_cast<std::ptrdiff_t>(std::min(items.size(), i + page_size)));
    total += w.write_page(page);
  }
  return total;
}

}  // namespace cmup::cm
