#include "web/catalog_reader.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "bot/season_plan.hpp"

namespace cmup::web {

namespace {

using nlohmann::json;

// Columns of a title summary, in the order summary_from() reads them.
const std::string kSummaryColumns =
    "t.id, t.kind, t.title, t.original_title, t.year, " + stored_image_sql("poster") +
    ", t.genres, t.created_at, "
    "(SELECT group_concat(DISTINCT v.quality) FROM available_variants v WHERE v.title_id = t.id)";

json nullable_text(const SQLite::Column& c) { return c.isNull() ? json(nullptr) : json(c.getString()); }
json nullable_int(const SQLite::Column& c) { return c.isNull() ? json(nullptr) : json(c.getInt64()); }

}  // namespace

std::string stored_image_sql(const char* role) {
  return std::string("(SELECT i.sha256 FROM title_images i WHERE i.title_id = t.id AND i.role = '") + role +
         "')";
}

json stored_image_url(const SQLite::Column& sha, catalog::ImageSize size) {
  return sha.isNull() ? json(nullptr) : json(catalog::image_url(sha.getString(), size));
}

namespace {

json sorted_qualities(const std::string& csv) {
  std::vector<std::string> qs;
  std::size_t pos = 0;
  while (pos < csv.size()) {
    std::size_t comma = csv.find(',', pos);
    if (comma == std::string::npos) comma = csv.size();
    if (comma > pos) qs.push_back(csv.substr(pos, comma - pos));
    pos = comma + 1;
  }
  std::sort(qs.begin(), qs.end(),
            [](const auto& a, const auto& b) { return quality_rank(a) < quality_rank(b); });
  return qs;
}

// json's noexcept default constructor has a throw for a value type it never gets (null);
// clang-tidy 14 cannot tell. NOLINTNEXTLINE(bugprone-exception-escape)
struct Row {
  json summary;
  std::int64_t created_at = 0;
};

Row summary_from(SQLite::Statement& q) {
  Row r;
  r.summary = {{"id", q.getColumn(0).getInt64()},
               {"kind", q.getColumn(1).getString()},
               {"title", q.getColumn(2).getString()},
               {"original_title", nullable_text(q.getColumn(3))},
               {"year", nullable_int(q.getColumn(4))},
               {"poster_url", stored_image_url(q.getColumn(5), catalog::ImageSize::Card)},
               {"genres", parse_genres(q.getColumn(6).getString())},
               {"qualities", sorted_qualities(q.getColumn(8).isNull() ? "" : q.getColumn(8).getString())}};
  r.created_at = q.getColumn(7).getInt64();
  return r;
}

std::string order_sql(TitleSort s) {
  switch (s) {
    case TitleSort::Year:
      return " ORDER BY ifnull(t.year, 0) DESC, t.id DESC";
    case TitleSort::Title:
      return " ORDER BY t.title COLLATE NOCASE ASC, t.id ASC";
    default:
      return " ORDER BY t.created_at DESC, t.id DESC";
  }
}

// Keyset condition: strictly after the last title of the previous page in sort order.
std::string after_sql(TitleSort s) {
  switch (s) {
    case TitleSort::Year:
      return " AND (ifnull(t.year, 0) < ? OR (ifnull(t.year, 0) = ? AND t.id < ?))";
    case TitleSort::Title:
      return " AND (t.title COLLATE NOCASE > ? OR (t.title COLLATE NOCASE = ? AND t.id > ?))";
    default:
      return " AND (t.created_at < ? OR (t.created_at = ? AND t.id < ?))";
  }
}

json browse(SQLite::Database& db, const TitleQuery& q) {
  SqlClause filter = to_sql(q.filter);
  bool keyed = q.cursor && !std::holds_alternative<std::monostate>(q.cursor->key);
  std::string sql = std::string("SELECT ") + kSummaryColumns + " FROM titles t WHERE 1" + filter.sql +
                    (keyed ? after_sql(q.sort) : "") + order_sql(q.sort) + " LIMIT ?";
  SQLite::Statement st(db, sql);
  int i = filter.bind(st, 1);
  if (keyed) {
    for (int k = 0; k < 2; ++k) {
      if (const auto* n = std::get_if<std::int64_t>(&q.cursor->key))
        st.bind(i++, *n);
      else
        st.bind(i++, std::get<std::string>(q.cursor->key));
    }
    st.bind(i++, q.cursor->last_id);
  }
  st.bind(i, static_cast<std::int64_t>(q.limit) + 1);  // one more tells whether a next page exists
  json titles = json::array();
  std::optional<TitleCursor> next;
  while (st.executeStep()) {
    if (static_cast<int>(titles.size()) == q.limit) {
      const json& last = titles.back();
      TitleCursor c;
      c.last_id = last["id"].get<std::int64_t>();
      if (q.sort == TitleSort::Year)
        c.key = last["year"].is_null() ? std::int64_t{0} : last["year"].get<std::int64_t>();
      else if (q.sort == TitleSort::Title)
        c.key = last["title"].get<std::string>();
      next = c;
      break;
    }
    Row r = summary_from(st);
    if (q.sort == TitleSort::Newest || q.sort == TitleSort::Relevance)
      r.summary["_created_at"] = r.created_at;
    titles.push_back(std::move(r.summary));
  }
  if (next && (q.sort == TitleSort::Newest || q.sort == TitleSort::Relevance))
    next->key = titles.back()["_created_at"].get<std::int64_t>();
  for (auto& t : titles) t.erase("_created_at");
  return {{"titles", titles}, {"next_cursor", next ? json(encode_cursor(q, *next)) : json(nullptr)}};
}

json variant_json(std::int64_t id, const std::string& quality, std::int64_t parts, std::int64_t bytes,
                  const CatalogLinks& links) {
  return {{"id", id},
          {"quality", quality},
          {"size_bytes", bytes},
          {"part_count", parts},
          {"deep_link", deep_link(links, id)}};
}

}  // namespace

json parse_genres(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  json out = json::array();
  if (j.is_array())
    for (const auto& g : j)
      if (g.is_string()) out.push_back(g);
  return out;
}

int quality_rank(const std::string& label) {
  static const std::map<std::string, int> ranks = {{"2160P", 0}, {"1440P", 1}, {"1080P", 2},  {"720P", 3},
                                                   {"576P", 4},  {"480P", 5},  {"UNKNOWN", 6}};
  auto it = ranks.find(label);
  return it == ranks.end() ? 7 : it->second;
}

std::string deep_link(const CatalogLinks& links, std::int64_t variant_id) {
  return "https://t.me/" + links.bot_username + "?start=v" + std::to_string(variant_id);
}

json list_titles(SQLite::Database& db, const TitleQuery& q) {
  if (!q.q.empty()) throw std::invalid_argument("list_titles browses; searches go through SearchService");
  return browse(db, q);
}

std::optional<json> title_detail(SQLite::Database& db, std::int64_t title_id, const CatalogLinks& links) {
  SQLite::Statement t(db, "SELECT id, kind, title, original_title, year, " + stored_image_sql("poster") +
                              ", overview, genres, " + stored_image_sql("backdrop") +
                              " FROM titles t WHERE id = ?");
  t.bind(1, title_id);
  if (!t.executeStep()) return std::nullopt;
  json out = {{"id", t.getColumn(0).getInt64()},
              {"kind", t.getColumn(1).getString()},
              {"title", t.getColumn(2).getString()},
              {"original_title", nullable_text(t.getColumn(3))},
              {"year", nullable_int(t.getColumn(4))},
              {"poster_url", stored_image_url(t.getColumn(5), catalog::ImageSize::Page)},
              {"backdrop_url", stored_image_url(t.getColumn(8), catalog::ImageSize::Page)},
              {"overview", nullable_text(t.getColumn(6))},
              {"genres", parse_genres(t.getColumn(7).getString())}};

  // Available variants by episode (0 = the title itself), best quality first.
  std::map<std::int64_t, std::vector<std::pair<int, json>>> by_episode;
  SQLite::Statement v(db,
                      "SELECT v.id, ifnull(v.episode_id, 0), v.quality, count(o.id), sum(o.size_bytes) "
                      "FROM available_variants v JOIN telegram_objects o ON o.variant_id = v.id "
                      "WHERE v.title_id = ? GROUP BY v.id");
  v.bind(1, title_id);
  while (v.executeStep()) {
    std::string quality = v.getColumn(2).getString();
    by_episode[v.getColumn(1).getInt64()].emplace_back(
        quality_rank(quality), variant_json(v.getColumn(0).getInt64(), quality, v.getColumn(3).getInt64(),
                                            v.getColumn(4).getInt64(), links));
  }
  auto variants_of = [&](std::int64_t episode) {
    json arr = json::array();
    auto it = by_episode.find(episode);
    if (it == by_episode.end()) return arr;
    std::stable_sort(it->second.begin(), it->second.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [rank, j] : it->second) arr.push_back(j);
    return arr;
  };
  out["variants"] = variants_of(0);

  json seasons = json::array();
  SQLite::Statement e(db,
                      "SELECT id, season, episode, name, air_date FROM episodes WHERE title_id = ? "
                      "ORDER BY season, episode");
  e.bind(1, title_id);
  while (e.executeStep()) {
    std::int64_t season = e.getColumn(1).getInt64();
    if (seasons.empty() || seasons.back()["season"] != season)
      seasons.push_back({{"season", season},
                         // "Send the whole season" outside Telegram (the bot's /start s<title>_<season>).
                         {"deep_link", "https://t.me/" + links.bot_username + "?start=" +
                                           bot::season_start_payload({title_id, static_cast<int>(season), ""})},
                         {"episodes", json::array()}});
    std::int64_t id = e.getColumn(0).getInt64();
    seasons.back()["episodes"].push_back({{"id", id},
                                          {"season", season},
                                          {"episode", e.getColumn(2).getInt64()},
                                          {"name", nullable_text(e.getColumn(3))},
                                          {"air_date", nullable_text(e.getColumn(4))},
                                          {"variants", variants_of(id)}});
  }
  out["seasons"] = seasons;
  return out;
}

VariantAvailability variant_availability(SQLite::Database& db, std::int64_t variant_id) {
  SQLite::Statement q(db,
                      "SELECT EXISTS (SELECT 1 FROM available_variants a WHERE a.id = v.id) "
                      "FROM upload_variants v WHERE v.id = ?");
  q.bind(1, variant_id);
  if (!q.executeStep()) return VariantAvailability::Missing;
  return q.getColumn(0).getInt() ? VariantAvailability::Available : VariantAvailability::NotAvailable;
}

VariantObjects variant_objects(SQLite::Database& db, std::int64_t variant_id) {
  VariantObjects r;
  SQLite::Statement v(db,
                      "SELECT v.id, v.title_id, v.episode_id, v.quality, v.coded_name, v.state, "
                      "EXISTS (SELECT 1 FROM available_variants a WHERE a.id = v.id) FROM upload_variants v "
                      "WHERE v.id = ?");
  v.bind(1, variant_id);
  if (!v.executeStep()) return r;
  json objects = json::array();
  SQLite::Statement o(db,
                      "SELECT part_no, part_count, account, channel_id, message_id, file_id, file_unique_id, "
                      "bot_file_id, file_name, size_bytes, duration_s, width, height, mime_type "
                      "FROM telegram_objects WHERE variant_id = ? ORDER BY part_no");
  o.bind(1, variant_id);
  while (o.executeStep()) {
    objects.push_back(
        {{"part_no", o.getColumn(0).getInt64()},
         {"part_count", o.getColumn(1).getInt64()},
         {"account", o.getColumn(2).getString()},
         {"channel_id", o.getColumn(3).getInt64()},
         {"message_id", o.getColumn(4).getInt64()},
         {"file_id", o.getColumn(5).getString()},
         {"file_unique_id", o.getColumn(6).getString()},
         {"bot_file_id", nullable_text(o.getColumn(7))},
         {"file_name", o.getColumn(8).getString()},
         {"size_bytes", o.getColumn(9).getInt64()},
         {"duration_s", o.getColumn(10).isNull() ? json(nullptr) : json(o.getColumn(10).getDouble())},
         {"width", nullable_int(o.getColumn(11))},
         {"height", nullable_int(o.getColumn(12))},
         {"mime_type", nullable_text(o.getColumn(13))}});
  }
  if (v.getColumn(6).getInt() == 0) {
    r.status = ObjectsStatus::NotAvailable;
    r.state = v.getColumn(5).getString();
    return r;
  }
  r.status = ObjectsStatus::Ok;
  r.body = {{"variant_id", v.getColumn(0).getInt64()},    {"title_id", v.getColumn(1).getInt64()},
            {"episode_id", nullable_int(v.getColumn(2))}, {"quality", v.getColumn(3).getString()},
            {"coded_name", v.getColumn(4).getString()},   {"objects", objects}};
  return r;
}

json facets(SQLite::Database& db) {
  json genres = json::array();
  {
    SQLite::Statement q(db,
                        "SELECT DISTINCT g.value FROM titles t, json_each(t.genres) g ORDER BY 1 LIMIT 200");
    while (q.executeStep())
      if (q.getColumn(0).isText()) genres.push_back(q.getColumn(0).getString());
  }
  std::set<std::string> qs;
  {
    SQLite::Statement q(db, "SELECT DISTINCT quality FROM available_variants");
    while (q.executeStep()) qs.insert(q.getColumn(0).getString());
  }
  std::vector<std::string> qv(qs.begin(), qs.end());
  std::sort(qv.begin(), qv.end(),
            [](const auto& a, const auto& b) { return quality_rank(a) < quality_rank(b); });
  SQLite::Statement y(db, "SELECT min(year), max(year) FROM titles");
  y.executeStep();
  return {{"kinds", {"movie", "show"}},
          {"genres", genres},
          {"qualities", qv},
          {"year_min", nullable_int(y.getColumn(0))},
          {"year_max", nullable_int(y.getColumn(1))}};
}

}  // namespace cmup::web
