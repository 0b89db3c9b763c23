// bench_media_server: serves the files of a directory over HTTP on 127.0.0.1, with Range
// support, and ALL response bodies together limited to --throttle-bps bytes/s, as one
// source link of that bandwidth would be. (sim/common's media server throttles each
// response on its own; a worker that downloads its next job while streaming the current
// one would then get twice the bandwidth, and the pipeline figure would be meaningless.)
//
// Usage: bench_media_server --dir DIR --port PORT [--throttle-bps N]
// Prints "listening <port>" once bound; stops on SIGTERM/SIGINT.
// GET/HEAD /media/<name>: 200 or 206 (single range, handled by httplib), 404 when missing.
// Also counts bytes sent: GET /stats -> {"bytes_sent":N}.
#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr std::size_t kChunk = 64 * 1024;

// One link shared by every response: each chunk books the next free slot on it.
class Link {
 public:
  explicit Link(long long bps) : bps_(bps) {}
  void take(std::size_t bytes) {
    if (bps_ <= 0) return;
    Clock::time_point due;
    {
      std::lock_guard lk(mu_);
      auto now = Clock::now();
      // An idle link does not bank credit for later bursts beyond one chunk.
      if (next_ < now) next_ = now;
      next_ += std::chrono::nanoseconds(static_cast<long long>(bytes) * 1'000'000'000LL / bps_);
      due = next_;
    }
    std::this_thread::sleep_until(due);
  }

 private:
  long long bps_;
  std::mutex mu_;
  Clock::time_point next_ = Clock::now();
};

httplib::Server* g_server = nullptr;
void on_signal(int) {
  if (g_server) g_server->stop();
}

bool safe_name(const std::string& n) {
  if (n.empty() || n.front() == '/') return false;
  for (const auto& p : fs::path(n))
    if (p == ".." || p == ".") return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  int port = 0;
  long long bps = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--dir") dir = argv[i + 1];
    else if (a == "--port") port = std::atoi(argv[i + 1]);
    else if (a == "--throttle-bps") bps = std::atoll(argv[i + 1]);
    else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  if (dir.empty()) {
    std::cerr << "usage: bench_media_server --dir DIR --port PORT [--throttle-bps N]\n";
    return 2;
  }
  auto link = std::make_shared<Link>(bps);
  auto sent = std::make_shared<std::atomic<long long>>(0);
  httplib::Server srv;
  srv.new_task_queue = [] { return new httplib::ThreadPool(32); };
  auto serve = [dir, link, sent](const httplib::Request& req, httplib::Response& res) {
    std::string name = req.matches[1];
    fs::path p = fs::path(dir) / name;
    std::error_code ec;
    if (!safe_name(name) || !fs::is_regular_file(p, ec)) {
      res.status = 404;
      return;
    }
    auto size = static_cast<std::size_t>(fs::file_size(p));
    std::string type = p.extension() == ".mkv" ? "video/x-matroska" : "video/mp4";
    res.set_header("Accept-Ranges", "bytes");
    auto file = std::make_shared<std::ifstream>(p, std::ios::binary);
    res.set_content_provider(size, type,
                             [file, link, sent](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                               std::string buf(std::min(length, kChunk), '\0');
                               file->seekg(static_cast<std::streamoff>(offset));
                               file->read(buf.data(), static_cast<std::streamsize>(buf.size()));
                               auto n = static_cast<std::size_t>(file->gcount());
                               if (n == 0) return false;
                               link->take(n);
                               if (!sink.write(buf.data(), n)) return false;
                               *sent += static_cast<long long>(n);
                               return true;
                             });
  };
  srv.Get(R"(/media/(.+))", serve);
  srv.Get("/stats", [sent](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"bytes_sent\":" + std::to_string(sent->load()) + "}", "application/json");
  });
  g_server = &srv;
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  if (port == 0) port = srv.bind_to_any_port("127.0.0.1");
  else if (!srv.bind_to_port("127.0.0.1", port)) {
    std::cerr << "cannot bind 127.0.0.1:" << port << "\n";
    return 1;
  }
  std::printf("listening %d\n", port);
  std::fflush(stdout);
  srv.listen_after_bind();
  return 0;
}
