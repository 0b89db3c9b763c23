#include "cm/catalog_writer.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "catalog/coded_name.hpp"
#include "db/database.hpp"
#include "db/job_state.hpp"
#include "util/clock.hpp"
#include "util/safe_text.hpp"

namespace cmup::cm {

namespace {

// A source link of one owner (title or episode) as stored.
struct LinkRow {
  std::int64_t id = 0;
  std::string url_norm;
  Quality quality = Quality::Unknown;
  bool explicit_quality = false;
  bool mp4 = false;
  int cm_order = 0;
  SourceState state = SourceState::Live;
};

struct VariantRow {
  std::int64_t id = 0;
  Quality quality = Quality::Unknown;
  JobState state = JobState::Pending;
};

// The documented preference: explicit quality over inferred, MP4 over other containers,
// then CM's order.
bool preferred(const LinkRow& a, const LinkRow& b) {
  if (a.explicit_quality != b.explicit_quality) return a.explicit_quality;
  if (a.mp4 != b.mp4) return a.mp4;
  if (a.cm_order != b.cm_order) return a.cm_order < b.cm_order;
  return a.id < b.id;
}

void bind_opt(SQLite::Statement& st, int i, const std::optional<std::string>& v) {
  if (v)
    st.bind(i, *v);
  else
    st.bind(i);
}

void bind_opt(SQLite::Statement& st, int i, const std::optional<std::int64_t>& v) {
  if (v)
    st.bind(i, static_cast<std::int64_t>(*v));
  else
    st.bind(i);
}

std::string genres_json(const std::vector<std::string>& genres) { return safe_dump(nlohmann::json(genres)); }

bool link_is_mp4(const std::optional<std::string>& container, const std::string& url_norm) {
  Source s;
  s.container = container;
  s.url_norm = url_norm;
  return s.is_mp4();
}

// The owner whose links and variants are being synchronised.
struct Owner {
  std::int64_t title_id = 0;
  std::optional<std::int64_t> episode_id;
  int season = 0, episode = 0;
  bool is_new = false;
  std::string coded_name(Quality q) const {
    return episode_id ? episode_coded_name(title_id, season, episode, q) : movie_coded_name(title_id, q);
  }
};

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

  // Prepared once, reused for every item (the import's hot path).
  SQLite::Statement sel_title{db, "SELECT id, content_hash FROM titles WHERE kind = ?1 AND cm_id = ?2"};
  SQLite::Statement ins_title{
      db,
      "INSERT INTO titles (kind, cm_id, title, original_title, year, poster_url, overview, "
      "genres, content_hash, created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?10)"};
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
  SQLite::Statement sel_links{
      db,
      "SELECT id, url_norm, url, quality, quality_from, label, size_bytes, container, host, "
      "cm_order, state FROM source_links WHERE title_id = ?1 AND ifnull(episode_id, 0) = ?2"};
  SQLite::Statement ins_link{
      db, state_sql("INSERT INTO source_links (title_id, episode_id, url, url_norm, quality, quality_from, "
                    "label, size_bytes, container, host, cm_order, state, created_at, updated_at) "
                    "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,{source_live},?12,?12)")};
  SQLite::Statement upd_link{db,
                             "UPDATE source_links SET url = ?2, quality = ?3, quality_from = ?4, label = ?5, "
                             "size_bytes = ?6, container = ?7, host = ?8, cm_order = ?9, state = ?10, "
                             "updated_at = ?11 WHERE id = ?1"};
  SQLite::Statement gone_link{
      db, state_sql("UPDATE source_links SET state = {source_gone}, updated_at = ?2 WHERE id = ?1")};
  SQLite::Statement sel_variants{
      db,
      "SELECT id, quality, state FROM upload_variants WHERE title_id = ?1 AND ifnull(episode_id, 0) = ?2"};
  SQLite::Statement ins_variant{
      db, state_sql("INSERT INTO upload_variants (title_id, episode_id, quality, coded_name, state, "
                    "created_at, updated_at) VALUES (?1,?2,?3,?4,{pending},?5,?5)")};
  SQLite::Statement sel_vsources{db,
                                 "SELECT source_id FROM variant_sources WHERE variant_id = ?1 ORDER BY rank"};
  SQLite::Statement del_vsources{db, "DELETE FROM variant_sources WHERE variant_id = ?1"};
  SQLite::Statement ins_vsource{
      db, "INSERT INTO variant_sources (variant_id, source_id, rank) VALUES (?1,?2,?3)"};
  SQLite::Statement sp_begin{db, "SAVEPOINT cm_item"};
  SQLite::Statement sp_release{db, "RELEASE cm_item"};
  SQLite::Statement sp_rollback{db, "ROLLBACK TO cm_item"};
  std::unique_ptr<SQLite::Statement> seen_title, seen_episode;

