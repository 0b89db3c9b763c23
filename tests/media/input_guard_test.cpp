// A "video" that is really an HLS playlist or an ffmpeg concat list, served as .mp4, would
// make ffprobe/ffmpeg open the files and URLs it names. With the protocol and format
// whitelists (media/input_guard.hpp) they refuse it with a clear reason, remotely and after
// a download, and never fetch what it names; the job moves on to its next source.
#include "media/input_guard.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "media/ffmpeg_ops.hpp"
#include "media/ffmpeg_preparer.hpp"
#include "media/media_fixture.hpp"
#include "media/media_info.hpp"

namespace cmup::media {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::test_media;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A directory with a real video (target.mp4) and two disguised lists that name it.
struct Disguised {
  test::TempDir dir;
  fs::path hls = dir / "playlist.mp4";
  fs::path concat = dir / "list.mp4";
  Disguised() {
    fs::copy_file(test_media().faststart_mp4, dir / "target.mp4");
    std::ofstream(hls) << "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:0\n"
                          "#EXTINF:3.0,\ntarget.mp4\n#EXT-X-ENDLIST\n";
    std::ofstream(concat) << "ffconcat version 1.0\nfile target.mp4\n";
  }
};

int requests_for(const test::MediaHost& host, const std::string& file) {
  int n = 0;
  for (auto& r : host.requests())
    if (r.target.rfind("/media/" + file, 0) == 0) ++n;
  return n;
}

std::string probe_error(const std::string& input) {
  try {
    probe_media(input, ProbeOptions{});
  } catch (const ProbeError& e) {
    return e.what();
  }
  return "";
}

TEST(InputGuard, RemoteProbeRefusesPlaylistAndListDisguisedAsMp4) {
  Disguised d;
  test::MediaHost host{d.dir.path()};
  auto hls = probe_error(host.url(d.hls));
  EXPECT_TRUE(contains(hls, "refused: the file is 'hls'")) << hls;
  auto concat = probe_error(host.url(d.concat));
  EXPECT_TRUE(contains(concat, "refused: the file is 'concat'")) << concat;
  EXPECT_TRUE(contains(concat, "MP4/MOV, MKV/WebM, AVI, MPEG-TS")) << concat;
  EXPECT_EQ(requests_for(host, "target.mp4"), 0) << "ffprobe fetched a URL named inside the file";
  // The guard does not get in the way of real media.
  EXPECT_TRUE(probe_error(host.url(d.dir / "target.mp4")).empty());
}

TEST(InputGuard, LocalProbeAndRemuxRefuseThem) {
  Disguised d;
  for (const auto& f : {d.hls, d.concat}) {
    auto e = probe_error(f.string());
    EXPECT_TRUE(contains(e, "refused")) << f << ": " << e;
  }
  // ffmpeg is guarded too, not only ffprobe: a remux of the concat list (as if a probe had
  // passed) fails instead of copying target.mp4.
  MediaInfo info;
  info.container = Container::Mp4;
  info.duration_s = 3;
  info.streams.push_back(StreamInfo{0, "video", "h264", "avc1", 320, 240, 0, false});
  try {
    remux_to_mp4(info, d.concat, d.dir / "out.mp4", PlanRules{}, FfmpegOptions{}, {});
    FAIL() << "a concat list must not be remuxed";
  } catch (const FfmpegError& e) {
    EXPECT_TRUE(contains(e.what(), "refused: the file is 'concat'")) << e.what();
    EXPECT_FALSE(e.local) << "a refused input is the source's fault, not this host's";
  }
  EXPECT_FALSE(fs::exists(d.dir / "out.mp4"));
}

// Through the whole media path: both disguised sources fail with the reason, and the job
// takes its next source.
TEST(InputGuard, DisguisedSourceFailsOverToTheNextSource) {
  Disguised d;
  test::MediaHost bad{d.dir.path()};
  test::MediaHost good{test_media().dir};
  test::TempDir data;
  MediaOptions opt;
  opt.spool_dir = data / "spool";
  opt.thumb_dir = data / "thumbs";
  opt.free_space_margin_bytes = 0;
  media::PrepareRequest j;
  j.coded_name = "CM_M000042_480P";
  j.quality = "480P";
  j.sources = {media::PrepareSource{1, bad.url(d.hls)},
               media::PrepareSource{2, bad.url(d.concat)},
               media::PrepareSource{3, good.url(test_media().faststart_mp4)}};
  FfmpegMediaPreparer prep(opt);
  auto m = prep.prepare(j, 50 << 20, {});
  EXPECT_EQ(m.source_id, 3);
  ASSERT_EQ(m.failed_sources.size(), 2u);
  EXPECT_TRUE(contains(m.failed_sources[0].reason, "refused: the file is 'hls'"))
      << m.failed_sources[0].reason;
  EXPECT_TRUE(contains(m.failed_sources[1].reason, "refused: the file is 'concat'"))
      << m.failed_sources[1].reason;
  EXPECT_EQ(requests_for(bad, "target.mp4"), 0);
}

}  // namespace
}  // namespace cmup::media
