#include "faults.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <thread>

namespace cmup::simtg {

namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

void Faults::add(const nlohmann::json& spec) {
  if (!spec.is_object()) throw std::invalid_argument("a fault is a JSON object");
  Fault f;
  f.kind = spec.contains("kind") && spec["kind"].is_number() ? std::to_string(spec["kind"].get<int>())
                                                             : spec.value("kind", std::string());
  if (f.kind != "429" && f.kind != "500" && f.kind != "drop") {
    throw std::invalid_argument("kind must be \"429\", \"500\" or \"drop\"");
  }
  f.bot = spec.value("bot", std::string());
  if (!f.bot.empty() && f.bot[0] == '@') f.bot = f.bot.substr(1);
  f.method = lower(spec.value("method", std::string()));
  if (spec.contains("chat_id")) f.chat_id = spec["chat_id"].get<std::int64_t>();
  f.count = spec.value("count", -1);
  const double seconds = spec.value("seconds", 0.0);
  if (seconds > 0) f.until_ms = steady_ms() + static_cast<std::int64_t>(seconds * 1000);
  if (f.count < 0 && f.until_ms == 0) f.count = 1;  // neither given: one call
  f.retry_after = spec.value("retry_after", 0);
  f.after_processing = spec.value("after_processing", false);
  std::lock_guard lk(mu_);
  faults_.push_back(f);
}

void Faults::clear() {
  std::lock_guard lk(mu_);
  faults_.clear();
}

std::optional<Fault> Faults::take(const std::string& bot, const std::string& method,
                                  std::optional<std::int64_t> chat_id) {
  std::lock_guard lk(mu_);
  const std::int64_t now = steady_ms();
  std::erase_if(faults_, [&](const Fault& f) { return f.count == 0 || (f.until_ms != 0 && now >= f.until_ms); });
  const std::string m = lower(method);
  for (auto& f : faults_) {
    if (!f.bot.empty() && f.bot != bot) continue;
    if (!f.method.empty() && f.method != m) continue;
    if (f.chat_id && (!chat_id || *f.chat_id != *chat_id)) continue;
    if (f.count > 0) --f.count;
    return f;
  }
  return std::nullopt;
}

nlohmann::json Faults::list() {
  std::lock_guard lk(mu_);
  const std::int64_t now = steady_ms();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : faults_) {
    if (f.count == 0 || (f.until_ms != 0 && now >= f.until_ms)) continue;
    nlohmann::json j = {{"kind", f.kind}, {"bot", f.bot}, {"method", f.method}, {"count", f.count},
                        {"retry_after", f.retry_after}, {"after_processing", f.after_processing}};
    if (f.chat_id) j["chat_id"] = *f.chat_id;
    if (f.until_ms) j["seconds_left"] = static_cast<double>(f.until_ms - now) / 1000.0;
    out.push_back(j);
  }
  return out;
}

int Faults::retry_after_of(const Fault& f) {
  if (f.retry_after > 0) return f.retry_after;
  if (f.until_ms != 0) {
    const double left = static_cast<double>(f.until_ms - steady_ms()) / 1000.0;
    return std::max(1, static_cast<int>(std::ceil(left)));
  }
  return 5;
}

void Throttle::set(std::uint64_t bytes_per_second) {
  std::lock_guard lk(mu_);
  bps_ = bytes_per_second;
  next_free_ = {};
}

std::uint64_t Throttle::rate() {
  std::lock_guard lk(mu_);
  return bps_;
}

void Throttle::consume(std::size_t bytes) {
  std::chrono::steady_clock::time_point wake;
  {
    std::lock_guard lk(mu_);
    if (bps_ == 0) return;
    // A slot may start up to 50 ms in the past: time lost oversleeping earlier chunks is
    // made up, so the long-run rate is the set one, not less.
    const auto floor = std::chrono::steady_clock::now() - std::chrono::milliseconds(50);
    const auto start = std::max(floor, next_free_);
    next_free_ = start + std::chrono::nanoseconds(static_cast<std::int64_t>(
                             static_cast<double>(bytes) * 1e9 / static_cast<double>(bps_)));
    wake = next_free_;
  }
  std::this_thread::sleep_until(wake);
}

std::optional<int> RateLimits::take(Bucket& b, double capacity, double per_second) {
  const auto now = std::chrono::steady_clock::now();
  if (!b.init) {
    b = Bucket{capacity, now, true};
  } else {
    const double dt = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(capacity, b.tokens + dt * per_second);
    b.at = now;
  }
  if (b.tokens >= 1) return std::nullopt;
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / per_second)));
}

void RateLimits::set_window_scale(double scale) {
  std::lock_guard lk(mu_);
  scale_ = scale;
}

std::optional<int> RateLimits::check(std::int64_t bot_id, std::int64_t chat_id) {
  std::lock_guard lk(mu_);
  Bucket& chat = per_chat_[{bot_id, chat_id}];
  Bucket& bot = per_bot_[bot_id];
  if (auto r = take(chat, 3, 1 / scale_)) return r;   // ~1/s per chat, bursts of 3
  if (auto r = take(bot, 30, 30 / scale_)) return r;  // ~30/s overall
  chat.tokens -= 1;
  bot.tokens -= 1;
  return std::nullopt;
}

void Stats::call(const std::string& bot, const std::string& method) {
  std::lock_guard lk(mu_);
  ++calls_[bot][method];
}
void Stats::bytes(const std::string& bot, std::uint64_t n) {
  std::lock_guard lk(mu_);
  bytes_[bot] += n;
}
void Stats::upload(const std::string& bot, std::uint64_t file_bytes) {
  std::lock_guard lk(mu_);
  ++files_[bot];
  file_bytes_[bot] += file_bytes;
}
nlohmann::json Stats::json() {
  std::lock_guard lk(mu_);
  std::uint64_t total = 0;
  for (const auto& [b, n] : bytes_) total += n;
  return {{"calls", calls_},
          {"bytes_received", bytes_},
          {"total_bytes_received", total},
          {"files_stored", files_},
          {"file_bytes_stored", file_bytes_}};
}

}  // namespace cmup::simtg
