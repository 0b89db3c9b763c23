// GET /api/v1/titles parameters: parsing, validation and the opaque pagination cursor.
//
// Contract: parse_title_query() accepts only the documented parameters (docs/api.md), each at
// most once, each within its type and range; anything else yields an error naming the
// parameter (the API answers 400). A cursor is only valid for the same search and filters
// it came from. Pure functions: safe from any thread, never throw on user input.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "web/title_filter.hpp"

namespace cmup::web {

enum class TitleSort { Relevance, Newest, Year, Title };

inline constexpr int kDefaultPageSize = 24;
inline constexpr int kMaxPageSize = 100;
inline constexpr std::size_t kMaxQueryBytes = 200;
inline constexpr std::size_t kMaxCursorBytes = 512;
inline constexpr int kMinYear = 1870;
inline constexpr int kMaxYear = 2200;

// Where the next page starts: an offset into ranked search results, or (browsing) the sort
// key and id of the last title shown.
struct TitleCursor {
  std::int64_t offset = 0;
  std::variant<std::monostate, std::int64_t, std::string> key;
  std::int64_t last_id = 0;
};

struct TitleQuery {
  std::string q;  // trimmed; empty means browse
  TitleFilter filter;
  TitleSort sort = TitleSort::Newest;
  int limit = kDefaultPageSize;
  std::optional<TitleCursor> cursor;
};

struct ParamError {
  std::string param;
  std::string message;
};

using ParamMap = std::multimap<std::string, std::string>;

std::variant<TitleQuery, ParamError> parse_title_query(const ParamMap& params);

// Opaque to clients: base64url of a small JSON document bound to the query's fingerprint.
std::string encode_cursor(const TitleQuery& q, const TitleCursor& c);
std::optional<TitleCursor> decode_cursor(const TitleQuery& q, const std::string& text);

std::string_view sort_name(TitleSort s);
// A positive decimal id (1 .. 2^53) as used in paths; nullopt otherwise.
std::optional<std::int64_t> parse_id(std::string_view s);

}  // namespace cmup::web
