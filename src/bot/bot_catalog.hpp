// The delivery bot's reads and writes of the catalog database.
//
// Contract: every function takes a connection owned by the calling thread and runs short,
// parameterized statements. Readers see only what users may get: the view available_variants
// (src/db/migrations/0004_available_variants.sql), and load_variant() also checks that every
// part 1..N is stored. Writers (bot file ids, the
// delivery log) are single statements, atomic on their own. SQLite errors propagate as
// SQLite::Exception.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bot/texts.hpp"

namespace cmup::bot {

// One stored file (or part) in a storage channel.
struct StoredObject {
  std::int64_t id = 0;  // telegram_objects.id
  int part_no = 1;
  int part_count = 1;
  std::int64_t channel_id = 0;
  std::int64_t message_id = 0;
  std::string file_unique_id;
  std::string bot_file_id;  // empty until the bot knows its own id
  std::string file_name;
  std::int64_t size_bytes = 0;
  std::optional<double> duration_s;
  std::optional<int> width, height;
  std::string mime_type;
  // This part's own caption, when it travels with parts of other variants (a season's album);
  // unset: the variant's caption.
  std::optional<CaptionInfo> caption;
  bool is_video() const;
};

// A variant ready to send: what the captions say, and its parts in order.
struct VariantToSend {
  std::int64_t variant_id = 0;
  CaptionInfo caption;  // part_no/part_count filled per part by the sender
  std::vector<StoredObject> parts;
};

struct TitleRow {
  std::int64_t id = 0;
  std::string kind;  // "movie" | "show"
  std::string title;
  std::optional<int> year;
};

struct EpisodeRow {
  std::int64_t id = 0;
  std::int64_t title_id = 0;
  int season = 0;
  int episode = 0;
  std::string name;
};

struct QualityRow {
  std::int64_t variant_id = 0;
  std::string quality;
  std::int64_t size_bytes = 0;
  int part_count = 1;
};

// nullopt when the variant does not exist, is not done, or misses a part.
std::optional<VariantToSend> load_variant(SQLite::Database& db, std::int64_t variant_id);

// Titles matching `query` (words, prefixes; a substring match when that finds nothing),
// best first, that have something to send.
std::vector<TitleRow> search_titles(SQLite::Database& db, const std::string& query, int limit);
std::optional<TitleRow> title_by_id(SQLite::Database& db, std::int64_t title_id);
std::optional<EpisodeRow> episode_by_id(SQLite::Database& db, std::int64_t episode_id);
std::vector<int> seasons(SQLite::Database& db, std::int64_t title_id);
std::vector<EpisodeRow> episodes(SQLite::Database& db, std::int64_t title_id, int season);
// Done variants of a movie (episode_id = 0) or an episode, best quality first.
std::vector<QualityRow> qualities(SQLite::Database& db, std::int64_t title_id, std::int64_t episode_id);

// Parts of a title's deliverable variants whose bot file id is known (what inline mode can
// offer as cached results), with the caption each is sent with: by season, episode, best
// quality first, part; at most `limit`.
struct SendableObject {
  StoredObject object;
  CaptionInfo caption;  // part_no / part_count filled
  std::int64_t variant_id = 0;
};
std::vector<SendableObject> sendable_objects(SQLite::Database& db, std::int64_t title_id, int limit);

// Records the bot's own file id for a stored message; returns whether a row matched.
bool store_bot_file_id(SQLite::Database& db, std::int64_t channel_id, std::int64_t message_id,
                       const std::string& file_unique_id, const std::string& bot_file_id);
// Stored objects whose bot file id is still unknown and whose turn to be learnt it is at
// `now_ms` (never tried, or their retry is due: file_id_learning.hpp), those waiting longest
// first, so objects that keep failing never hide the others.
std::vector<StoredObject> objects_due_for_learning(SQLite::Database& db, std::int64_t now_ms, int limit);

struct DeliveryLogRow {
  std::int64_t user_id = 0;
  std::int64_t chat_id = 0;
  std::int64_t variant_id = 0;  // 0: unknown variant (logged as NULL)
  std::string via;              // deep_link | search | mini_app | api
  std::string outcome;          // sent | fallback_copy | not_available | rate_limited | failed
  std::string error;
  std::int64_t latency_ms = 0;
  std::int64_t created_at = 0;
};
void log_delivery(SQLite::Database& db, const DeliveryLogRow& row);
// Successful deliveries (sent or fallback_copy) to `user_id` since `since_ms`.
int deliveries_since(SQLite::Database& db, std::int64_t user_id, std::int64_t since_ms);
// Whether the user has had `daily_limit` deliveries since the start of this UTC day (0: no limit).
bool daily_limit_reached(SQLite::Database& db, std::int64_t user_id, int daily_limit);

// For `cmup status`: delivery counts by outcome since `since_ms`, and the median latency.
struct DeliveryCounts {
  int sent = 0, fallback_copy = 0, not_available = 0, rate_limited = 0, failed = 0;
  std::int64_t median_latency_ms = 0;
  int objects_without_bot_file_id = 0;
};
DeliveryCounts delivery_counts(SQLite::Database& db, std::int64_t since_ms);

}  // namespace cmup::bot
