#include "media/media_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <thread>

#include "common/media_server.hpp"
#include "util/child_process.hpp"

namespace cmup::test {

namespace fs = std::filesystem;

std::string run_tool(const std::vector<std::string>& argv) {
  ProcessResult r = run_program(argv);  // looks the tool up in PATH
  if (r.exit_code != 0) throw std::runtime_error(argv[0] + " failed: " + r.stderr_tail);
  return r.stdout_text;
}

std::string ffprobe_json(const fs::path& p) {
  return run_tool(
      {"ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", p.string()});
}

const TestMedia& test_media() {
  static std::unique_ptr<TempDir> dir;
  static TestMedia m;
  static bool ready = false;
  if (ready) return m;
  dir = std::make_unique<TempDir>();
  m.dir = dir->path();
  const std::vector<std::string> ff{"ffmpeg", "-v", "error", "-y"};
  auto gen = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = ff;
    argv.insert(argv.end(), args.begin(), args.end());
    run_tool(argv);
  };
  const std::vector<std::string> av{"-f",   "lavfi",   "-i",       "testsrc=s=320x240:r=25",
                                    "-f",   "lavfi",   "-i",       "sine=f=440:sample_rate=48000",
                                    "-t",   "3",       "-pix_fmt", "yuv420p",
                                    "-c:v", "libx264", "-preset",  "ultrafast",
                                    "-g",   "25"};
  m.faststart_mp4 = m.dir / "clean.mp4";
  auto a = av;
  a.insert(a.end(), {"-c:a", "aac", "-movflags", "+faststart", m.faststart_mp4.string()});
  gen(a);
  m.moov_end_mp4 = m.dir / "moov_end.mp4";
  a = av;
  a.insert(a.end(), {"-c:a", "aac", m.moov_end_mp4.string()});
  gen(a);
  fs::path srt = m.dir / "subs.srt";
  std::ofstream(srt)
      << "1\n00:00:00,000 --> 00:00:01,500\nHello\n\n2\n00:00:01,500 --> 00:00:02,900\nWorld\n";
  m.mkv_ac3_srt = m.dir / "ac3_srt.mkv";
  a = {"-f",
       "lavfi",
       "-i",
       "testsrc=s=320x240:r=25",
       "-f",
       "lavfi",
       "-i",
       "sine=f=440:sample_rate=48000",
       "-i",
       srt.string(),
       "-map",
       "0",
       "-map",
       "1",
       "-map",
       "2",
       "-t",
       "3",
       "-pix_fmt",
       "yuv420p",
       "-c:v",
       "libx264",
       "-preset",
       "ultrafast",
       "-c:a",
       "ac3",
       "-c:s",
       "srt",
       m.mkv_ac3_srt.string()};
  gen(a);
  m.not_media = m.dir / "not_media.mp4";
  std::mt19937 rng(42);
  std::string junk(300000, '\0');
  for (auto& c : junk) c = static_cast<char>(rng());
  std::ofstream(m.not_media, std::ios::binary) << junk;
  ready = true;
  return m;
}

// Made on first use only: ~1.5 s of ffmpeg that every test process (ctest runs each test in
// its own) would otherwise pay, though two tests read it.
const fs::path& big_test_mp4() {
  static fs::path big;
  if (!big.empty()) return big;
  const fs::path path = test_media().dir / "big.mp4";
  // Noise does not compress: 10 s of it at 320x240 is ~30 MB with lossless x264.
  run_tool({"ffmpeg",     "-v",      "error",     "-y",
            "-f",         "lavfi",   "-i",        "nullsrc=s=320x240:r=25,geq=random(1)*255:128:128",
            "-f",         "lavfi",   "-i",        "sine=f=440:sample_rate=48000",
            "-t",         "10",      "-pix_fmt",  "yuv420p",
            "-c:v",       "libx264", "-preset",   "ultrafast",
            "-qp",        "0",       "-g",        "12",
            "-c:a",       "aac",     "-movflags", "+faststart",
            path.string()});
  big = path;
  return big;
}

MediaHost::MediaHost(const fs::path& dir) {
  sim::use_large_thread_pool(srv_, 16);
  srv_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
    std::lock_guard lk(seen_mu_);
    seen_.push_back(
        {req.method, req.target, req.get_header_value("Range"), req.get_header_value("User-Agent")});
    return httplib::Server::HandlerResponse::Unhandled;
  });
  sim::mount_media_routes(srv_, "/media", sim::MediaServerOptions{dir, 0});
  // The server binds and reports its port itself (no free port guessed, then raced for).
  port_ = srv_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("media host: cannot bind a port on 127.0.0.1");
  thread_ = std::thread([this] { srv_.listen_after_bind(); });
  // Running, so that stop() in the destructor reaches the accept loop (bounded wait).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!srv_.is_running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!srv_.is_running()) {
    srv_.stop();
    thread_.join();
    throw std::runtime_error("media host did not start");
  }
}

MediaHost::~MediaHost() {
  srv_.stop();
  thread_.join();
}

std::vector<SeenRequest> MediaHost::requests() const {
  std::lock_guard lk(seen_mu_);
  return seen_;
}

std::string MediaHost::url(const fs::path& file, const std::string& query) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/media/" + file.filename().string() +
         (query.empty() ? "" : "?" + query);
}

}  // namespace cmup::test
