// The path decision and the pieces it rests on, table-driven: what streams as it is, what
// is remuxed and how, what ffprobe's JSON and an MP4's box layout say.
#include "media/plan.hpp"

#include <gtest/gtest.h>

#include "media/ffmpeg_preparer.hpp"
#include "media/media_info.hpp"
#include "media/mp4_boxes.hpp"

namespace cmup::media {
namespace {

MediaInfo make(Container c, std::string v, std::vector<std::string> audio,
               std::vector<std::string> subs = {}) {
  MediaInfo m;
  m.container = c;
  m.duration_s = 60;
  int i = 0;
  if (!v.empty()) m.streams.push_back({i++, "video", v, "", 1920, 1080, 0, false});
  for (auto& a : audio) m.streams.push_back({i++, "audio", a, "", 0, 0, 6, false});
  for (auto& s : subs) m.streams.push_back({i++, "subtitle", s, "", 0, 0, 0, false});
  return m;
}

struct Case {
  const char* name;
  MediaInfo info;
  bool moov_first;
  bool ok;
  const char* why;
};

TEST(Plan, WhatStreamsAsItIs) {
  const std::vector<Case> cases{
      {"h264 aac faststart", make(Container::Mp4, "h264", {"aac"}), true, true, ""},
      {"hevc mp3 faststart", make(Container::Mp4, "hevc", {"mp3"}), true, true, ""},
      {"video only", make(Container::Mp4, "h264", {}), true, true, ""},
      {"moov at end", make(Container::Mp4, "h264", {"aac"}), false, false, "moov at the end"},
      {"mkv", make(Container::Matroska, "h264", {"aac"}), true, false, "container mkv"},
      {"quicktime", make(Container::Mov, "h264", {"aac"}), true, false, "container mov"},
      {"avi", make(Container::Avi, "mpeg4", {"mp3"}), true, false, "container avi"},
      {"ts", make(Container::MpegTs, "h264", {"aac"}), true, false, "container ts"},
      {"dts", make(Container::Mp4, "h264", {"aac", "dts"}), true, false, "audio dts"},
      {"truehd", make(Container::Mp4, "h264", {"truehd"}), true, false, "audio truehd"},
      {"flac", make(Container::Mp4, "h264", {"flac"}), true, false, "audio flac"},
      {"ac3", make(Container::Mp4, "h264", {"ac3"}), true, false, "audio ac3"},
      {"vp9", make(Container::Mp4, "vp9", {"aac"}), true, false, "video vp9"},
      {"mov_text subs", make(Container::Mp4, "h264", {"aac"}, {"mov_text"}), true, true, ""},
  };
  for (const auto& c : cases) {
    Verdict v = streamable_as_is(c.info, c.moov_first, PlanRules{});
    EXPECT_EQ(v.ok, c.ok) << c.name;
    EXPECT_EQ(v.why_not, c.why) << c.name;
  }
}

TEST(Plan, RemuxCopiesVideoTranscodesOnlyUnplayableAudioAndConvertsTextSubtitles) {
  MediaInfo m = make(Container::Matroska, "hevc", {"aac", "dts"}, {"subrip", "hdmv_pgs_subtitle"});
  m.streams.push_back({5, "attachment", "ttf", "", 0, 0, 0, false});
  RemuxPlan p = remux_arguments(m, "in.mkv", "out.mp4", PlanRules{});
  auto has = [&](std::vector<std::string> seq) {
    return std::search(p.args.begin(), p.args.end(), seq.begin(), seq.end()) != p.args.end();
  };
  EXPECT_TRUE(has({"-c:v:0", "copy", "-tag:v:0", "hvc1"}));
  EXPECT_TRUE(has({"-c:a:0", "copy"}));
  EXPECT_TRUE(has({"-c:a:1", "aac", "-b:a:1", "384k"}));  // 5.1 DTS -> 6 x 64 kb/s AAC
  EXPECT_TRUE(has({"-c:s:0", "mov_text"}));
  EXPECT_TRUE(has({"-movflags", "+faststart"}));
  EXPECT_FALSE(has({"-map", "0:4"})) << "image subtitles cannot go into MP4";
  EXPECT_FALSE(has({"-map", "0:5"}));
  ASSERT_EQ(p.dropped.size(), 2u);
  EXPECT_NE(p.dropped[0].find("hdmv_pgs_subtitle"), std::string::npos);
  EXPECT_TRUE(p.transcodes_audio);
  EXPECT_EQ(p.args.back(), "out.mp4");
}

TEST(Plan, Ac3IsKeptWhenConfigured) {
  PlanRules keep;
  keep.transcode_ac3 = false;
  EXPECT_TRUE(audio_plays_in_telegram("ac3", keep));
  EXPECT_TRUE(audio_plays_in_telegram("eac3", keep));
  EXPECT_FALSE(audio_plays_in_telegram("ac3", PlanRules{}));
  EXPECT_FALSE(audio_plays_in_telegram("dts", keep));
}

TEST(Plan, QualityFromTheFrameUsesWidthToo) {
  EXPECT_EQ(quality_for_frame(1920, 1080), "1080P");
  EXPECT_EQ(quality_for_frame(1920, 800), "1080P");  // scope film
  EXPECT_EQ(quality_for_frame(3840, 1600), "2160P");
  EXPECT_EQ(quality_for_frame(1280, 720), "720P");
  EXPECT_EQ(quality_for_frame(720, 576), "576P");
  EXPECT_EQ(quality_for_frame(320, 240), "480P");
  EXPECT_EQ(quality_for_frame(0, 0), "UNKNOWN");
}

TEST(MediaInfo, ParsesFfprobeJson) {
  const char* json = R"({"streams":[
    {"index":0,"codec_name":"h264","codec_type":"video","codec_tag_string":"avc1","width":1920,"height":1080,
     "disposition":{"attached_pic":0}},
    {"index":1,"codec_name":"mjpeg","codec_type":"video","width":600,"height":600,"disposition":{"attached_pic":1}},
    {"index":2,"codec_name":"eac3","codec_type":"audio","channels":6}],
    "format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"5400.250000","size":"123456789",
              "tags":{"major_brand":"isom"}}})";
  MediaInfo m = parse_ffprobe_json(json);
  EXPECT_EQ(m.container, Container::Mp4);
  EXPECT_DOUBLE_EQ(m.duration_s, 5400.25);
  EXPECT_EQ(m.size_bytes, 123456789);
  ASSERT_NE(m.main_video(), nullptr);
  EXPECT_EQ(m.main_video()->index, 0);
  EXPECT_EQ(m.of_type("video").size(), 1u) << "cover art is not a video stream";
  EXPECT_EQ(m.of_type("audio").at(0)->channels, 6);
}

