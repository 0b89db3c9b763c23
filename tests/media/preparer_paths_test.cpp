// The three paths end to end against a local media host: a clean MP4 streams as it is
// (byte-identical, nothing spooled), a moov-at-end MP4 and an MKV with AC3 + SRT are
// remuxed to faststart MP4s players take, and a file over the limit becomes playable parts.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "media/ffmpeg_preparer.hpp"
#include "media/media_fixture.hpp"
#include "media/media_info.hpp"
#include "media/mp4_boxes.hpp"

namespace cmup::media {
namespace {

namespace fs = std::filesystem;
using test::big_test_mp4;
using test::test_media;

struct Env {
  test::TempDir data;
  test::MediaHost host{test_media().dir};
  MediaOptions opt;
  Env() {
    opt.spool_dir = data / "spool";
    opt.thumb_dir = data / "thumbs";
    opt.low_speed_time = std::chrono::seconds(2);
    opt.connect_timeout = std::chrono::seconds(2);
    opt.free_space_margin_bytes = 0;
  }
};

media::PrepareRequest job_with(std::vector<std::string> urls, std::string quality = "1080P") {
  media::PrepareRequest j;
  j.coded_name = "CM_M000321_" + quality;
  j.quality = quality;
  std::int64_t id = 1;
  for (auto& u : urls) j.sources.push_back(media::PrepareSource{id++, u});
  return j;
}

std::string sha256_of_stream(ByteSource& b, std::int64_t* total) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(100000);
  *total = 0;
  for (;;) {
    auto n = b.read(buf.data(), buf.size());
    if (n < 0) {
      ADD_FAILURE() << "stream failed: " << b.error();
      break;
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx, buf.data(), static_cast<size_t>(n));
    *total += n;
  }
  unsigned char md[32];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  char h[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(h, sizeof h, "%02x", md[i]);
    hex += h;
  }
  return hex;
}

std::int64_t bytes_under(const fs::path& dir) {
  std::int64_t n = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) n += static_cast<std::int64_t>(e.file_size());
  return n;
}

void expect_thumbnail(const PreparedPart& p) {
  ASSERT_FALSE(p.thumbnail.empty());
  ASSERT_TRUE(fs::exists(p.thumbnail));
  EXPECT_LT(fs::file_size(p.thumbnail), 200000u);
  auto info = parse_ffprobe_json(test::ffprobe_json(p.thumbnail));
  ASSERT_NE(info.main_video(), nullptr);
  EXPECT_LE(std::max(info.main_video()->width, info.main_video()->height), 320);
  EXPECT_EQ(info.main_video()->codec, "mjpeg");
}

bool moov_first(const fs::path& p) {
  return scan_top_level_boxes(file_reader(p.string()), static_cast<std::int64_t>(fs::file_size(p)))
      .moov_first;
}

TEST(PreparerPaths, CleanFaststartMp4StreamsDirectByteIdenticalWithEmptySpool) {
  Env env;
  FfmpegMediaPreparer prep(env.opt);
  std::vector<Progress> seen;
  ProgressFn progress = [&](const Progress& p) { seen.push_back(p); };
  const auto& src = test_media().faststart_mp4;
  PreparedMedia m = prep.prepare(job_with({env.host.url(src)}, "480P"), 50 << 20, progress);
  ASSERT_EQ(m.path, PreparedMedia::Path::Direct);
  ASSERT_EQ(m.parts.size(), 1u);
  PreparedPart& part = m.parts[0];
  EXPECT_FALSE(part.bytes.is_file());
  EXPECT_EQ(part.bytes.size, static_cast<std::int64_t>(fs::file_size(src)));
  EXPECT_EQ(part.width, 320);
  EXPECT_EQ(part.height, 240);
  EXPECT_NEAR(part.duration_s, 3.0, 0.2);
  expect_thumbnail(part);
  EXPECT_FALSE(m.probed_quality.has_value());  // 240 rows is 480P, as labelled
  EXPECT_EQ(bytes_under(env.opt.spool_dir), 0);

  std::int64_t total = 0;
  EXPECT_EQ(sha256_of_stream(part.bytes, &total), test::sha256_file(src));
  EXPECT_EQ(total, part.bytes.size);
  EXPECT_EQ(bytes_under(env.opt.spool_dir), 0) << "the direct path must not spool";
  bool saw_stream_bytes = false;
  for (const auto& p : seen) saw_stream_bytes |= p.stage == "download" && p.bytes_done == total;
  EXPECT_TRUE(saw_stream_bytes);
  fs::path work = m.spool_dir;
  m = PreparedMedia{};
  EXPECT_FALSE(fs::exists(work)) << "thumbnails are removed with the job";
}

