#include "cm/importer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "util/safe_text.hpp"

namespace cmup::cm {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Pages fetched ahead of the writer; small, so memory stays flat on a huge catalog.
constexpr std::size_t kPagesAhead = 3;

struct ParsedPage {
  std::vector<Title> items;
  std::int64_t skipped = 0;
  int pages_total = 0;  // the producer's current estimate
  std::exception_ptr error;
  bool last = false;
};

// A bounded hand-off from the fetch thread to the writer; close() wakes both sides.
class PageQueue {
 public:
  bool push(ParsedPage p) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return closed_ || q_.size() < kPagesAhead; });
    if (closed_) return false;
    q_.push_back(std::move(p));
    cv_.notify_all();
    return true;
  }
  ParsedPage pop() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !q_.empty(); });
    auto p = std::move(q_.front());
    q_.pop_front();
    cv_.notify_all();
    return p;
  }
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ParsedPage> q_;
  bool closed_ = false;
};

void log_skip(const char* kind, const std::string& id, const std::string& reason) {
  spdlog::warn("import: skipped {} {}: {}", kind, id.empty() ? "(no id)" : id, reason);
}

// Parses a movie/show page; rejected items are logged and counted.
ParsedPage parse_titles(const std::vector<json>& items, TitleKind kind, const FieldNames& f) {
  ParsedPage page;
  page.items.reserve(items.size());
  for (const auto& j : items) {
    auto p = kind == TitleKind::Movie ? parse_movie(j, f) : parse_show(j, f);
    if (p.item) {
      page.items.push_back(std::move(*p.item));
    } else {
      log_skip(kind == TitleKind::Movie ? "movie" : "show", p.cm_id, p.error);
      ++page.skipped;
    }
  }
  return page;
}

void add_episodes(Title& show, const std::vector<json>& episodes, const FieldNames& f,
                  std::int64_t& skipped) {
  for (const auto& j : episodes) {
    auto e = parse_episode(j, f);
    if (e.item) {
      show.episodes.push_back(std::move(*e.item));
    } else {
      log_skip("episode", show.cm_id + "/" + e.cm_id, e.error);
      ++skipped;
    }
  }
}

// Episode lists are one request per show. They are asked for by a few threads at once, so a
// page of shows waits for CM's latency about once per kEpisodeFetchers shows, not once per
// show (2,000 shows on a busy CM were most of a full sweep's time).
constexpr std::size_t kEpisodeFetchers = 4;

