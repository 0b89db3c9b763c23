#include "bot/bot_catalog.hpp"

#include <algorithm>
#include <cctype>

#include "bot/file_id_learning.hpp"
#include "util/clock.hpp"

namespace cmup::bot {
namespace {

std::optional<int> opt_int(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt();
}

std::string str_or_empty(const SQLite::Column& c) { return c.isNull() ? std::string() : c.getString(); }

// Best quality first; UNKNOWN (the original file, quality not known) last.
constexpr const char* kQualityOrder =
    "CASE v.quality WHEN '2160P' THEN 0 WHEN '1440P' THEN 1 WHEN '1080P' THEN 2 WHEN '720P' THEN 3 "
    "WHEN '576P' THEN 4 WHEN '480P' THEN 5 ELSE 6 END";

constexpr const char* kObjectColumns =
    "o.id, o.part_no, o.part_count, o.channel_id, o.message_id, o.file_unique_id, o.bot_file_id, "
    "o.file_name, o.size_bytes, o.duration_s, o.width, o.height, o.mime_type";

StoredObject read_object(SQLite::Statement& q) {
  StoredObject o;
  o.id = q.getColumn(0).getInt64();
  o.part_no = q.getColumn(1).getInt();
  o.part_count = q.getColumn(2).getInt();
  o.channel_id = q.getColumn(3).getInt64();
  o.message_id = q.getColumn(4).getInt64();
  o.file_unique_id = q.getColumn(5).getString();
  o.bot_file_id = str_or_empty(q.getColumn(6));
  o.file_name = q.getColumn(7).getString();
  o.size_bytes = q.getColumn(8).getInt64();
  if (!q.getColumn(9).isNull()) o.duration_s = q.getColumn(9).getDouble();
  o.width = opt_int(q.getColumn(10));
  o.height = opt_int(q.getColumn(11));
  o.mime_type = str_or_empty(q.getColumn(12));
  return o;
}

// FTS5 query: every word as a quoted prefix ("star"* "wa"*), so punctuation in user input
// can never be read as FTS syntax.
std::string fts_query(const std::string& text) {
  std::string out, word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!out.empty()) out += ' ';
    out += '"' + word + "\"*";
    word.clear();
  };
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch >= 0x80) {
      word += static_cast<char>(ch);
    } else {
      flush();
    }
  }
  flush();
  return out;
}

std::string like_pattern(const std::string& text) {
  std::string p = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') p += '\\';
    p += ch;
  }
  return p + "%";
}

TitleRow read_title(SQLite::Statement& q) {
  return TitleRow{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                  opt_int(q.getColumn(3))};
}

constexpr const char* kHasAvailable = "EXISTS (SELECT 1 FROM available_variants v WHERE v.title_id = t.id)";

}  // namespace

bool StoredObject::is_video() const {
  if (mime_type.rfind("video/", 0) == 0) return true;
  if (!mime_type.empty()) return false;
  return duration_s.has_value();
}

std::optional<VariantToSend> load_variant(SQLite::Database& db, std::int64_t variant_id) {
  SQLite::Statement v(db,
                      "SELECT t.title, t.year, e.season, e.episode, e.name, v.quality, v.part_count "
                      "FROM available_variants v JOIN titles t ON t.id = v.title_id "
                      "LEFT JOIN episodes e ON e.id = v.episode_id WHERE v.id = ?");
  v.bind(1, static_cast<int64_t>(variant_id));
  if (!v.executeStep()) return std::nullopt;
  VariantToSend out;
  out.variant_id = variant_id;
  out.caption.title = v.getColumn(0).getString();
  out.caption.year = opt_int(v.getColumn(1));
  out.caption.season = opt_int(v.getColumn(2));
  out.caption.episode = opt_int(v.getColumn(3));
  out.caption.episode_name = str_or_empty(v.getColumn(4));
  out.caption.quality = v.getColumn(5).getString();
  auto expected_parts = opt_int(v.getColumn(6));

  SQLite::Statement q(db, std::string("SELECT ") + kObjectColumns +
                              " FROM telegram_objects o WHERE o.variant_id = ? ORDER BY o.part_no");
  q.bind(1, static_cast<int64_t>(variant_id));
  while (q.executeStep()) out.parts.push_back(read_object(q));
  if (out.parts.empty()) return std::nullopt;
  // Every part 1..N exactly once, N agreeing with the objects (and the variant, when set).
  int n = out.parts.front().part_count;
  if (expected_parts && *expected_parts != n) return std::nullopt;
  if (static_cast<int>(out.parts.size()) != n) return std::nullopt;
  for (int i = 0; i < n; ++i)
    if (out.parts[i].part_no != i + 1 || out.parts[i].part_count != n) return std::nullopt;
  out.caption.part_count = n;
  return out;
}