// A worker whose uploader is busy asks for the spool (PrepareHints::allow_direct = false):
// the streamable file is fetched ahead, kept as it is (no remux), byte-identical.
TEST(PreparerPaths, StreamableFileIsSpooledAsIsWhenDirectIsNotAllowed) {
  Env env;
  FfmpegMediaPreparer prep(env.opt);
  PrepareHints spool;
  spool.allow_direct = false;
  auto m = prep.prepare(job_with({env.host.url(test_media().faststart_mp4)}), 50 << 20, {}, spool);
  ASSERT_EQ(m.path, PreparedMedia::Path::Remux);
  ASSERT_EQ(m.parts.size(), 1u);
  ASSERT_TRUE(m.parts[0].bytes.is_file());
  EXPECT_EQ(test::sha256_file(m.parts[0].bytes.file), test::sha256_file(test_media().faststart_mp4));
}

// The two stages a worker runs on separate threads (issue 16): fetch() only downloads (the
// source link's part), finish() probes and remuxes the download (ffmpeg's part), and the
// result is what prepare() makes.
TEST(PreparerPaths, FetchOnlyDownloadsAndFinishRemuxesTheDownload) {
  Env env;
  PrepareHints spool;
  spool.allow_direct = false;
  auto job = job_with({env.host.url(test_media().mkv_ac3_srt)}, "480P");
  FfmpegMediaPreparer fetcher(env.opt);
  FetchedMedia f = fetcher.fetch(job, 50 << 20, {}, spool);
  ASSERT_FALSE(f.complete);
  ASSERT_TRUE(fs::exists(f.download));
  EXPECT_EQ(test::sha256_file(f.download), test::sha256_file(test_media().mkv_ac3_srt))
      << "fetch() hands over the source as downloaded";
  EXPECT_EQ(bytes_under(env.opt.spool_dir),
            static_cast<std::int64_t>(fs::file_size(test_media().mkv_ac3_srt)))
      << "nothing but the download yet: no remux in the download stage";
  const fs::path download = f.download;
  FfmpegMediaPreparer processor(env.opt);
  PreparedMedia m = processor.finish(job, std::move(f), 50 << 20, {});
  ASSERT_EQ(m.path, PreparedMedia::Path::Remux);
  ASSERT_EQ(m.parts.size(), 1u);
  auto info = parse_ffprobe_json(test::ffprobe_json(m.parts[0].bytes.file));
  EXPECT_EQ(info.container, Container::Mp4);
  EXPECT_EQ(info.of_type("audio").at(0)->codec, "aac");
  EXPECT_TRUE(moov_first(m.parts[0].bytes.file));
  ASSERT_FALSE(m.parts[0].thumbnail.empty()) << "taken from the download while it was remuxed";
  EXPECT_GT(fs::file_size(m.parts[0].thumbnail), 0u);
  EXPECT_FALSE(fs::exists(download)) << "the download is removed once remuxed";
  fs::path work = m.spool_dir;
  m = PreparedMedia{};
  EXPECT_FALSE(fs::exists(work));
}

// A job fetched for an idle uploader may still stream: fetch() is then complete and
// finish() has nothing left to do.
TEST(PreparerPaths, FetchOfAStreamableFileForAnIdleUploaderIsACompleteStream) {
  Env env;
  FfmpegMediaPreparer prep(env.opt);
  auto job = job_with({env.host.url(test_media().faststart_mp4)});
  FetchedMedia f = prep.fetch(job, 50 << 20, {}, PrepareHints{});
  ASSERT_TRUE(f.complete);
  PreparedMedia m = prep.finish(job, std::move(f), 50 << 20, {});
  EXPECT_EQ(m.path, PreparedMedia::Path::Direct);
  EXPECT_EQ(bytes_under(env.opt.spool_dir), 0);
}

TEST(PreparerPaths, ProbedHeightCorrectsTheLabel) {
  Env env;
  FfmpegMediaPreparer prep(env.opt);
  PreparedMedia m = prep.prepare(job_with({env.host.url(test_media().faststart_mp4)}, "1080P"), 50 << 20, {});
  ASSERT_TRUE(m.probed_quality.has_value());
  EXPECT_EQ(*m.probed_quality, "480P");
}

