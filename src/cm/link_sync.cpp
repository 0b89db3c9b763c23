#include "cm/link_sync.hpp"

#include <algorithm>
#include <map>

#include "cm/statement_binds.hpp"
#include "db/job_state.hpp"

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

bool link_is_mp4(const std::optional<std::string>& container, const std::string& url_norm) {
  Source s;
  s.container = container;
  s.url_norm = url_norm;
  return s.is_mp4();
}

}  // namespace

struct LinkSync::Impl {
  SQLite::Database& db;
  std::int64_t now = 0;

  // Prepared once, reused for every item (the import's hot path).
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

  explicit Impl(SQLite::Database& d) : db(d) {}

  std::vector<LinkRow> load_links(const LinkOwner& o) {
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

  LinkRow insert_link(const LinkOwner& o, const Source& s, ImportCounts& c) {
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
  std::vector<LinkRow> sync_links(const LinkOwner& o, const std::vector<Source>& sources, ImportCounts& c) {
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

  std::vector<VariantRow> load_variants(const LinkOwner& o) {
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

  VariantRow insert_variant(const LinkOwner& o, Quality q, ImportCounts& c) {
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
  void sync_variants(const LinkOwner& o, std::vector<LinkRow> links, ImportCounts& c) {
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
};

LinkSync::LinkSync(SQLite::Database& db) : impl_(std::make_unique<Impl>(db)) {}
LinkSync::~LinkSync() = default;

void LinkSync::sync(const LinkOwner& o, const std::vector<Source>& sources, std::int64_t now,
                    ImportCounts& c) {
  impl_->now = now;
  impl_->sync_variants(o, impl_->sync_links(o, sources, c), c);
}

void LinkSync::reset_statements() {
  auto& i = *impl_;
  for (auto* st : {&i.sel_links, &i.ins_link, &i.upd_link, &i.gone_link, &i.sel_variants, &i.ins_variant,
                   &i.sel_vsources, &i.del_vsources, &i.ins_vsource})
    st->tryReset();
}

}  // namespace cmup::cm
