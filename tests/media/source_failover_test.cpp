// Sources that fail in the ways real hosts fail (dead link, stall, reset mid-stream, not
// media at all) are recorded with a reason and the next source is used; a broken download
// resumes with Range and ends byte-identical; cancel and a short spool disk stop the job
// at once as local problems.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "media/downloader.hpp"
#include "media/ffmpeg_preparer.hpp"
#include "media/media_fixture.hpp"
#include "media/stream_source.hpp"

namespace cmup::media {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::test_media;

struct Env {
  test::TempDir data;
  test::MediaHost host{test_media().dir};
  MediaOptions opt;
  Env() {
    opt.spool_dir = data / "spool";
    opt.thumb_dir = data / "thumbs";
    // Short limits so a stalled source is given up in about a second.
    opt.low_speed_time = 1s;
    opt.connect_timeout = 2s;
    opt.max_resumes = 1;
    opt.free_space_margin_bytes = 0;
  }
};

media::PrepareRequest job_with(std::vector<std::string> urls) {
  media::PrepareRequest j;
  j.coded_name = "CM_M000042_480P";
  j.quality = "480P";
  std::int64_t id = 1;
  for (auto& u : urls) j.sources.push_back(media::PrepareSource{id++, u});
  return j;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

void expect_fell_over(const PreparedMedia& m, const std::string& reason_part) {
  EXPECT_EQ(m.source_id, 2);
  ASSERT_EQ(m.failed_sources.size(), 1u);
  EXPECT_EQ(m.failed_sources[0].source_id, 1);
  EXPECT_TRUE(contains(m.failed_sources[0].reason, reason_part)) << m.failed_sources[0].reason;
}

TEST(SourceFailover, DeadFirstSourceFallsOverToTheNext) {
  Env env;
  FfmpegMediaPreparer prep(env.opt);
  auto m = prep.prepare(job_with({env.host.url(test_media().faststart_mp4, "fault=404"),
                                  env.host.url(test_media().faststart_mp4)}),
                        50 << 20, {});
  expect_fell_over(m, "HTTP 404");
  EXPECT_EQ(m.path, PreparedMedia::Path::Direct);
}

TEST(SourceFailover, StallingFirstSourceFallsOverToTheNext) {
  Env env;
  FfmpegMediaPreparer prep(env.opt);
  auto m = prep.prepare(job_with({env.host.url(test_media().mkv_ac3_srt, "fault=stall&after=20000"),
                                  env.host.url(test_media().mkv_ac3_srt)}),
                        50 << 20, {});
  EXPECT_EQ(m.source_id, 2);
  ASSERT_EQ(m.failed_sources.size(), 1u);
  EXPECT_EQ(m.failed_sources[0].source_id, 1);
  EXPECT_EQ(m.path, PreparedMedia::Path::Remux);
}

TEST(SourceFailover, SourceResettingMidStreamFallsOverToTheNext) {
  Env env;
  FfmpegMediaPreparer prep(env.opt);
  auto m = prep.prepare(job_with({env.host.url(test_media().mkv_ac3_srt, "fault=reset&after=20000"),
                                  env.host.url(test_media().mkv_ac3_srt)}),
                        50 << 20, {});
  EXPECT_EQ(m.source_id, 2);
  ASSERT_EQ(m.failed_sources.size(), 1u);
  EXPECT_EQ(m.failed_sources[0].source_id, 1);
}

TEST(SourceFailover, NotMediaFailsTheSourceWithAClearReason) {
  Env env;
  FfmpegMediaPreparer prep(env.opt);
  try {
    prep.prepare(job_with({env.host.url(test_media().not_media)}), 50 << 20, {});
    FAIL() << "a file that is not media must not be prepared";
  } catch (const MediaError& e) {
    EXPECT_TRUE(e.all_sources_failed);
    ASSERT_EQ(e.failed_sources.size(), 1u);
    EXPECT_TRUE(contains(e.failed_sources[0].reason, "not readable as media")) << e.failed_sources[0].reason;
  }
  EXPECT_FALSE(fs::exists(env.opt.spool_dir) && !fs::is_empty(env.opt.spool_dir));
}

// Fetched for a busy uploader, a source is downloaded without the remote probe; a download
// that is not media fails that source in finish(), which goes on with the next source.
TEST(SourceFailover, DownloadThatIsNotMediaFailsInFinishAndTheNextSourceIsUsed) {
  Env env;
  FfmpegMediaPreparer prep(env.opt);
  PrepareHints spool;
  spool.allow_direct = false;
  auto job = job_with({env.host.url(test_media().not_media), env.host.url(test_media().faststart_mp4)});
  FetchedMedia f = prep.fetch(job, 50 << 20, {}, spool);
  ASSERT_FALSE(f.complete);
  EXPECT_EQ(f.source_index, 0u);
  auto m = prep.finish(job, std::move(f), 50 << 20, {});
  expect_fell_over(m, "not readable as media");
  ASSERT_EQ(m.path, PreparedMedia::Path::Remux);
  EXPECT_EQ(test::sha256_file(m.parts.at(0).bytes.file), test::sha256_file(test_media().faststart_mp4));
}

TEST(SourceFailover, HostIgnoringRangeIsDownloadedAndKeptByteIdentical) {
  Env env;
  FfmpegMediaPreparer prep(env.opt);
  auto m = prep.prepare(job_with({env.host.url(test_media().faststart_mp4, "fault=norange")}), 50 << 20, {});
  ASSERT_EQ(m.path, PreparedMedia::Path::Remux);
  ASSERT_TRUE(m.parts.at(0).bytes.is_file());
  EXPECT_EQ(test::sha256_file(m.parts[0].bytes.file), test::sha256_file(test_media().faststart_mp4));
}

TEST(Download, InterruptedDownloadResumesWithRangeAndIsByteIdentical) {
  Env env;
  // Every response breaks after 30 kB: only Range resumes can ever finish the file.
  const auto& src = test_media().mkv_ac3_srt;
  ASSERT_GT(fs::file_size(src), 60000u);
  DownloadOptions o;
  o.http.low_speed_time = 1s;
  o.max_resumes = 20;
  fs::create_directories(env.data / "dl");
  std::int64_t lowest_after_start = INT64_MAX, last = 0;
  ProgressFn progress = [&](const Progress& p) {
    if (last > 0) lowest_after_start = std::min(lowest_after_start, p.bytes_done);
    last = p.bytes_done;
  };
  auto dest = env.data / "dl" / "file";
  auto n = download_file(env.host.url(src, "fault=reset&after=30000"), dest, -1, o, progress);
  EXPECT_EQ(n, static_cast<std::int64_t>(fs::file_size(src)));
  EXPECT_EQ(test::sha256_file(dest), test::sha256_file(src));
}

TEST(Download, StallIsAbandonedByTheLowSpeedLimit) {
  Env env;
  DownloadOptions o;
  o.http.low_speed_time = 1s;
  o.max_resumes = 0;
  fs::create_directories(env.data / "dl");
  try {
    download_file(env.host.url(test_media().mkv_ac3_srt, "fault=stall&after=10000"), env.data / "dl" / "f",
                  -1, o, {});
    FAIL() << "a stalled download must fail";
  } catch (const DownloadError& e) {
    EXPECT_TRUE(e.source_fault);
    EXPECT_TRUE(contains(e.what(), "interrupted")) << e.what();
  }
}

TEST(DirectStream, BrokenStreamResumesWithRangeByteIdentical) {
  Env env;
  const auto& src = test_media().faststart_mp4;
  StreamOptions so;
  so.download.http.low_speed_time = 1s;
  so.download.max_resumes = 20;
  so.buffer_bytes = 64 << 10;  // smaller than the file: the reader must keep up with the ring
  auto size = static_cast<std::int64_t>(fs::file_size(src));
  ByteSource b = make_stream_source(env.host.url(src, "fault=reset&after=30000"), size, so,
                                    std::make_shared<std::atomic<bool>>(false), {});
  auto out = env.data / "copy.mp4";
  {
    std::ofstream f(out, std::ios::binary);
    std::vector<char> buf(8192);
    for (;;) {
      auto n = b.read(buf.data(), buf.size());
      ASSERT_GE(n, 0) << b.error();
      if (n == 0) break;
      f.write(buf.data(), n);
    }
  }
  EXPECT_EQ(test::sha256_file(out), test::sha256_file(src));
}

TEST(Preparer, CancelFromAnotherThreadStopsAStalledJobPromptly) {
  Env env;
  env.opt.low_speed_time = 60s;  // only cancel can end this stall quickly
  env.opt.max_resumes = 5;
  FfmpegMediaPreparer prep(env.opt);
  std::atomic<bool> done{false};
  std::atomic<bool> local_failure{false};
  std::atomic<bool> started{false};
  ProgressFn progress = [&](const Progress&) { started = true; };
  std::thread t([&] {
    try {
      prep.prepare(job_with({env.host.url(test_media().mkv_ac3_srt, "fault=stall&after=20000")}), 50 << 20,
                   progress);
    } catch (const MediaError& e) {
      local_failure = !e.all_sources_failed;
    }
    done = true;
  });
  ASSERT_TRUE(test::wait_until([&] { return started.load(); }, 20s));
  prep.cancel();
  EXPECT_TRUE(test::wait_until([&] { return done.load(); }, 10s)) << "cancel did not stop the job";
  t.join();
  EXPECT_TRUE(local_failure) << "a cancelled job is not the source's fault";
}

TEST(Preparer, ShortSpoolDiskFailsClearlyBeforeDownloading) {
  Env env;
  env.opt.free_space_margin_bytes = std::int64_t{1} << 60;  // more than any disk has
  FfmpegMediaPreparer prep(env.opt);
  try {
    prep.prepare(job_with({env.host.url(test_media().mkv_ac3_srt)}), 50 << 20, {});
    FAIL() << "expected a disk space error";
  } catch (const MediaError& e) {
    EXPECT_FALSE(e.all_sources_failed);
    EXPECT_TRUE(contains(e.what(), "spool disk short")) << e.what();
    EXPECT_TRUE(contains(e.what(), "media.spool_dir")) << e.what();
  }
}

}  // namespace
}  // namespace cmup::media