std::vector<TitleRow> search_titles(SQLite::Database& db, const std::string& query, int limit) {
  std::vector<TitleRow> out;
  auto fts = fts_query(query);
  if (!fts.empty()) {
    SQLite::Statement q(db, std::string("SELECT t.id, t.kind, t.title, t.year FROM titles_fts f "
                                        "JOIN titles t ON t.id = f.rowid WHERE titles_fts MATCH ? AND ") +
                                kHasAvailable + " ORDER BY bm25(titles_fts), t.year DESC LIMIT ?");
    q.bind(1, fts);
    q.bind(2, limit);
    while (q.executeStep()) out.push_back(read_title(q));
  }
  if (out.empty() && !query.empty()) {
    SQLite::Statement q(db, std::string("SELECT t.id, t.kind, t.title, t.year FROM titles t "
                                        "WHERE (t.title LIKE ? ESCAPE '\\' OR t.original_title LIKE ? "
                                        "ESCAPE '\\') AND ") +
                                kHasAvailable + " ORDER BY length(t.title), t.id LIMIT ?");
    auto p = like_pattern(query);
    q.bind(1, p);
    q.bind(2, p);
    q.bind(3, limit);
    while (q.executeStep()) out.push_back(read_title(q));
  }
  return out;
}

std::optional<TitleRow> title_by_id(SQLite::Database& db, std::int64_t title_id) {
  SQLite::Statement q(db, "SELECT t.id, t.kind, t.title, t.year FROM titles t WHERE t.id = ?");
  q.bind(1, static_cast<int64_t>(title_id));
  if (!q.executeStep()) return std::nullopt;
  return read_title(q);
}

std::optional<EpisodeRow> episode_by_id(SQLite::Database& db, std::int64_t episode_id) {
  SQLite::Statement q(db, "SELECT id, title_id, season, episode, name FROM episodes WHERE id = ?");
  q.bind(1, static_cast<int64_t>(episode_id));
  if (!q.executeStep()) return std::nullopt;
  return EpisodeRow{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt(),
                    q.getColumn(3).getInt(), str_or_empty(q.getColumn(4))};
}

std::vector<int> seasons(SQLite::Database& db, std::int64_t title_id) {
  SQLite::Statement q(
      db,
      "SELECT DISTINCT e.season FROM episodes e JOIN available_variants v ON v.episode_id = e.id "
      "WHERE e.title_id = ? ORDER BY e.season");
  q.bind(1, static_cast<int64_t>(title_id));
  std::vector<int> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getInt());
  return out;
}

std::vector<EpisodeRow> episodes(SQLite::Database& db, std::int64_t title_id, int season) {
  SQLite::Statement q(db,
                      "SELECT DISTINCT e.id, e.title_id, e.season, e.episode, e.name FROM episodes e "
                      "JOIN available_variants v ON v.episode_id = e.id "
                      "WHERE e.title_id = ? AND e.season = ? ORDER BY e.episode");
  q.bind(1, static_cast<int64_t>(title_id));
  q.bind(2, season);
  std::vector<EpisodeRow> out;
  while (q.executeStep())
    out.push_back(EpisodeRow{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt(),
                             q.getColumn(3).getInt(), str_or_empty(q.getColumn(4))});
  return out;
}

