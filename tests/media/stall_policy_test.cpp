// Stalls and resumes (media/resume_policy.hpp, docs/media.md "Stalls and resumes"): a source
// that stalls without real progress is given up after one stall window and the job moves to
// its next source, while a source that makes progress between its breaks is still resumed
// to the end. Stall windows are 1 s here; the tests count the requests the host served,
// never the time taken.
#include <gtest/gtest.h>

#include "media/downloader.hpp"
#include "media/ffmpeg_preparer.hpp"
#include "media/media_fixture.hpp"
#include "media/resume_policy.hpp"
#include "media/stream_source.hpp"

namespace cmup::media {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::SeenRequest;
using test::big_test_mp4;
using test::test_media;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The GETs cmup's own HTTP client (libcurl, no User-Agent) made for `url`'s target, in order;
// ffprobe's reads (User-Agent "Lavf/...") are left out.
std::vector<SeenRequest> curl_gets(const test::MediaHost& host, const std::string& url) {
  const std::string target = url.substr(url.find("/media/"));
  std::vector<SeenRequest> out;
  for (auto& r : host.requests())
    if (r.method == "GET" && r.target == target && r.user_agent.rfind("Lavf", 0) != 0) out.push_back(r);
  return out;
}

// A download's resume asks for "the rest from here": "bytes=N-" with N > 0.
int resumes_in(const std::vector<SeenRequest>& gets) {
  int n = 0;
  for (auto& r : gets)
    if (r.range.rfind("bytes=", 0) == 0 && r.range.back() == '-' && r.range != "bytes=0-") ++n;
  return n;
}

TEST(ResumePolicy, StallWithoutRealProgressEndsTheSourceAndProgressKeepsItGoing) {
  ResumePolicy p(5, 1000);
  EXPECT_EQ(p.on_break(false, 10, "reset", 10), std::nullopt) << "a reset is resumed";
  EXPECT_EQ(p.on_break(true, 5000, "stalled", 5010), std::nullopt)
      << "a stall after real progress is resumed";
  auto why = p.on_break(true, 999, "stalled", 6009);
  ASSERT_TRUE(why.has_value()) << "a stall right after a resume, without real progress, ends the source";
  EXPECT_TRUE(contains(*why, "stalled after only 999 bytes on a resumed connection")) << *why;

  ResumePolicy first(5, 1000);
  auto w = first.on_break(true, 0, "no data for 1 s (stalled)", 0);
  ASSERT_TRUE(w.has_value()) << "a first connection that stalls before real progress is not resumed";
  EXPECT_TRUE(contains(*w, "first connection")) << *w;

  ResumePolicy budget(2, 1000);
  EXPECT_EQ(budget.on_break(true, 2000, "stalled", 2000), std::nullopt);
  EXPECT_EQ(budget.on_break(false, 0, "reset", 2000), std::nullopt);
  auto b = budget.on_break(true, 2000, "stalled", 4000);
  ASSERT_TRUE(b.has_value()) << "max_resumes still bounds a source that makes progress";
  EXPECT_TRUE(contains(*b, "interrupted 3 times")) << *b;
}

// The case of issue 19: a link whose every response stalls after 64 KiB, for a file that
// needs the download path (moov at the end). With max_resumes = 5 it used to hold the
// worker for six stall windows and still fail; now the first stall ends it and the next
// source delivers the file.
TEST(StallPolicy, RepeatedlyStallingFirstSourceCostsOneStallWindow) {
  test::TempDir data;
  // 30 s at a low bitrate: ~1 MB, many times the 64 KiB a stalled response brings, with the
  // frames small enough that ffprobe's remote probe works on 64 KiB reads.
  fs::create_directories(data / "media");
  const fs::path file = data / "media" / "long_moov_end.mp4";
  test::run_tool({"ffmpeg",     "-v",      "error",    "-y",
                  "-f",         "lavfi",   "-i",       "testsrc=s=320x240:r=25",
                  "-f",         "lavfi",   "-i",       "sine=f=440:sample_rate=48000",
                  "-t",         "30",      "-pix_fmt", "yuv420p",
                  "-c:v",       "libx264", "-preset",  "ultrafast",
                  "-g",         "25",      "-c:a",     "aac",
                  file.string()});
  constexpr int kAfter = 65536;
  ASSERT_GT(fs::file_size(file), 7u * kAfter) << "the file must outlast six stalled responses";
  test::MediaHost host{file.parent_path()};
  MediaOptions opt;
  opt.spool_dir = data / "spool";
  opt.thumb_dir = data / "thumbs";
  opt.low_speed_time = 1s;
  opt.connect_timeout = 2s;
  opt.max_resumes = 5;
  opt.free_space_margin_bytes = 0;
  const std::string stalling = host.url(file, "fault=stall&after=" + std::to_string(kAfter));
  const std::string good = host.url(file, "v=2");
  media::PrepareRequest j;
  j.coded_name = "CM_M000042_480P";
  j.quality = "480P";
  j.sources = {media::PrepareSource{1, stalling}, media::PrepareSource{2, good}};

  FfmpegMediaPreparer prep(opt);
  auto m = prep.prepare(j, 50 << 20, {});

  EXPECT_EQ(m.source_id, 2) << "the next source delivers the file";
  EXPECT_EQ(m.path, PreparedMedia::Path::Remux);
  ASSERT_EQ(m.failed_sources.size(), 1u);
  EXPECT_EQ(m.failed_sources[0].source_id, 1);
  EXPECT_TRUE(contains(m.failed_sources[0].reason, "stalled after only " + std::to_string(kAfter) + " bytes"))
      << m.failed_sources[0].reason;
  auto first = curl_gets(host, stalling);
  int whole = 0;
  for (auto& r : first) whole += r.range.empty() ? 1 : 0;
  EXPECT_EQ(whole, 1) << "one download connection to the stalling source";
  EXPECT_EQ(resumes_in(first), 0) << "no Range resume of a source that stalled without progress";
  auto second = curl_gets(host, good);
  EXPECT_EQ(resumes_in(second), 0);
  int second_whole = 0;
  for (auto& r : second) second_whole += r.range.empty() ? 1 : 0;
  EXPECT_EQ(second_whole, 1) << "the second source's bytes came in one download";
}

// A source that breaks twice but brings more than the real-progress threshold each time is
// resumed to the end, byte-identical.
TEST(StallPolicy, SourceMakingProgressBetweenStallsIsResumedToCompletion) {
  test::TempDir data;
  test::MediaHost host{test_media().dir};
  const auto& src = big_test_mp4();
  constexpr std::int64_t kPerResponse = kDefaultMinProgressBytes + (512 << 10);
  ASSERT_GT(fs::file_size(src), static_cast<std::uintmax_t>(3 * kPerResponse));
  DownloadOptions o;
  o.http.low_speed_time = 1s;
  o.max_resumes = 5;
  const std::string url = host.url(src, "fault=stall&after=" + std::to_string(kPerResponse) + "&times=2");
  fs::create_directories(data / "dl");
  auto dest = data / "dl" / "file";

  auto n = download_file(url, dest, -1, o, {});

  EXPECT_EQ(n, static_cast<std::int64_t>(fs::file_size(src)));
  EXPECT_EQ(test::sha256_file(dest), test::sha256_file(src));
  auto gets = curl_gets(host, url);
  ASSERT_EQ(gets.size(), 3u) << "the first request and two resumes";
  EXPECT_EQ(gets[0].range, "");
  EXPECT_EQ(gets[1].range, "bytes=" + std::to_string(kPerResponse) + "-");
  EXPECT_EQ(gets[2].range, "bytes=" + std::to_string(2 * kPerResponse) + "-");
}

// The direct stream follows the same rule: a stall without progress ends the stream after
// one window (the uploader then fails the attempt) instead of six.
TEST(StallPolicy, DirectStreamGivesUpAStallWithoutProgress) {
  test::MediaHost host{test_media().dir};
  const auto& src = test_media().faststart_mp4;
  StreamOptions so;
  so.download.http.low_speed_time = 1s;
  so.download.max_resumes = 5;
  const std::string url = host.url(src, "fault=stall&after=20000");
  auto size = static_cast<std::int64_t>(fs::file_size(src));
  ByteSource b = make_stream_source(url, size, so, std::make_shared<std::atomic<bool>>(false), {});
  std::vector<char> buf(8192);
  std::int64_t got = 0;
  std::ptrdiff_t n = 0;
  while ((n = b.read(buf.data(), buf.size())) > 0) got += n;
  EXPECT_EQ(n, -1) << "a stalled stream must fail, not end early";
  EXPECT_EQ(got, 20000);
  EXPECT_TRUE(contains(b.error(), "stalled after only 20000 bytes")) << b.error();
  auto gets = curl_gets(host, url);
  EXPECT_EQ(gets.size(), 1u);
  EXPECT_EQ(resumes_in(gets), 0);
}

}  // namespace
}  // namespace cmup::media
