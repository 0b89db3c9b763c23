#include "cm/sim_media.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <stdexcept>

namespace cmup::sim {

namespace {

namespace fs = std::filesystem;

int run_quietly(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string join(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

// Common input: a moving test pattern with a tone (both deterministic).
std::vector<std::string> base_inputs(int seconds) {
  auto t = std::to_string(seconds);
  return {"ffmpeg",
          "-hide_banner",
          "-loglevel",
          "error",
          "-y",
          "-f",
          "lavfi",
          "-i",
          "testsrc2=size=640x360:rate=25:duration=" + t,
          "-f",
          "lavfi",
          "-i",
          "sine=frequency=440:sample_rate=48000:duration=" + t};
}

std::vector<std::string> h264(const std::string& bitrate) {
  return {"-c:v", "libx264", "-preset",     "veryfast", "-pix_fmt",      "yuv420p",
          "-b:v", bitrate,   "-maxrate",    bitrate,    "-bufsize",      bitrate,
          "-g",   "25",      "-keyint_min", "25",       "-sc_threshold", "0"};
}

void make(const fs::path& dir, const std::string& name,
          const std::function<std::vector<std::string>(const fs::path&)>& cmd) {
  auto final_path = dir / name;
  if (fs::exists(final_path) && fs::file_size(final_path) > 0) return;
  // Per-process temporary name: several simulators may share one media dir.
  auto tmp = dir / (".tmp-" + std::to_string(getpid()) + "-" + name);
  auto argv = cmd(tmp);
  if (run_quietly(argv) != 0 || !fs::exists(tmp))
    throw std::runtime_error("could not make " + name + " with: " + join(argv));
  fs::rename(tmp, final_path);
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

std::vector<MediaFile> ensure_media(const fs::path& dir) {
  fs::create_directories(dir);
  make(dir, "faststart.mp4", [](const fs::path& out) {
    return concat(concat(base_inputs(4), h264("1600k")),
                  {"-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", "-f", "mp4", out.string()});
  });
  make(dir, "moov_end.mp4", [](const fs::path& out) {
    return concat(concat(base_inputs(4), h264("1600k")),
                  {"-c:a", "aac", "-b:a", "96k", "-f", "mp4", out.string()});
  });
  auto srt = dir / "subtitles.srt";
  if (!fs::exists(srt)) {
    std::ofstream(srt) << "1\n00:00:00,500 --> 00:00:02,000\nHello from the CM simulator\n\n"
                          "2\n00:00:02,200 --> 00:00:03,800\nSecond subtitle line\n";
  }
  make(dir, "ac3_srt.mkv", [srt](const fs::path& out) {
    auto argv = base_inputs(4);
    argv.insert(argv.end(), {"-i", srt.string(), "-map", "0:v", "-map", "1:a", "-map", "2:s"});
    return concat(concat(argv, h264("1600k")),
                  {"-c:a", "ac3", "-b:a", "192k", "-c:s", "srt", "-f", "matroska", out.string()});
  });
  make(dir, "large.mp4", [](const fs::path& out) {
    return concat(concat(base_inputs(20), h264("2600k")),
                  {"-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", "-f", "mp4", out.string()});
  });
  std::vector<MediaFile> files;
  for (auto [name, container] : {std::pair{"faststart.mp4", "mp4"}, std::pair{"moov_end.mp4", "mp4"},
                                 std::pair{"ac3_srt.mkv", "mkv"}, std::pair{"large.mp4", "mp4"}})
    files.push_back({name, container, static_cast<std::int64_t>(fs::file_size(dir / name))});
  return files;
}

}  // namespace cmup::sim