std::vector<QualityRow> qualities(SQLite::Database& db, std::int64_t title_id, std::int64_t episode_id) {
  SQLite::Statement q(db,
                      std::string("SELECT v.id, v.quality, "
                                  "ifnull(v.size_bytes, (SELECT sum(o.size_bytes) FROM telegram_objects o "
                                  "WHERE o.variant_id = v.id)), "
                                  "ifnull(v.part_count, 1) FROM available_variants v "
                                  "WHERE v.title_id = ? AND ifnull(v.episode_id, 0) = ? ORDER BY ") +
                          kQualityOrder);
  q.bind(1, static_cast<int64_t>(title_id));
  q.bind(2, static_cast<int64_t>(episode_id));
  std::vector<QualityRow> out;
  while (q.executeStep())
    out.push_back(QualityRow{q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                             q.getColumn(2).isNull() ? 0 : q.getColumn(2).getInt64(),
                             q.getColumn(3).getInt()});
  return out;
}

std::vector<SendableObject> sendable_objects(SQLite::Database& db, std::int64_t title_id, int limit) {
  SQLite::Statement q(db, std::string("SELECT ") + kObjectColumns +
                              ", v.id, v.quality, t.title, t.year, e.season, e.episode, e.name "
                              "FROM available_variants v JOIN titles t ON t.id = v.title_id "
                              "JOIN telegram_objects o ON o.variant_id = v.id "
                              "LEFT JOIN episodes e ON e.id = v.episode_id "
                              "WHERE v.title_id = ? AND o.bot_file_id IS NOT NULL "
                              "ORDER BY ifnull(e.season, 0), ifnull(e.episode, 0), " +
                              kQualityOrder + ", o.part_no LIMIT ?");
  q.bind(1, static_cast<int64_t>(title_id));
  q.bind(2, limit);
  std::vector<SendableObject> out;
  while (q.executeStep()) {
    SendableObject s;
    s.object = read_object(q);
    s.variant_id = q.getColumn(13).getInt64();
    s.caption.quality = q.getColumn(14).getString();
    s.caption.title = q.getColumn(15).getString();
    s.caption.year = opt_int(q.getColumn(16));
    s.caption.season = opt_int(q.getColumn(17));
    s.caption.episode = opt_int(q.getColumn(18));
    s.caption.episode_name = str_or_empty(q.getColumn(19));
    s.caption.part_no = s.object.part_no;
    s.caption.part_count = s.object.part_count;
    out.push_back(std::move(s));
  }
  return out;
}

bool store_bot_file_id(SQLite::Database& db, std::int64_t channel_id, std::int64_t message_id,
                       const std::string& file_unique_id, const std::string& bot_file_id) {
  // The unique id guards against a message id that now holds another file.
  SQLite::Statement q(db,
                      "UPDATE telegram_objects SET bot_file_id = ? WHERE channel_id = ? AND message_id = ? "
                      "AND (? = '' OR file_unique_id = ?)");
  q.bind(1, bot_file_id);
  q.bind(2, static_cast<int64_t>(channel_id));
  q.bind(3, static_cast<int64_t>(message_id));
  q.bind(4, file_unique_id);
  q.bind(5, file_unique_id);
  return q.exec() > 0;
}

