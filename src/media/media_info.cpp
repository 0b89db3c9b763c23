#include "media/media_info.hpp"

#include <nlohmann/json.hpp>

#include "media/input_guard.hpp"
#include "util/child_process.hpp"

namespace cmup::media {

namespace {

double to_double(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return 0;
  const auto& v = j[key];
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    try {
      return std::stod(v.get<std::string>());
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

std::string to_string(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

int to_int(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number_integer() ? j[key].get<int>() : 0;
}

Container classify(const std::string& format_name, const std::string& major_brand) {
  auto has = [&](const char* s) { return format_name.find(s) != std::string::npos; };
  if (has("mp4") || has("mov")) {
    // ffprobe names MP4 and QuickTime alike; the brand tells them apart.
    return major_brand.rfind("qt", 0) == 0 ? Container::Mov : Container::Mp4;
  }
  if (has("matroska") || has("webm")) return Container::Matroska;
  if (has("avi")) return Container::Avi;
  if (has("mpegts")) return Container::MpegTs;
  return Container::Other;
}

}  // namespace

const char* container_name(Container c) {
  switch (c) {
    case Container::Mp4:
      return "mp4";
    case Container::Mov:
      return "mov";
    case Container::Matroska:
      return "mkv";
    case Container::Avi:
      return "avi";
    case Container::MpegTs:
      return "ts";
    case Container::Other:
      return "other";
  }
  return "other";
}

const StreamInfo* MediaInfo::main_video() const {
  for (const auto& s : streams)
    if (s.type == "video" && !s.attached_pic) return &s;
  return nullptr;
}

std::vector<const StreamInfo*> MediaInfo::of_type(const std::string& type) const {
  std::vector<const StreamInfo*> out;
  for (const auto& s : streams)
    if (s.type == type && !(type == "video" && s.attached_pic)) out.push_back(&s);
  return out;
}

MediaInfo parse_ffprobe_json(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw ProbeError("ffprobe printed no valid JSON");
  MediaInfo info;
  if (j.contains("format") && j["format"].is_object()) {
    const auto& f = j["format"];
    info.format_name = to_string(f, "format_name");
    info.duration_s = to_double(f, "duration");
    info.size_bytes = static_cast<std::int64_t>(to_double(f, "size"));
    if (f.contains("tags") && f["tags"].is_object()) info.major_brand = to_string(f["tags"], "major_brand");
  }
  info.container = classify(info.format_name, info.major_brand);
  if (j.contains("streams") && j["streams"].is_array()) {
    for (const auto& s : j["streams"]) {
      if (!s.is_object()) continue;
      StreamInfo si;
      si.index = to_int(s, "index");
      si.type = to_string(s, "codec_type");
      si.codec = to_string(s, "codec_name");
      si.codec_tag = to_string(s, "codec_tag_string");
      si.width = to_int(s, "width");
      si.height = to_int(s, "height");
      si.channels = to_int(s, "channels");
      if (s.contains("disposition") && s["disposition"].is_object())
        si.attached_pic = to_int(s["disposition"], "attached_pic") != 0;
      info.streams.push_back(std::move(si));
    }
  }
  if (!info.main_video() && info.of_type("audio").empty()) {
    throw ProbeError("no audio or video stream in it (format '" +
                     (info.format_name.empty() ? std::string("unknown") : info.format_name) + "')");
  }
  return info;
}

bool is_url(const std::string& s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

MediaInfo probe_media(const std::string& target, const ProbeOptions& opt) {
  std::vector<std::string> argv{opt.ffprobe, "-v", "error", "-hide_banner"};
  if (is_url(target)) {
    argv.insert(argv.end(),
                {"-rw_timeout", std::to_string(opt.io_timeout.count() * 1000), "-reconnect", "0"});
  }
  const auto guard = input_guard_args(target);
  argv.insert(argv.end(), guard.begin(), guard.end());
  argv.insert(argv.end(), {"-print_format", "json", "-show_format", "-show_streams", target});
  RunOptions ro;
  ro.time_limit = opt.time_limit;
  ro.cancel = opt.cancel;
  ProcessResult r;
  try {
    r = run_program(argv, ro);
  } catch (const ProcessError& e) {
    // Cancelled, or ffprobe missing: not the source's fault.
    if (e.kind == ProcessError::Kind::Cancelled || e.kind == ProcessError::Kind::StartFailed) throw;
    throw ProbeError(std::string("ffprobe failed: ") + e.what());
  }
  if (r.exit_code != 0) {
    if (auto refused = refused_format(r.stderr_tail); !refused.empty())
      throw ProbeError("not readable as media (" + refused + ")");
    throw ProbeError("not readable as media (ffprobe: " + summarize_stderr(r.stderr_tail) + ")");
  }
  try {
    return parse_ffprobe_json(r.stdout_text);
  } catch (const ProbeError& e) {
    throw ProbeError(std::string("not media: ") + e.what());
  }
}

}  // namespace cmup::media
