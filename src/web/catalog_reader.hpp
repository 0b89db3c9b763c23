// Read-side queries behind /api/v1: title pages, title details, a variant's stored objects,
// and the filter facets. Output is the JSON documented in docs/api.md (stable field names).
//
// Contract: every function only reads, with bound parameters; a title or variant that does
// not exist yields nullopt (the API answers 404). Qualities, sizes and part counts shown are
// those of AVAILABLE variants only (the view available_variants), so whatever is
// offered can be delivered. Not thread-safe per connection: one connection per thread.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "catalog/image_store.hpp"
#include "web/title_query.hpp"

namespace cmup::web {

struct CatalogLinks {
  std::string bot_username;  // for https://t.me/<bot>?start=v<variant id>
};

// Browsing (q.q empty): {"titles": [summary...], "next_cursor": string|null}. Searches (q.q
// set) are answered from memory by SearchService (search_service.hpp); passing one here
// throws std::invalid_argument.
nlohmann::json list_titles(SQLite::Database& db, const TitleQuery& q);
// Title with its variants and seasons/episodes, or nullopt.
std::optional<nlohmann::json> title_detail(SQLite::Database& db, std::int64_t title_id,
                                           const CatalogLinks& links);

enum class ObjectsStatus { Ok, NotFound, NotAvailable };
// json's noexcept default constructor has a throw for a value type it never gets (null);
// clang-tidy 14 cannot tell. NOLINTNEXTLINE(bugprone-exception-escape)
struct VariantObjects {
  ObjectsStatus status = ObjectsStatus::NotFound;
  nlohmann::json body;  // when Ok
  std::string state;    // the variant's state when NotAvailable
};
// The ordered telegram objects (parts) of a variant, for the bot's delivery.
VariantObjects variant_objects(SQLite::Database& db, std::int64_t variant_id);

// Whether a variant exists and can be delivered now.
enum class VariantAvailability { Missing, NotAvailable, Available };
VariantAvailability variant_availability(SQLite::Database& db, std::int64_t variant_id);

// {"kinds": [...], "genres": [...], "qualities": [...], "year_min": n|null, "year_max": n|null}
nlohmann::json facets(SQLite::Database& db);

// "https://t.me/<bot>?start=v<id>"
std::string deep_link(const CatalogLinks& links, std::int64_t variant_id);
// titles.genres (a JSON array as stored) as shown: its strings, anything else dropped.
nlohmann::json parse_genres(const std::string& text);

// The sha256 of title `t`'s stored image of `role` ('poster' | 'backdrop'), as an SQL
// expression over the alias t (NULL until the import stored one). The API hands out cmup's
// own URL of it (stored_image_url), never CM's: the art stays when CM is gone.
std::string stored_image_sql(const char* role);
nlohmann::json stored_image_url(const SQLite::Column& sha, catalog::ImageSize size);
// Rank of a quality label for ordering, best first (2160P = 0 ... UNKNOWN last).
int quality_rank(const std::string& label);

}  // namespace cmup::web