std::vector<StoredObject> objects_due_for_learning(SQLite::Database& db, std::int64_t now_ms, int limit) {
  // The same conditions as learning::claim(); a stale 'forwarding' claim becomes due when
  // its staleness ends.
  SQLite::Statement q(db,
                      std::string("SELECT ") + kObjectColumns +
                          " FROM telegram_objects o LEFT JOIN bot_file_id_learning l ON l.object_id = o.id"
                          " WHERE o.bot_file_id IS NULL AND (l.object_id IS NULL"
                          "   OR (l.state = 'failed' AND l.next_attempt_at <= ?1)"
                          "   OR (l.state = 'forwarding' AND l.claimed_at <= ?1 - ?2))"
                          " ORDER BY CASE WHEN l.state = 'forwarding' THEN l.claimed_at + ?2"
                          "   ELSE COALESCE(l.next_attempt_at, 0) END, o.id LIMIT ?3");
  q.bind(1, static_cast<int64_t>(now_ms));
  q.bind(2, static_cast<int64_t>(learning::kStaleClaimMs));
  q.bind(3, limit);
  std::vector<StoredObject> out;
  while (q.executeStep()) out.push_back(read_object(q));
  return out;
}

void log_delivery(SQLite::Database& db, const DeliveryLogRow& r) {
  SQLite::Statement q(
      db,
      "INSERT INTO deliveries(user_id, chat_id, variant_id, via, outcome, error, latency_ms, "
      "created_at) VALUES (?, ?, (SELECT id FROM upload_variants WHERE id = ?), ?, ?, ?, ?, ?)");
  q.bind(1, static_cast<int64_t>(r.user_id));
  q.bind(2, static_cast<int64_t>(r.chat_id));
  q.bind(3, static_cast<int64_t>(r.variant_id));
  q.bind(4, r.via);
  q.bind(5, r.outcome);
  if (r.error.empty()) {
    q.bind(6);
  } else {
    q.bind(6, r.error.substr(0, 500));
  }
  q.bind(7, static_cast<int64_t>(r.latency_ms));
  q.bind(8, static_cast<int64_t>(r.created_at));
  q.exec();
}

int deliveries_since(SQLite::Database& db, std::int64_t user_id, std::int64_t since_ms) {
  SQLite::Statement q(db,
                      "SELECT count(*) FROM deliveries WHERE user_id = ? AND created_at >= ? "
                      "AND outcome IN ('sent', 'fallback_copy')");
  q.bind(1, static_cast<int64_t>(user_id));
  q.bind(2, static_cast<int64_t>(since_ms));
  q.executeStep();
  return q.getColumn(0).getInt();
}

bool daily_limit_reached(SQLite::Database& db, std::int64_t user_id, int daily_limit) {
  return daily_limit > 0 && deliveries_since(db, user_id, utc_day_start_ms(now_ms())) >= daily_limit;
}

DeliveryCounts delivery_counts(SQLite::Database& db, std::int64_t since_ms) {
  DeliveryCounts c;
  SQLite::Statement q(db, "SELECT outcome, count(*) FROM deliveries WHERE created_at >= ? GROUP BY outcome");
  q.bind(1, static_cast<int64_t>(since_ms));
  while (q.executeStep()) {
    auto o = q.getColumn(0).getString();
    int n = q.getColumn(1).getInt();
    if (o == "sent") c.sent = n;
    if (o == "fallback_copy") c.fallback_copy = n;
    if (o == "not_available") c.not_available = n;
    if (o == "rate_limited") c.rate_limited = n;
    if (o == "failed") c.failed = n;
  }
  SQLite::Statement m(db,
                      "SELECT latency_ms FROM deliveries WHERE created_at >= ? AND latency_ms IS NOT NULL "
                      "AND outcome IN ('sent', 'fallback_copy') ORDER BY latency_ms "
                      "LIMIT 1 OFFSET (SELECT count(*) FROM deliveries WHERE created_at >= ? AND latency_ms "
                      "IS NOT NULL AND outcome IN ('sent', 'fallback_copy')) / 2");
  m.bind(1, static_cast<int64_t>(since_ms));
  m.bind(2, static_cast<int64_t>(since_ms));
  if (m.executeStep()) c.median_latency_ms = m.getColumn(0).getInt64();
  SQLite::Statement w(db, "SELECT count(*) FROM telegram_objects WHERE bot_file_id IS NULL");
  if (w.executeStep()) c.objects_without_bot_file_id = w.getColumn(0).getInt();
  return c;
}

}  // namespace cmup::bot