TEST(MediaInfo, QuickTimeBrandIsNotMp4) {
  MediaInfo m = parse_ffprobe_json(
      R"({"streams":[{"index":0,"codec_type":"video","codec_name":"h264"}],
          "format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","tags":{"major_brand":"qt  "}}})");
  EXPECT_EQ(m.container, Container::Mov);
}

TEST(MediaInfo, NoStreamsOrNoJsonIsNotMedia) {
  EXPECT_THROW(parse_ffprobe_json("not json"), ProbeError);
  EXPECT_THROW(parse_ffprobe_json(R"({"streams":[],"format":{"format_name":"tty"}})"), ProbeError);
  EXPECT_THROW(parse_ffprobe_json(R"({"streams":[{"index":0,"codec_type":"data"}]})"), ProbeError);
}

std::string box(const std::string& type, std::uint32_t size) {
  std::string b(8, '\0');
  b[0] = static_cast<char>(size >> 24);
  b[1] = static_cast<char>(size >> 16);
  b[2] = static_cast<char>(size >> 8);
  b[3] = static_cast<char>(size);
  b.replace(4, 4, type);
  return b + std::string(size - 8, 'x');
}

ReadAt reader(const std::string& data) {
  return [data](std::int64_t off, std::size_t len) {
    if (off >= static_cast<std::int64_t>(data.size())) return std::string();
    return data.substr(static_cast<std::size_t>(off), len);
  };
}

TEST(Mp4Boxes, MoovBeforeMdatIsFaststart) {
  std::string f = box("ftyp", 24) + box("free", 8) + box("moov", 100) + box("mdat", 1000);
  Mp4Layout l = scan_top_level_boxes(reader(f), static_cast<std::int64_t>(f.size()));
  EXPECT_TRUE(l.is_mp4);
  EXPECT_TRUE(l.moov_first);
  ASSERT_EQ(l.boxes.size(), 3u);
  EXPECT_EQ(l.boxes[2].offset, 32);
}

TEST(Mp4Boxes, MdatBeforeMoovIsNot) {
  std::string f = box("ftyp", 24) + box("mdat", 1000) + box("moov", 100);
  Mp4Layout l = scan_top_level_boxes(reader(f), static_cast<std::int64_t>(f.size()));
  EXPECT_TRUE(l.is_mp4);
  EXPECT_FALSE(l.moov_first);
}

TEST(Mp4Boxes, LargeSizeMdatIsFollowed) {
  std::string large =
      std::string("\0\0\0\1mdat", 8) + std::string("\0\0\0\0\0\0\0\x20", 8) + std::string(16, 'x');
  std::string f = box("ftyp", 16) + large + box("moov", 50);
  Mp4Layout l = scan_top_level_boxes(reader(f), static_cast<std::int64_t>(f.size()));
  ASSERT_EQ(l.boxes.size(), 2u);
  EXPECT_EQ(l.boxes[1].type, "mdat");
  EXPECT_EQ(l.boxes[1].size, 32);
  EXPECT_FALSE(l.moov_first);
}

TEST(Mp4Boxes, GarbageIsNotMp4AndCorruptSizesStopTheWalk) {
  EXPECT_FALSE(scan_top_level_boxes(reader(std::string(64, '\xff')), 64).is_mp4);
  EXPECT_FALSE(scan_top_level_boxes(reader("\x1a\x45\xdf\xa3 matroska header"), 24).is_mp4);
  std::string corrupt = box("ftyp", 16) + std::string("\0\0\0\3free", 8);  // size < header
  Mp4Layout l = scan_top_level_boxes(reader(corrupt), static_cast<std::int64_t>(corrupt.size()));
  EXPECT_FALSE(l.moov_first);
  EXPECT_EQ(l.boxes.size(), 2u);
}

}  // namespace
}  // namespace cmup::media
