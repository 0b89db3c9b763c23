#include "cm/image_fetch.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "catalog/image_store.hpp"
#include "catalog/normalize.hpp"
#include "util/config.hpp"
#include "util/http_client.hpp"
#include "util/safe_text.hpp"

namespace cmup::cm {

namespace {

using Clock = std::chrono::steady_clock;

struct Due {
  std::int64_t title_id;
  std::string role, url;
};

struct Outcome {
  const Due* due;
  std::string sha, error;
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<Due> due_images(SQLite::Database& db, std::int64_t limit) {
  // A title is due when its CM URL is not the one its stored image came from: new titles,
  // changed posters and earlier failures (stored_from stays at the last success).
  SQLite::Statement q(db,
                      "SELECT t.id, t.poster_url FROM titles t "
                      "LEFT JOIN title_images i ON i.title_id = t.id AND i.role = 'poster' "
                      "WHERE t.poster_url IS NOT NULL AND i.stored_from IS NOT t.poster_url "
                      "ORDER BY t.id LIMIT ?");
  q.bind(1, limit > 0 ? limit : std::int64_t{-1});
  std::vector<Due> out;
  while (q.executeStep()) out.push_back({q.getColumn(0).getInt64(), "poster", q.getColumn(1).getString()});
  return out;
}

Outcome fetch_one(HttpClient& http, const catalog::ImageStore& store, const Due& d,
                  const ImageFetchOptions& o) {
  Outcome out{&d, {}, {}};
  if (!normalize_url(d.url)) {
    out.error = "not an http(s) URL";
    return out;
  }
  std::string body;
  bool too_big = false;
  HttpRequest req;
  req.url = d.url;
  req.timeout_ms = o.timeout_ms;
  req.connect_timeout_ms = std::min<long>(o.timeout_ms, 10000);
  req.on_body = [&](const char* data, std::size_t len) {
    if (body.size() + len > o.max_bytes) {
      too_big = true;
      return false;
    }
    body.append(data, len);
    return true;
  };
  auto res = http.perform(req);
  if (too_big) {
    out.error = fmt::format("larger than {} bytes (images.max_bytes)", o.max_bytes);
  } else if (res.status == 0) {
    out.error = res.timed_out ? fmt::format("timed out after {} ms", o.timeout_ms) : safe_text(res.error);
  } else if (res.status != 200) {
    out.error = fmt::format("HTTP {}", res.status);
  } else if (auto ct = res.header("content-type"); ct.rfind("image/", 0) != 0) {
    out.error = "Content-Type " + safe_text(ct.empty() ? "(none)" : ct) + ", expected image/*";
  } else {
    auto put = store.put(body);
    if (put.ok())
      out.sha = put.sha;
    else
      out.error = put.error;
  }
  return out;
}

void record(SQLite::Database& db, const std::vector<Outcome>& batch) {
  SQLite::Transaction tx(db);
  SQLite::Statement ok(db,
                       "INSERT INTO title_images (title_id, role, source_url, stored_from, sha256, attempts, "
                       "last_error, updated_at) VALUES (?1, ?2, ?3, ?3, ?4, 1, NULL, ?5) "
                       "ON CONFLICT (title_id, role) DO UPDATE SET source_url = ?3, stored_from = ?3, "
                       "sha256 = ?4, attempts = attempts + 1, last_error = NULL, updated_at = ?5");
  // A failure keeps sha256 and stored_from: the previous image stays and the row stays due.
  SQLite::Statement bad(
      db,
      "INSERT INTO title_images (title_id, role, source_url, attempts, last_error, updated_at) "
      "VALUES (?1, ?2, ?3, 1, ?4, ?5) "
      "ON CONFLICT (title_id, role) DO UPDATE SET source_url = ?3, attempts = attempts + 1, "
      "last_error = ?4, updated_at = ?5");
  auto now = now_ms();
  for (const auto& o : batch) {
    auto& q = o.error.empty() ? ok : bad;
    q.bind(1, o.due->title_id);
    q.bind(2, o.due->role);
    q.bind(3, o.due->url);
    q.bind(4, o.error.empty() ? o.sha : o.error);
    q.bind(5, now);
    q.exec();
    q.reset();
  }
  tx.commit();
}

}  // namespace

ImageFetchOptions ImageFetchOptions::from_config(const Config& cfg) {
  ImageFetchOptions o;
  o.store_root = cfg.path_or("images.dir", "images");
  o.threads = static_cast<int>(std::clamp<std::int64_t>(cfg.integer("images.fetch_threads"), 1, 64));
  o.max_bytes =
      static_cast<std::size_t>(std::clamp<std::int64_t>(cfg.integer("images.max_bytes"), 1024, 1 << 30));
  o.timeout_ms = static_cast<long>(std::clamp<std::int64_t>(cfg.integer("images.timeout_s"), 1, 600) * 1000);
  o.max_per_run = std::max<std::int64_t>(0, cfg.integer("images.max_per_run"));
  return o;
}

ImageFetchReport fetch_title_images(SQLite::Database& db, const ImageFetchOptions& opts,
                                    const std::function<void(std::int64_t, std::int64_t)>& on_progress) {
  const auto started = Clock::now();
  ImageFetchReport report;
  auto due = due_images(db, opts.max_per_run);
  report.due = static_cast<std::int64_t>(due.size());
  if (due.empty()) return report;
  catalog::ImageStore store(opts.store_root);

  std::atomic<std::size_t> next{0};
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Outcome> results;
  int running = std::min<int>(opts.threads, static_cast<int>(due.size()));
  std::vector<std::thread> pool;
  for (int i = 0, n = running; i < n; ++i) {
    pool.emplace_back([&] {
      HttpClient http;
      for (std::size_t k; (k = next++) < due.size();) {
        auto o = fetch_one(http, store, due[k], opts);
        std::lock_guard lock(mu);
        results.push_back(std::move(o));
        cv.notify_one();
      }
      std::lock_guard lock(mu);
      --running;
      cv.notify_one();
    });
  }
  std::int64_t done = 0;
  try {
    for (;;) {
      std::vector<Outcome> batch;
      bool finished;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !results.empty() || running == 0; });
        while (!results.empty() && batch.size() < 512) {
          batch.push_back(std::move(results.front()));
          results.pop_front();
        }
        finished = running == 0 && results.empty();
      }
      if (!batch.empty()) {
        record(db, batch);
        for (const auto& o : batch) {
          if (o.error.empty()) {
            ++report.stored;
          } else {
            ++report.failed;
            spdlog::warn("import: image of title {} not stored ({}): {}", o.due->title_id,
                         safe_text(o.due->url), o.error);
          }
        }
        done += static_cast<std::int64_t>(batch.size());
        if (on_progress) on_progress(done, report.due);
      }
      if (finished) break;
    }
  } catch (...) {
    next = due.size();  // the pool stops after its current download
    for (auto& t : pool) t.join();
    throw;
  }
  for (auto& t : pool) t.join();
  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return report;
}

std::string image_summary(const ImageFetchReport& r) {
  if (r.due == 0) return "images: all stored";
  std::string s = fmt::format("images: {} stored, {} failed", r.stored, r.failed);
  if (r.failed) s += " (previous images kept; retried on the next import)";
  return s + fmt::format(" in {:.1f} s", r.seconds);
}

}  // namespace cmup::cm
