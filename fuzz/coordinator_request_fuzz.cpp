// Fuzzes the coordinator API's request handling (everything behind authentication): the
// input's first line names the call, the rest is its body. Whatever arrives, the answer is
// a JSON document with a status of 200, 400, 404, 409 (or 500 for a store failure, which
// must not happen here), and a store error never escapes as a crash.
// fuzz-link: cmup_queue
#include <SQLiteCpp/SQLiteCpp.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "db/database.hpp"
#include "queue/coordinator_server.hpp"
#include "queue/sqlite_job_store.hpp"
#include "util/clock.hpp"

namespace {

// The scratch database's directory, removed at exit (the replay runs in every `make test`).
struct ScratchDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("cmup-fuzz-coord-" + std::to_string(::getpid()));
  ScratchDir() { std::filesystem::create_directories(path); }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

cmup::SqliteJobStore& store() {
  static ScratchDir dir;
  static std::unique_ptr<cmup::SqliteJobStore> s = [] {
    auto path = dir.path / "cmup.db";
    {
      auto db = cmup::db::open(path);
      auto now = std::to_string(cmup::now_ms());
      db->exec("INSERT OR IGNORE INTO titles(id, kind, cm_id, title, created_at, updated_at) VALUES (1, 'movie', 'm1', 'M', " + now + ", " + now + ")");
      db->exec("INSERT OR IGNORE INTO storage_channels(chat_id, kind, updated_at) VALUES (-100123, 'movie', 0)");
      for (int i = 1; i <= 50; ++i)
        db->exec("INSERT OR IGNORE INTO upload_variants(title_id, quality, coded_name, created_at, updated_at) VALUES (1, '1080P', 'CM_M" +
                 std::to_string(100000 + i) + "_1080P', 0, 0)");
    }
    auto st = std::make_unique<cmup::SqliteJobStore>(path, cmup::QueueOptions{});
    st->register_worker({"fuzz/w", "ember", "h", "botapi", "local_bot", 0});
    return st;
  }();
  return *s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  auto nl = in.find('\n');
  std::string op = nl == std::string::npos ? in : in.substr(0, nl);
  std::string body = nl == std::string::npos ? "" : in.substr(nl + 1);
  auto reply = cmup::handle_coordinator_call(store(), "fuzz", op, body);
  if (reply.status != 200 && reply.status != 400 && reply.status != 404 && reply.status != 409) std::abort();
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) std::abort();
  if (reply.status != 200 && !j.contains("error")) std::abort();
  return 0;
}
