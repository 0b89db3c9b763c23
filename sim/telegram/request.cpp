#include "request.hpp"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <fstream>
#include <memory>

#include "api_error.hpp"
#include "file_ids.hpp"

namespace cmup::simtg {

namespace {

constexpr std::size_t kMaxTextBody = 16 * 1024 * 1024;  // JSON / form bodies and text fields

void parse_form(const std::string& body, Params& p) {
  std::size_t pos = 0;
  while (pos <= body.size()) {
    std::size_t amp = body.find('&', pos);
    if (amp == std::string::npos) amp = body.size();
    const std::string pair = body.substr(pos, amp - pos);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      const std::string key = url_decode(pair.substr(0, eq));
      p.values[key] = eq == std::string::npos ? std::string() : url_decode(pair.substr(eq + 1));
    }
    pos = amp + 1;
  }
}

std::string temp_name() {
  static std::atomic<std::uint64_t> counter{0};
  return "upload-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// Streams one multipart body: file parts to disk, text fields to memory.
class MultipartSink {
 public:
  MultipartSink(Params& p, const ReadLimits& limits) : p_(p), limits_(limits) {}
  ~MultipartSink() { finish(); }

  bool header(const httplib::MultipartFormData& f) {
    finish();
    if (f.filename.empty()) {
      text_field_ = f.name;
      text_.clear();
      return true;
    }
    UploadedPart part{f.name, f.filename, f.content_type, {}, 0, {}, false};
    if (!limits_.discard) {
      part.path = limits_.tmp_dir / temp_name();
      out_.open(part.path, std::ios::binary | std::ios::trunc);
      if (!out_) return false;
      hasher_ = std::make_unique<Sha256>();
    }
    current_ = &(p_.uploads[f.name] = std::move(part));
    return true;
  }

  bool data(const char* d, std::size_t n) {
    if (!text_field_.empty()) {
      if (text_.size() + n > kMaxTextBody) return false;
      text_.append(d, n);
      return true;
    }
    if (!current_ || limits_.discard || current_->too_big) return true;
    current_->size += n;
    if (current_->size > limits_.max_file_bytes) {
      current_->too_big = true;
      out_.close();
      std::filesystem::remove(current_->path);
      current_->path.clear();
      hasher_.reset();
      return true;
    }
    out_.write(d, static_cast<std::streamsize>(n));
    hasher_->update(d, n);
    return static_cast<bool>(out_);
  }

  void finish() {
    if (!text_field_.empty()) {
      p_.values[text_field_] = text_;
      text_field_.clear();
    }
    if (current_) {
      if (out_.is_open()) out_.close();
      if (hasher_) current_->sha256 = hasher_->hex_digest();
      hasher_.reset();
      current_ = nullptr;
    }
  }

 private:
  Params& p_;
  const ReadLimits& limits_;
  UploadedPart* current_ = nullptr;
  std::ofstream out_;
  std::unique_ptr<Sha256> hasher_;
  std::string text_field_;
  std::string text_;
};

}  // namespace

std::string url_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

Params::~Params() {
  for (auto& [name, part] : uploads) {
    if (!part.path.empty()) {
      std::error_code ec;
      std::filesystem::remove(part.path, ec);
    }
  }
}

bool Params::has(const std::string& name) const {
  auto it = values.find(name);
  return (it != values.end() && !it->second.is_null()) || uploads.count(name) > 0;
}

std::string Params::str(const std::string& name, const std::string& def) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.is_null()) return def;
  if (it->second.is_string()) return it->second.get<std::string>();
  return it->second.dump();
}

std::optional<std::int64_t> Params::int64(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.is_null()) return std::nullopt;
  if (it->second.is_number_integer()) return it->second.get<std::int64_t>();
  if (it->second.is_number()) return static_cast<std::int64_t>(it->second.get<double>());
  if (it->second.is_string()) {
    const std::string s = it->second.get<std::string>();
    if (s.empty()) return std::nullopt;
    try {
      std::size_t used = 0;
      const long long v = std::stoll(s, &used);
      if (used == s.size()) return v;
    } catch (const std::exception&) {
    }
  }
  throw bad_request("field \"" + name + "\" must be of type Integer");
}

bool Params::boolean(const std::string& name, bool def) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.is_null()) return def;
  if (it->second.is_boolean()) return it->second.get<bool>();
  if (it->second.is_number()) return it->second.get<double>() != 0;
  const std::string s = it->second.is_string() ? it->second.get<std::string>() : "";
  return s == "true" || s == "True" || s == "1";
}

nlohmann::json Params::json_value(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.is_null()) return nullptr;
  if (!it->second.is_string()) return it->second;
  const std::string s = it->second.get<std::string>();
  if (s.empty()) return nullptr;
  try {
    return nlohmann::json::parse(s);
  } catch (const std::exception&) {
    throw bad_request("can't parse " + name + " JSON object");
  }
}

UploadedPart* Params::upload(const std::string& field) {
  auto it = uploads.find(field);
  return it == uploads.end() ? nullptr : &it->second;
}

bool Params::any_too_big() const {
  for (const auto& [n, u] : uploads) {
    if (u.too_big) return true;
  }
  return false;
}

Params read_params(const httplib::Request& req, const httplib::ContentReader* reader, const ReadLimits& limits) {
  Params p;
  for (const auto& [k, v] : req.params) p.values[k] = v;
  if (!reader) return p;
  auto counted = [&](const char*, std::size_t n) {
    p.body_bytes += n;
    if (limits.on_bytes) limits.on_bytes(n);
    return true;
  };
  if (req.is_multipart_form_data()) {
    MultipartSink sink(p, limits);
    const bool ok = (*reader)([&](const httplib::MultipartFormData& f) { return sink.header(f); },
                              [&](const char* d, std::size_t n) { return counted(d, n) && sink.data(d, n); });
    sink.finish();
    if (!ok) throw bad_request("failed to read the multipart request body");
    return p;
  }
  std::string body;
  const bool ok = (*reader)([&](const char* d, std::size_t n) {
    counted(d, n);
    if (limits.discard) return true;
    if (body.size() + n > kMaxTextBody) return false;
    body.append(d, n);
    return true;
  });
  if (!ok) throw bad_request("request body is too long or was cut off");
  if (limits.discard || body.empty()) return p;
  const std::string ct = req.get_header_value("Content-Type");
  if (ct.find("application/json") != std::string::npos) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(body);
    } catch (const std::exception&) {
      throw bad_request("can't parse JSON object");
    }
    if (!j.is_object()) throw bad_request("can't parse JSON object");
    for (auto it = j.begin(); it != j.end(); ++it) p.values[it.key()] = it.value();
  } else {
    parse_form(body, p);
  }
  return p;
}

}  // namespace cmup::simtg
