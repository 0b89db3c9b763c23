#include "util/log.hpp"

#include <fcntl.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <regex>
#include <set>
#include <stdexcept>
#include <system_error>

#include "util/safe_text.hpp"

namespace cmup {

namespace {

constexpr std::size_t kMaxLineBytes = std::size_t{16} * 1024;

std::mutex g_secrets_mu;
std::set<std::string, std::greater<>>& secrets() {
  static std::set<std::string, std::greater<>> s;  // longest-first not guaranteed; fine for literals
  return s;
}

// Redacts, then makes the line safe (util/safe_text.hpp: names and errors quoted from CM,
// Telegram or a request cannot forge lines or send terminal escapes), before handing it to
// the real sink.
class RedactingSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit RedactingSink(spdlog::sink_ptr inner) : inner_(std::move(inner)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text =
        safe_text(redact(std::string_view(msg.payload.data(), msg.payload.size())), kMaxLineBytes);
    spdlog::details::log_msg copy = msg;
    copy.payload = text;
    inner_->log(copy);
  }
  void flush_() override { inner_->flush(); }

 private:
  spdlog::sink_ptr inner_;
};

}  // namespace

void register_secret(const std::string& secret) {
  if (secret.size() < 4) return;
  std::lock_guard lk(g_secrets_mu);
  secrets().insert(secret);
}

std::string redact(std::string_view text) {
  std::string out(text);
  {
    std::lock_guard lk(g_secrets_mu);
    for (const auto& s : secrets()) {
      for (size_t pos = out.find(s); pos != std::string::npos; pos = out.find(s, pos + 3))
        out.replace(pos, s.size(), "***");
    }
  }
  // Bot tokens (digits:35 url-safe chars) and JWTs (three base64url segments starting eyJ).
  static const std::regex bot_token(R"(\b\d{3,12}:[A-Za-z0-9_-]{20,}\b)");
  static const std::regex jwt(R"(eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+)");
  static const std::regex bearer(R"((Bearer\s+)[A-Za-z0-9._~+/=-]+)");
  if (out.find(':') != std::string::npos) out = std::regex_replace(out, bot_token, "***");
  if (out.find("eyJ") != std::string::npos) out = std::regex_replace(out, jwt, "***");
  if (out.find("Bearer") != std::string::npos) out = std::regex_replace(out, bearer, "$1***");
  return out;
}

void setup_logging(const std::string& level, const std::string& name) {
  auto inner = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto sink = std::make_shared<RedactingSink>(inner);
  auto logger = std::make_shared<spdlog::logger>(name, sink);
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") lvl = spdlog::level::info;
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
}

void write_secret_file(const std::filesystem::path& path, const std::string& content) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  auto tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot write " + tmp.string() + ": " + std::generic_category().message(errno));
  ::fchmod(fd, 0600);  // an existing file keeps its old mode under O_CREAT
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw std::runtime_error("cannot write " + tmp.string() + ": " +
                               std::generic_category().message(errno));
    }
    off += static_cast<size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  std::filesystem::rename(tmp, path);
}

}  // namespace cmup
