#include "files.hpp"

#include <atomic>
#include <fstream>
#include <regex>

#include "api_error.hpp"
#include "file_ids.hpp"

namespace cmup::simtg {

namespace {

constexpr std::uint64_t kMaxThumbnailBytes = 200 * 1000;

std::string lower_ext(const std::string& name) {
  const auto dot = name.rfind('.');
  if (dot == std::string::npos) return "";
  std::string e = name.substr(dot + 1);
  for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

// Width and height from a JPEG's SOF marker; {0,0} when not a JPEG.
std::pair<int, int> jpeg_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  auto byte = [&]() { return in.get(); };
  if (byte() != 0xFF || byte() != 0xD8) return {0, 0};
  while (in) {
    int b = byte();
    while (b == 0xFF) b = byte();
    if (b < 0) break;
    const int marker = b;
    const int len = (byte() << 8) | byte();
    if (len < 2) break;
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      byte();  // precision
      const int h = (byte() << 8) | byte();
      const int w = (byte() << 8) | byte();
      return {w, h};
    }
    in.seekg(len - 2, std::ios::cur);
  }
  return {0, 0};
}

std::int64_t adopt_upload(Sim& sim, const BotInfo* bot, UploadedPart& u) {
  std::int64_t seq = 0;
  {
    std::lock_guard lk(sim.store.mu);
    seq = sim.store.adopt_file(u.path, u.size, u.sha256, u.filename, guess_mime(u.filename, u.content_type)).seq;
  }
  u.path.clear();
  if (bot) sim.stats.upload(bot->username, u.size);
  return seq;
}

std::int64_t adopt_local_path(Sim& sim, const BotInfo& bot, const std::string& uri) {
  const std::filesystem::path src = url_decode(uri.substr(std::string("file://").size()));
  std::error_code ec;
  if (!src.is_absolute() || !std::filesystem::is_regular_file(src, ec)) throw bad_request("file not found");
  const std::uint64_t size = std::filesystem::file_size(src);
  if (size > sim.upload_cap(bot)) throw bad_request(text::kFileTooBig);
  static std::atomic<std::uint64_t> counter{0};
  const auto tmp = sim.store.tmp_dir() / ("local-" + std::to_string(counter++));
  // A hard link costs nothing for multi-GB parts; copy when across file systems.
  std::filesystem::create_hard_link(src, tmp, ec);
  if (ec) std::filesystem::copy_file(src, tmp, std::filesystem::copy_options::overwrite_existing);
  Sha256 h;
  std::ifstream in(tmp, std::ios::binary);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.update(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  UploadedPart u{"", src.filename().string(), "", tmp, size, h.hex_digest(), false};
  return adopt_upload(sim, &bot, u);
}

}  // namespace

std::string guess_mime(const std::string& file_name, const std::string& declared) {
  if (!declared.empty() && declared != "application/octet-stream") return declared;
  static const std::map<std::string, std::string> by_ext = {
      {"mp4", "video/mp4"},        {"m4v", "video/mp4"},   {"mkv", "video/x-matroska"},
      {"webm", "video/webm"},      {"mov", "video/quicktime"}, {"avi", "video/x-msvideo"},
      {"jpg", "image/jpeg"},       {"jpeg", "image/jpeg"}, {"png", "image/png"},
      {"srt", "application/x-subrip"}, {"txt", "text/plain"}, {"json", "application/json"}};
  auto it = by_ext.find(lower_ext(file_name));
  return it == by_ext.end() ? "application/octet-stream" : it->second;
}

[[noreturn]] void throw_too_big(const BotInfo& bot) {
  // The cloud's HTTP front refuses the body; a local-mode server passes it to TDLib,
  // which refuses the file.
  if (bot.local_mode) throw bad_request(text::kFileTooBig);
  throw ApiError(413, text::kEntityTooLarge);
}

std::int64_t resolve_input_file(Sim& sim, const BotInfo& bot, Params& params, const std::string& field,
                                const std::string& value) {
  UploadedPart* part = nullptr;
  if (value.empty()) {
    part = params.upload(field);
    if (!part) throw bad_request("there is no " + field + " in the request");
  } else if (value.rfind("attach://", 0) == 0) {
    part = params.upload(value.substr(9));
    if (!part) throw bad_request(text::kWrongFileId);
  }
  if (part) {
    if (part->too_big) throw_too_big(bot);
    if (part->path.empty()) throw bad_request(text::kWrongFileId);  // already used in this request
    return adopt_upload(sim, &bot, *part);
  }
  if (value.rfind("file://", 0) == 0) {
    if (!bot.local_mode) throw bad_request(text::kWrongFileId);
    return adopt_local_path(sim, bot, value);
  }
  if (value.rfind("http://", 0) == 0 || value.rfind("https://", 0) == 0) {
    throw bad_request("failed to get HTTP URL content");
  }
  const auto id = parse_file_id(value);
  std::lock_guard lk(sim.store.mu);
  if (!id || id->bot_id != bot.id || !sim.store.st.files.count(id->file_seq)) throw bad_request(text::kWrongFileId);
  return id->file_seq;
}

std::int64_t resolve_thumbnail(Sim& sim, Params& params, const std::string& value_or_field) {
  UploadedPart* part = nullptr;
  if (value_or_field.rfind("attach://", 0) == 0) {
    part = params.upload(value_or_field.substr(9));
  } else {
    part = params.upload(value_or_field);
  }
  if (!part || part->too_big || part->path.empty() || part->size > kMaxThumbnailBytes) return 0;
  const auto [w, h] = jpeg_size(part->path.string());
  if (w == 0) return 0;
  const std::int64_t seq = adopt_upload(sim, nullptr, *part);
  std::lock_guard lk(sim.store.mu);
  StoredFile& f = sim.store.st.files.at(seq);
  f.width = w;
  f.height = h;
  if (f.mime_type == "application/octet-stream") f.mime_type = "image/jpeg";
  return seq;
}

std::string file_path_for(const Sim& sim, const BotInfo& bot, const StoredFile& f) {
  (void)sim;
  if (bot.local_mode) return f.path;  // a local server answers with the path on its disk
  const std::string ext = lower_ext(f.file_name);
  const std::string dir = f.mime_type.rfind("video/", 0) == 0   ? "videos"
                          : f.mime_type.rfind("image/", 0) == 0 ? "thumbnails"
                                                                : "documents";
  return dir + "/file_" + std::to_string(f.seq) + (ext.empty() ? "" : "." + ext);
}

std::optional<std::int64_t> seq_from_file_path(const std::string& file_path) {
  static const std::regex re(R"((?:^|/)file_(\d+)(?:\.[A-Za-z0-9]+)?$)");
  std::smatch m;
  if (!std::regex_search(file_path, m, re)) return std::nullopt;
  return std::stoll(m[1].str());
}

}  // namespace cmup::simtg
