// libFuzzer target: GET /api/v1/titles parameter parsing and the opaque cursor
// (src/web/title_query.hpp), plus the search query normalizer (src/web/text_fold.hpp).
// Input: a query string "k=v&k=v" (URL-decoded like the server does) — any input yields a query or a ParamError,
// never a crash; an accepted query's cursor round-trips.
#include <cstddef>
#include <cstdint>
#include <string>

#include "web/init_data.hpp"
#include "web/text_fold.hpp"
#include "web/title_query.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string raw(reinterpret_cast<const char*>(data), size);
  cmup::web::ParamMap params;
  std::size_t pos = 0;
  while (pos <= raw.size()) {
    std::size_t amp = raw.find('&', pos);
    if (amp == std::string::npos) amp = raw.size();
    std::string pair = raw.substr(pos, amp - pos);
    std::size_t eq = pair.find('=');
    auto k = cmup::web::url_decode(pair.substr(0, eq));
    auto v = cmup::web::url_decode(eq == std::string::npos ? "" : pair.substr(eq + 1));
    if (k && v) params.emplace(*k, *v);
    pos = amp + 1;
  }
  auto parsed = cmup::web::parse_title_query(params);
  if (auto* q = std::get_if<cmup::web::TitleQuery>(&parsed)) {
    if (q->limit < 1 || q->limit > cmup::web::kMaxPageSize) __builtin_trap();
    if (q->q.size() > cmup::web::kMaxQueryBytes) __builtin_trap();
    cmup::web::TitleCursor c;
    c.offset = 24;
    c.key = std::string(q->q);
    c.last_id = 7;
    auto back = cmup::web::decode_cursor(*q, cmup::web::encode_cursor(*q, c));
    if (!back || back->offset != 24 || back->last_id != 7) __builtin_trap();
    auto nq = cmup::web::normalize_query(q->q);
    if (nq.words.size() > cmup::web::kMaxQueryWords) __builtin_trap();
  }
  return 0;
}