  Impl(SQLite::Database& d, bool track) : db(d), track_seen(track) {
    // A page touches many index pages (links, queue, search); a larger cache for this
    // connection writes each of them once per commit instead of spilling mid-transaction.
    db.exec("PRAGMA cache_size = -65536");
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

  static void run(SQLite::Statement& st) {
    st.exec();
    st.reset();
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

  std::vector<LinkRow> load_links(const Owner& o) {
    std::vector<LinkRow> rows;
    sel_links.bind(1, static_cast<std::int64_t>(o.title_id));
    sel_links.bind(2, static_cast<std::int64_t>(o.episode_id.value_or(0)));
    while (sel_links.executeStep()) {
      LinkRow r;
      r.id = sel_links.getColumn(0).getInt64();
      r.url_norm = sel_links.getColumn(1).getString();
      r.quality = quality_from_label(sel_links.getColumn(3).getString()).value_or(Quality::Unknown);
      r.explicit_quality = sel_links.getColumn(4).getString() == "explicit";
      auto container = sel_links.getColumn(7).isNull()
                           ? std::nullopt
                           : std::optional<std::string>(sel_links.getColumn(7).getString());
      r.mp4 = link_is_mp4(container, r.url_norm);
      r.cm_order = sel_links.getColumn(9).getInt();
      r.state = parse_source_state(sel_links.getColumn(10).getString()).value_or(SourceState::Dead);
      rows.push_back(std::move(r));
    }
    sel_links.reset();
    return rows;
  }

  void bind_link_fields(SQLite::Statement& st, int first, const Source& s) {
    // first: url, +1 quality, +2 quality_from, +3 label, +4 size, +5 container, +6 host, +7 cm_order
    st.bind(first, s.url);
    st.bind(first + 1, std::string(quality_label(s.quality)));
    st.bind(first + 2, std::string(quality_from_name(s.quality_from)));
    bind_opt(st, first + 3, s.label);
    bind_opt(st, first + 4, s.size_bytes);
    bind_opt(st, first + 5, s.container);
    st.bind(first + 6, s.host);
    st.bind(first + 7, s.cm_order);
  }

  LinkRow insert_link(const Owner& o, const Source& s, ImportCounts& c) {
    ins_link.bind(1, static_cast<std::int64_t>(o.title_id));
    if (o.episode_id)
      ins_link.bind(2, static_cast<std::int64_t>(*o.episode_id));
    else
      ins_link.bind(2);
    ins_link.bind(3, s.url);
    ins_link.bind(4, s.url_norm);
    ins_link.bind(5, std::string(quality_label(s.quality)));
    ins_link.bind(6, std::string(quality_from_name(s.quality_from)));
    bind_opt(ins_link, 7, s.label);
    bind_opt(ins_link, 8, s.size_bytes);
    bind_opt(ins_link, 9, s.container);
    ins_link.bind(10, s.host);
    ins_link.bind(11, s.cm_order);
    ins_link.bind(12, static_cast<std::int64_t>(now));
    run(ins_link);
    ++c.sources_new;
    return LinkRow{db.getLastInsertRowid(),
                   s.url_norm,
                   s.quality,
                   s.quality_from == QualityFrom::Explicit,
                   s.is_mp4(),
                   s.cm_order,
                   SourceState::Live};
  }

  // Brings the owner's links in line with CM's list; returns all of the owner's links.
  std::vector<LinkRow> sync_links(const Owner& o, const std::vector<Source>& sources, ImportCounts& c) {
    std::vector<LinkRow> rows = o.is_new ? std::vector<LinkRow>{} : load_links(o);
    std::map<std::string, std::size_t> by_url;
    for (std::size_t i = 0; i < rows.size(); ++i) by_url[rows[i].url_norm] = i;
    std::vector<bool> listed(rows.size(), false);
    for (const auto& s : sources) {
      auto it = by_url.find(s.url_norm);
      if (it == by_url.end()) {
        rows.push_back(insert_link(o, s, c));
        listed.push_back(true);
        continue;
      }
      auto& r = rows[it->second];
      listed[it->second] = true;
      // A 'dead' link stays dead (its failures are real); a 'gone' one is back.
      SourceState state = r.state == SourceState::Gone ? SourceState::Live : r.state;
      upd_link.bind(1, static_cast<std::int64_t>(r.id));
      bind_link_fields(upd_link, 2, s);
      upd_link.bind(10, source_state_name(state));
      upd_link.bind(11, static_cast<std::int64_t>(now));
      run(upd_link);
      r = LinkRow{r.id,       s.url_norm, s.quality, s.quality_from == QualityFrom::Explicit,
                  s.is_mp4(), s.cm_order, state};
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (listed[i] || rows[i].state != SourceState::Live) continue;
      gone_link.bind(1, static_cast<std::int64_t>(rows[i].id));
      gone_link.bind(2, static_cast<std::int64_t>(now));
      run(gone_link);
      rows[i].state = SourceState::Gone;
      ++c.sources_gone;
    }
    return rows;
  }

  std::vector<std::int64_t> current_ranking(std::int64_t variant_id) {
    std::vector<std::int64_t> ids;
    sel_vsources.bind(1, static_cast<std::int64_t>(variant_id));
    while (sel_vsources.executeStep()) ids.push_back(sel_vsources.getColumn(0).getInt64());
    sel_vsources.reset();
    return ids;
  }

  void write_ranking(std::int64_t variant_id, const std::vector<std::int64_t>& ids, bool had_rows) {
    if (had_rows) {
      del_vsources.bind(1, static_cast<std::int64_t>(variant_id));
      run(del_vsources);
    }
    for (std::size_t rank = 0; rank < ids.size(); ++rank) {
      ins_vsource.bind(1, static_cast<std::int64_t>(variant_id));
      ins_vsource.bind(2, static_cast<std::int64_t>(ids[rank]));
      ins_vsource.bind(3, static_cast<std::int64_t>(rank));
      run(ins_vsource);
    }
  }

  std::vector<VariantRow> load_variants(const Owner& o) {
    std::vector<VariantRow> out;
    if (o.is_new) return out;
    sel_variants.bind(1, static_cast<std::int64_t>(o.title_id));
    sel_variants.bind(2, static_cast<std::int64_t>(o.episode_id.value_or(0)));
    while (sel_variants.executeStep())
      out.push_back({sel_variants.getColumn(0).getInt64(),
                     quality_from_label(sel_variants.getColumn(1).getString()).value_or(Quality::Unknown),
                     parse_state(sel_variants.getColumn(2).getString()).value_or(JobState::Pending)});
    sel_variants.reset();
    return out;
  }

  VariantRow insert_variant(const Owner& o, Quality q, ImportCounts& c) {
    ins_variant.bind(1, static_cast<std::int64_t>(o.title_id));
    if (o.episode_id)
      ins_variant.bind(2, static_cast<std::int64_t>(*o.episode_id));
    else
      ins_variant.bind(2);
    ins_variant.bind(3, std::string(quality_label(q)));
    ins_variant.bind(4, o.coded_name(q));
    ins_variant.bind(5, static_cast<std::int64_t>(now));
    run(ins_variant);
    ++c.variants_new;
    return {db.getLastInsertRowid(), q, JobState::Pending};
  }

  // One variant per quality with a live link; each variant's ranking rewritten if it changed.
  void sync_variants(const Owner& o, std::vector<LinkRow> links, ImportCounts& c) {
    std::sort(links.begin(), links.end(), preferred);
    auto variants = load_variants(o);
    for (const auto& l : links) {
      if (l.state != SourceState::Live) continue;
      if (std::none_of(variants.begin(), variants.end(),
                       [&](const VariantRow& v) { return v.quality == l.quality; }))
        variants.push_back(insert_variant(o, l.quality, c));
    }
    for (const auto& v : variants) {
      std::vector<std::int64_t> wanted;
      for (const auto& l : links)
        if (l.state == SourceState::Live && l.quality == v.quality) wanted.push_back(l.id);
      auto current = o.is_new ? std::vector<std::int64_t>{} : current_ranking(v.id);
      std::vector<std::int64_t> ranking;
      if (v.state == JobState::Done) {
        // A finished variant keeps its order; new links are fallbacks at the end.
        for (auto id : current)
          if (std::find(wanted.begin(), wanted.end(), id) != wanted.end()) ranking.push_back(id);
        for (auto id : wanted)
          if (std::find(ranking.begin(), ranking.end(), id) == ranking.end()) ranking.push_back(id);
      } else {
        ranking = wanted;
      }
      if (ranking != current) write_ranking(v.id, ranking, !current.empty());
    }
  }

  void write_movie_or_show(const Title& t, ImportCounts& c) {
    sel_title.bind(1, std::string(title_kind_name(t.kind)));
    sel_title.bind(2, t.cm_id);
    auto existing = lookup(sel_title);
    Owner o;
    if (existing && existing->second == t.content_hash) {
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
      ins_title.bind(1, std::string(title_kind_name(t.kind)));
      ins_title.bind(2, t.cm_id);
      ins_title.bind(3, t.title);
      bind_opt(ins_title, 4, t.original_title);
      bind_opt(ins_title, 5, t.year ? std::optional<std::int64_t>(*t.year) : std::nullopt);
      bind_opt(ins_title, 6, t.poster_url);
      bind_opt(ins_title, 7, t.overview);
      ins_title.bind(8, genres_json(t.genres));
      ins_title.bind(9, t.content_hash);
      ins_title.bind(10, static_cast<std::int64_t>(now));
      run(ins_title);
      o.title_id = db.getLastInsertRowid();
      o.is_new = true;
      ++c.titles_new;
    }
    mark_seen(seen_title.get(), o.title_id);
    bool changed = !existing || existing->second != t.content_hash;
    if (t.kind == TitleKind::Movie && changed) sync_variants(o, sync_links(o, t.sources, c), c);
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
    Owner o;
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
    sync_variants(o, sync_links(o, e.sources, c), c);
  }

  // Runs one item inside a savepoint: if the database refuses it, only it is rolled back.
  template <typename F>
  void guarded_item(const char* kind, const std::string& id, ImportCounts& total, F&& body) {
    ImportCounts c;
    run(sp_begin);
    try {
      body(c);
      run(sp_release);
      total += c;
    } catch (const SQLite::Exception& e) {
      // Statements may have been left mid-step by the failure; a rollback needs them reset.
      for (auto* st : {&sel_title, &ins_title, &upd_title, &sel_episode, &ins_episode, &upd_episode,
                       &sel_links, &ins_link, &upd_link, &gone_link, &sel_variants, &ins_variant,
                       &sel_vsources, &del_vsources, &ins_vsource, &sp_begin, &sp_release})
        st->tryReset();
      run(sp_rollback);
      run(sp_release);
      // Only a constraint is about this item; anything else (busy, disk full) is the run's.
      if (e.getErrorCode() != SQLITE_CONSTRAINT) throw;
      ++total.skipped;
      spdlog::warn("import: skipped {} {}: the database refused it ({}, code {})", kind, id, e.what(),
                   e.getErrorCode());
    }
  }
};

CatalogWriter::CatalogWriter(SQLite::Database& db, bool track_seen)
    : impl_(std::make_unique<Impl>(db, track_seen)) {}
CatalogWriter::~CatalogWriter() = default;

ImportCounts CatalogWriter::write_page(const std::vector<Title>& items) {
  return db::write_tx(impl_->db, [&] {
    impl_->now = now_ms();
    ImportCounts c;
    for (const auto& t : items)
      impl_->guarded_item(t.kind == TitleKind::Movie ? "movie" : "show", t.cm_id, c,
                          [&](ImportCounts& ic) { impl_->write_movie_or_show(t, ic); });
    return c;
  });
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