void add_all_episodes(CmClient& client, ParsedPage& page, const FieldNames& f) {
  const auto n = page.items.size();
  std::vector<std::vector<json>> lists(n);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mu;
  auto fetch = [&] {
    while (!failed) {
      const std::size_t i = next++;
      if (i >= n) return;
      try {
        lists[i] = client.episodes(page.items[i].cm_id);
      } catch (...) {
        std::lock_guard lock(error_mu);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> fetchers;
  for (std::size_t k = 1; k < std::min(kEpisodeFetchers, n); ++k) fetchers.emplace_back(fetch);
  fetch();
  for (auto& t : fetchers) t.join();
  if (error) std::rethrow_exception(error);
  // In the page's order, so the log and the counts read as if fetched one by one.
  for (std::size_t i = 0; i < n; ++i) add_episodes(page.items[i], lists[i], f, page.skipped);
}

using Producer = std::function<void(const std::function<bool(ParsedPage)>& emit)>;

// Runs `produce` on a fetch thread and writes what it emits, page by page.
ImportReport run_pipeline(SQLite::Database& db, const Producer& produce, bool complete_run,
                          const ImportOptions& opts) {
  const auto started = Clock::now();
  CatalogWriter writer(db, complete_run);
  PageQueue queue;
  std::thread fetcher([&] {
    try {
      produce([&](ParsedPage p) { return queue.push(std::move(p)); });
      ParsedPage end;
      end.last = true;
      queue.push(std::move(end));
    } catch (...) {
      ParsedPage failed;
      failed.error = std::current_exception();
      queue.push(std::move(failed));
    }
  });
  ImportReport report;
  try {
    for (;;) {
      auto page = queue.pop();
      if (page.error) std::rethrow_exception(page.error);
      if (page.last) break;
      report.counts += writer.write_page(page.items);
      report.counts.skipped += page.skipped;
      ++report.pages;
      if (opts.on_progress) {
        ImportProgress pr;
        pr.pages_done = report.pages;
        pr.pages_total = std::max(page.pages_total, report.pages);
        pr.items = report.counts.items();
        pr.elapsed_s = std::chrono::duration<double>(Clock::now() - started).count();
        opts.on_progress(pr);
      }
    }
  } catch (...) {
    queue.close();
    fetcher.join();
    throw;
  }
  fetcher.join();
  if (complete_run) report.gone = writer.mark_unseen_gone();
  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return report;
}

// Splits parsed items into pages of `per_page`.
bool emit_in_pages(std::vector<Title>& items, std::int64_t skipped, int per_page, int& pages_total,
                   const std::function<bool(ParsedPage)>& emit) {
  per_page = std::max(1, per_page);
  for (std::size_t i = 0; i < items.size() || (i == 0 && skipped > 0);
       i += static_cast<std::size_t>(per_page)) {
    ParsedPage p;
    auto end = std::min(items.size(), i + static_cast<std::size_t>(per_page));
    for (auto k = i; k < end; ++k) p.items.push_back(std::move(items[k]));
    if (i == 0) p.skipped = skipped;
    p.pages_total = pages_total;
    if (!emit(std::move(p))) return false;
  }
  return true;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CmError("cannot read " + file.string() + "; check the path given to --from-file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Dump {
  std::vector<json> movies, shows;
  std::map<std::string, std::vector<json>> episodes_by_show;  // JSON lines: "show_id"
};

std::string id_text(const json& v) { return v.is_string() ? v.get<std::string>() : safe_dump(v); }

Dump read_dump(const std::string& text, const FieldNames& f, std::int64_t& skipped) {
  Dump d;
  auto doc = json::parse(text, nullptr, false);
  if (!doc.is_discarded()) {
    if (doc.is_array()) {
      d.movies.assign(doc.begin(), doc.end());
    } else if (doc.is_object() && (doc.contains("movies") || doc.contains("shows"))) {
      if (doc.contains("movies") && doc["movies"].is_array())
        d.movies.assign(doc["movies"].begin(), doc["movies"].end());
      if (doc.contains("shows") && doc["shows"].is_array())
        d.shows.assign(doc["shows"].begin(), doc["shows"].end());
    } else if (doc.is_object() && doc.contains(f.items) && doc[f.items].is_array()) {
      d.movies.assign(doc[f.items].begin(), doc[f.items].end());
    } else if (doc.is_object()) {
      d.movies.push_back(doc);  // a single item
    }
    return d;
  }
  std::istringstream lines(text);
  std::string line;
  int n = 0, parsed = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto j = json::parse(line, nullptr, false);
    if (!j.is_object()) {
      spdlog::warn("import: skipped line {}: not a JSON object", n);
      ++skipped;
      continue;
    }
    ++parsed;
    auto type = j.contains("type") && j["type"].is_string() ? j["type"].get<std::string>() : "movie";
    if (type == "show") {
      d.shows.push_back(std::move(j));
    } else if (type == "episode") {
      if (!j.contains("show_id") || j["show_id"].is_null()) {
        spdlog::warn("import: skipped line {}: an episode without show_id", n);
        ++skipped;
        continue;
      }
      d.episodes_by_show[id_text(j["show_id"])].push_back(std::move(j));
    } else {
      d.movies.push_back(std::move(j));
    }
  }
  if (parsed == 0) throw CmError("neither JSON nor JSON lines: nothing to import from this file");
  return d;
}

}  // namespace

ImportReport import_from_cm(CmClient& client, SQLite::Database& db, const ImportOptions& opts) {
  const auto& f = client.options().fields;
  Producer produce = [&](const std::function<bool(ParsedPage)>& emit) {
    int movie_pages = 1, show_pages = 0;
    for (int p = 1; p <= movie_pages; ++p) {
      auto page = client.movies_page(p, opts.updated_since);
      movie_pages = page.total_pages;
      auto parsed = parse_titles(page.items, TitleKind::Movie, f);
      parsed.pages_total = movie_pages + show_pages;
      if (!emit(std::move(parsed))) return;
    }
    show_pages = 1;
    for (int p = 1; p <= show_pages; ++p) {
      auto page = client.shows_page(p, opts.updated_since);
      show_pages = page.total_pages;
      auto parsed = parse_titles(page.items, TitleKind::Show, f);
      add_all_episodes(client, parsed, f);
      parsed.pages_total = movie_pages + show_pages;
      if (!emit(std::move(parsed))) return;
    }
  };
  return run_pipeline(db, produce, !opts.updated_since.has_value(), opts);
}

ImportReport import_from_file(const std::filesystem::path& file, SQLite::Database& db, const FieldNames& f,
                              int per_page, const ImportOptions& opts) {
  Producer produce = [&](const std::function<bool(ParsedPage)>& emit) {
    std::int64_t skipped = 0;
    auto dump = read_dump(read_file(file), f, skipped);
    auto movies = parse_titles(dump.movies, TitleKind::Movie, f);
    ParsedPage shows;
    for (const auto& sj : dump.shows) {
      auto p = parse_show(sj, f);
      if (!p.item) {
        log_skip("show", p.cm_id, p.error);
        ++shows.skipped;
        continue;
      }
      if (auto it = sj.find("episodes"); it != sj.end() && it->is_array())
        add_episodes(*p.item, std::vector<json>(it->begin(), it->end()), f, shows.skipped);
      if (auto it = dump.episodes_by_show.find(p.item->cm_id); it != dump.episodes_by_show.end())
        add_episodes(*p.item, it->second, f, shows.skipped);
      shows.items.push_back(std::move(*p.item));
    }
    per_page = std::max(1, per_page);
    int total = static_cast<int>((movies.items.size() + per_page - 1) / per_page +
                                 (shows.items.size() + per_page - 1) / per_page);
    if (!emit_in_pages(movies.items, skipped + movies.skipped, per_page, total, emit)) return;
    emit_in_pages(shows.items, shows.skipped, per_page, total, emit);
  };
  // A dump may be partial, so what it lacks is not retired.
  return run_pipeline(db, produce, false, opts);
}

std::string summary_line(const ImportReport& r) {
  const auto& c = r.counts;
  return fmt::format(
      "import: new {}, updated {}, unchanged {}, skipped {} (titles {}/{}/{}, episodes {}/{}/{} new/updated/"
      "unchanged; {} links added, {} gone; {} queue entries added) in {} pages, {:.1f} s",
      c.items_new(), c.items_updated(), c.items_unchanged(), c.skipped, c.titles_new, c.titles_updated,
      c.titles_unchanged, c.episodes_new, c.episodes_updated, c.episodes_unchanged, c.sources_new,
      c.sources_gone + r.gone, c.variants_new, r.pages, r.seconds);
}

}  // namespace cmup::cm
