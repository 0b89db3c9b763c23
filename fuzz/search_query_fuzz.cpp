// Fuzzes the query side of title search (src/web/text_fold.hpp, search.hpp): folding, word
// splitting and query normalization of arbitrary bytes, then a whole search over a small
// fixed catalog in every sort order. Besides no crash and no sanitizer report: folded text is
// valid UTF-8 and folding it again changes nothing, a normalized query respects its bounds,
// and a search returns each title at most once, within kMaxSearchResults.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "db/database.hpp"
#include "util/safe_text.hpp"
#include "web/search.hpp"
#include "web/text_fold.hpp"

namespace {

cmup::web::SearchIndex build_index() {
  auto dir = std::filesystem::temp_directory_path() / ("cmup-fuzz-search-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  cmup::web::SearchIndex index;
  {
    auto db = cmup::db::open(dir / "cmup.db");
    const char* titles[][3] = {
        {"movie", "Spider-Man: Into the Spider-Verse", "2018"},
        {"movie", "The Lord of the Rings: The Return of the King", "2003"},
        {"movie", "Amélie", "2001"},
        {"movie", "S.W.A.T.", "2003"},
        {"show", "M*A*S*H", "1972"},
        {"movie", "WALL·E", "2008"},
        {"movie", "Schindler's List", "1993"},
        {"movie", "Брат 2", "2000"},
        {"movie", "千と千尋の神隠し", "2001"},
        {"show", "ＬＯＲＤ ﬁsh Straße", "2020"},
        {"movie", "Les Misérables", "2012"},
        {"movie", "Terminator 2: Judgment Day", "1991"},
    };
    int n = 0;
    for (const auto& t : titles) {
      SQLite::Statement q(*db,
                          "INSERT INTO titles(kind, cm_id, title, original_title, year, genres, created_at, "
                          "updated_at) VALUES (?, ?, ?, ?, ?, '[\"Drama\"]', ?, ?)");
      q.bind(1, t[0]);
      q.bind(2, "c" + std::to_string(++n));
      q.bind(3, t[1]);
      if (n % 3 == 0) q.bind(4, std::string("Original ") + t[1]);
      q.bind(5, std::atoi(t[2]));
      q.bind(6, n);
      q.bind(7, n);
      q.exec();
    }
    index.texts = cmup::web::build_title_texts(*db);
    index.qualities = cmup::web::load_availability(*db, *index.texts);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return index;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const cmup::web::SearchIndex index = build_index();
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto folded = cmup::web::fold_text(text);
  if (!cmup::is_valid_utf8(folded)) std::abort();
  if (cmup::web::fold_text(folded) != folded) std::abort();  // folding is a normal form

  auto nq = cmup::web::normalize_query(text);
  if (nq.words.size() > cmup::web::kMaxQueryWords) std::abort();
  for (const auto& w : nq.words)
    if (w.joined.empty() || w.joined.size() > cmup::web::kMaxWordBytes || !cmup::is_valid_utf8(w.joined))
      std::abort();
  (void)cmup::web::code_points(folded);
  if (cmup::web::to_code_points(folded).size() != cmup::web::code_points(folded)) std::abort();

  cmup::web::TitleFilter all;
  all.available_only = false;
  for (auto sort : {cmup::web::TitleSort::Relevance, cmup::web::TitleSort::Newest, cmup::web::TitleSort::Year,
                    cmup::web::TitleSort::Title}) {
    auto hits = cmup::web::search_titles(index, text, all, sort);
    if (hits.size() > cmup::web::kMaxSearchResults) std::abort();
    std::set<std::uint32_t> seen;
    for (const auto& h : hits)
      if (h.index >= index.texts->titles.size() || !seen.insert(h.index).second) std::abort();
  }
  return 0;
}