TEST(PreparerPaths, MoovAtEndMp4IsRemuxedWithMoovFirst) {
  Env env;
  ASSERT_FALSE(moov_first(test_media().moov_end_mp4));
  FfmpegMediaPreparer prep(env.opt);
  PreparedMedia m = prep.prepare(job_with({env.host.url(test_media().moov_end_mp4)}, "480P"), 50 << 20, {});
  ASSERT_EQ(m.path, PreparedMedia::Path::Remux);
  ASSERT_EQ(m.parts.size(), 1u);
  const auto& p = m.parts[0];
  ASSERT_TRUE(p.bytes.is_file());
  EXPECT_EQ(p.bytes.file.filename(), "CM_M000321_480P.mp4");
  EXPECT_TRUE(moov_first(p.bytes.file));
  EXPECT_EQ(p.size_bytes, static_cast<std::int64_t>(fs::file_size(p.bytes.file)));
  auto info = parse_ffprobe_json(test::ffprobe_json(p.bytes.file));
  EXPECT_EQ(info.main_video()->codec, "h264");
  EXPECT_EQ(info.of_type("audio").at(0)->codec, "aac");
  expect_thumbnail(p);
  // Only the result stays in the spool: the download is gone.
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(m.spool_dir)) files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"CM_M000321_480P.mp4", "thumb_1.jpg"}));
  fs::path spool = m.spool_dir;
  m = PreparedMedia{};
  EXPECT_FALSE(fs::exists(spool));
}

TEST(PreparerPaths, MkvWithAc3AndSrtBecomesMp4WithAacAndMovText) {
  Env env;
  FfmpegMediaPreparer prep(env.opt);
  std::vector<std::string> stages;
  ProgressFn progress = [&](const Progress& p) {
    if (stages.empty() || stages.back() != p.stage) stages.push_back(p.stage);
  };
  PreparedMedia m =
      prep.prepare(job_with({env.host.url(test_media().mkv_ac3_srt)}, "480P"), 50 << 20, progress);
  ASSERT_EQ(m.path, PreparedMedia::Path::Remux);
  const auto& p = m.parts.at(0);
  auto info = parse_ffprobe_json(test::ffprobe_json(p.bytes.file));
  EXPECT_EQ(info.container, Container::Mp4);
  EXPECT_EQ(info.main_video()->codec, "h264");
  ASSERT_EQ(info.of_type("audio").size(), 1u);
  EXPECT_EQ(info.of_type("audio")[0]->codec, "aac");
  ASSERT_EQ(info.of_type("subtitle").size(), 1u);
  EXPECT_EQ(info.of_type("subtitle")[0]->codec, "mov_text");
  EXPECT_TRUE(moov_first(p.bytes.file));
  EXPECT_NEAR(p.duration_s, 3.0, 0.2);
  EXPECT_NE(std::find(stages.begin(), stages.end(), "probe"), stages.end());
  EXPECT_NE(std::find(stages.begin(), stages.end(), "download"), stages.end());
  EXPECT_NE(std::find(stages.begin(), stages.end(), "remux"), stages.end());
}

TEST(PreparerPaths, FileOverTheLimitIsSplitIntoPlayablePartsUnderIt) {
  Env env;
  const auto& big = big_test_mp4();
  const std::int64_t limit = 10 << 20;
  ASSERT_GT(static_cast<std::int64_t>(fs::file_size(big)), 25 << 20);
  const double original = parse_ffprobe_json(test::ffprobe_json(big)).duration_s;
  FfmpegMediaPreparer prep(env.opt);
  PreparedMedia m = prep.prepare(job_with({env.host.url(big)}, "480P"), limit, {});
  ASSERT_EQ(m.path, PreparedMedia::Path::Split);
  ASSERT_GE(m.parts.size(), 3u);
  double sum = 0;
  const int n = static_cast<int>(m.parts.size());
  for (int i = 0; i < n; ++i) {
    const auto& p = m.parts[static_cast<size_t>(i)];
    SCOPED_TRACE(p.bytes.file.string());
    EXPECT_EQ(p.part_no, i + 1);
    EXPECT_EQ(p.part_count, n);
    EXPECT_EQ(p.bytes.file.filename(),
              "CM_M000321_480P_P" + std::to_string(i + 1) + "of" + std::to_string(n) + ".mp4");
    EXPECT_LE(static_cast<std::int64_t>(fs::file_size(p.bytes.file)), limit);
    auto info = parse_ffprobe_json(test::ffprobe_json(p.bytes.file));  // playable: ffprobe reads it
    ASSERT_NE(info.main_video(), nullptr);
    EXPECT_TRUE(moov_first(p.bytes.file));
    sum += info.duration_s;
    expect_thumbnail(p);
  }
  EXPECT_NEAR(sum, original, 1.0);
}

}  // namespace
}  // namespace cmup::media
