// Test media made with ffmpeg (lavfi testsrc/sine, small) and an in-process Range-capable
// media host (sim/common media_server) on 127.0.0.1, shared by the media tests.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.hpp"

namespace cmup::test {

// Generated once per test binary into a temporary directory (removed at exit).
struct TestMedia {
  std::filesystem::path dir;
  std::filesystem::path faststart_mp4;  // H.264 + AAC, moov first, 320x240, 3 s
  std::filesystem::path moov_end_mp4;   // the same streams, moov after mdat
  std::filesystem::path mkv_ac3_srt;    // H.264 + AC3 + SRT subtitles, 3 s
  std::filesystem::path not_media;      // random bytes named .mp4
};
const TestMedia& test_media();
// ~30 MB of noise video, faststart, 10 s, keyframe every 0.5 s, in test_media().dir as big.mp4
// (made on the first call).
const std::filesystem::path& big_test_mp4();

// Runs ffmpeg/ffprobe for the tests (fails the test on error); returns stdout+stderr.
std::string run_tool(const std::vector<std::string>& argv);
// ffprobe's JSON about a file.
std::string ffprobe_json(const std::filesystem::path& p);

// One request the media host received (recorded when it arrives, before it is answered).
struct SeenRequest {
  std::string method;
  std::string target;      // path and query, e.g. /media/clean.mp4?fault=stall&after=100
  std::string range;       // the Range header, "" when none
  std::string user_agent;  // "" for libcurl (cmup sets none), "Lavf/..." for ffmpeg/ffprobe
};

class MediaHost {
 public:
  explicit MediaHost(const std::filesystem::path& dir);
  ~MediaHost();
  MediaHost(const MediaHost&) = delete;
  MediaHost& operator=(const MediaHost&) = delete;
  // http://127.0.0.1:<port>/media/<file>[?query]
  std::string url(const std::filesystem::path& file, const std::string& query = "") const;
  // Every request so far, in arrival order (thread-safe).
  std::vector<SeenRequest> requests() const;

 private:
  mutable std::mutex seen_mu_;
  std::vector<SeenRequest> seen_;
  httplib::Server srv_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace cmup::test
