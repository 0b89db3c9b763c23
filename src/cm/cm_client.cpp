#include "cm/cm_client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "util/backoff.hpp"
#include "util/config.hpp"
#include "util/log.hpp"

namespace cmup::cm {

namespace {

using json = nlohmann::json;

constexpr int kMaxBackoffMs = 30000;
constexpr int kMaxRetryAfterS = 300;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string base64url_decode(std::string_view in) {
  std::string out;
  int val = 0, bits = -8;
  for (char ch : in) {
    int d;
    if (ch >= 'A' && ch <= 'Z')
      d = ch - 'A';
    else if (ch >= 'a' && ch <= 'z')
      d = ch - 'a' + 26;
    else if (ch >= '0' && ch <= '9')
      d = ch - '0' + 52;
    else if (ch == '-' || ch == '+')
      d = 62;
    else if (ch == '_' || ch == '/')
      d = 63;
    else if (ch == '=')
      break;
    else
      return {};
    val = (val << 6) | d;
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::string join_url(const std::string& base, const std::string& path) {
  if (!base.empty() && base.back() == '/' && !path.empty() && path.front() == '/')
    return base + path.substr(1);
  return base + path;
}

int backoff_ms(int attempt, int base_ms) {
  // attempt counts from 0 here; the formula counts attempts made (1 after the first failure).
  return static_cast<int>(
      backoff_delay_ms_random({base_ms / 1000.0, kMaxBackoffMs / 1000.0, 0.25}, attempt + 1));
}

std::string describe(const HttpResponse& r) {
  if (r.status == 0) return r.timed_out ? "timed out" : "no answer (" + r.error + ")";
  return "HTTP " + std::to_string(r.status);
}

}  // namespace

CmOptions CmOptions::from_config(const Config& cfg) {
  CmOptions o;
  o.base_url = cfg.str("cm.base_url");
  o.username = cfg.str("cm.username");
  o.password = cfg.str("cm.password");
  o.login_path = cfg.str("cm.login_path");
  o.refresh_path = cfg.str("cm.refresh_path");
  o.movies_path = cfg.str("cm.movies_path");
  o.shows_path = cfg.str("cm.shows_path");
  o.episodes_path = cfg.str("cm.episodes_path");
  o.per_page = static_cast<int>(cfg.integer("cm.per_page"));
  o.refresh_margin_s = static_cast<int>(cfg.integer("cm.refresh_margin_s"));
  o.timeout_s = static_cast<int>(cfg.integer("cm.timeout_s"));
  o.max_retries = static_cast<int>(cfg.integer("cm.max_retries"));
  o.retry_base_ms = static_cast<int>(cfg.integer("cm.retry_base_ms"));
  o.token_file = cfg.path_or("cm.token_file", "cm-tokens.json");
  o.fields = FieldNames::from_config(cfg);
  return o;
}

std::optional<std::int64_t> jwt_expiry(const std::string& token) {
  auto a = token.find('.');
  if (a == std::string::npos) return std::nullopt;
  auto b = token.find('.', a + 1);
  if (b == std::string::npos) return std::nullopt;
  auto payload =
      json::parse(base64url_decode(std::string_view(token).substr(a + 1, b - a - 1)), nullptr, false);
  if (!payload.is_object()) return std::nullopt;
  auto it = payload.find("exp");
  if (it == payload.end() || !it->is_number()) return std::nullopt;
  return it->get<std::int64_t>();
}

CmClient::CmClient(CmOptions opts) : opts_(std::move(opts)) { register_secret(opts_.password); }
CmClient::~CmClient() = default;

HttpResponse CmClient::send(HttpClient& http, HttpRequest req, const std::string& what) {
  req.timeout_ms = opts_.timeout_s * 1000L;
  HttpResponse r;
  for (int attempt = 0;; ++attempt) {
    r = http.perform(req);
    bool transient = r.status == 0 || r.status >= 500;
    bool limited = r.status == 429;
    if ((!transient && !limited) || attempt >= opts_.max_retries) return r;
    int wait_ms = backoff_ms(attempt, opts_.retry_base_ms);
    if (limited) {
      auto ra = r.header("retry-after");
      if (!ra.empty() && std::all_of(ra.begin(), ra.end(), ::isdigit) && ra.size() < 6)
        wait_ms = std::min(std::stoi(ra), kMaxRetryAfterS) * 1000;
    }
    {
      std::lock_guard lock(stats_mu_);
      ++stats_.retries;
    }
    spdlog::debug("cm: {} got {}, retry {}/{} in {} ms", what, describe(r), attempt + 1, opts_.max_retries,
                  wait_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
}

void CmClient::adopt_tokens(const json& body, const std::string& what) {
  const auto& f = opts_.fields;
  if (!body.is_object() || !body.contains(f.access_token) || !body[f.access_token].is_string())
    throw CmError("CM " + what + " answer has no '" + f.access_token +
                  "'; check cm.fields.access_token against docs/cm-api.md");
  Tokens t;
  t.access = body[f.access_token].get<std::string>();
  if (body.contains(f.refresh_token) && body[f.refresh_token].is_string())
    t.refresh = body[f.refresh_token].get<std::string>();
  else if (tokens_)
    t.refresh = tokens_->refresh;  // a CM that does not rotate refresh tokens
  auto exp = jwt_expiry(t.access);
  if (!exp && body.contains(f.expires_in) && body[f.expires_in].is_number())
    exp = unix_now() + body[f.expires_in].get<std::int64_t>();
  t.access_expires_at = exp.value_or(unix_now() + 300);
  register_secret(t.access);
  register_secret(t.refresh);
  tokens_ = std::move(t);
  save_tokens();
}

void CmClient::login() {
  HttpRequest req;
  req.method = "POST";
  req.url = join_url(opts_.base_url, opts_.login_path);
  req.body = json{{"username", opts_.username}, {"password", opts_.password}}.dump();
  req.headers = {{"Content-Type", "application/json"}};
  auto r = send(http_, req, "login");
  ++stats_.logins;
  if (r.status == 401 || r.status == 403)
    throw CmError("CM rejected the login of user '" + opts_.username + "' at " + req.url + " (HTTP " +
                  std::to_string(r.status) + "); check cm.username and CMUP_CM_PASSWORD");
  if (!r.ok())
    throw CmError("CM login at " + req.url + " failed: " + describe(r) + "; is cm.base_url right and CM up?");
  adopt_tokens(json::parse(r.body, nullptr, false), "login");
  spdlog::info("cm: logged in as {}", opts_.username);
}

bool CmClient::refresh() {
  if (!tokens_ || tokens_->refresh.empty()) return false;
  HttpRequest req;
  req.method = "POST";
  req.url = join_url(opts_.base_url, opts_.refresh_path);
  req.body = json{{"refresh_token", tokens_->refresh}}.dump();
  req.headers = {{"Content-Type", "application/json"}};
  auto r = send(http_, req, "token refresh");
  ++stats_.refreshes;
  if (r.status >= 400 && r.status < 500) {
    spdlog::info("cm: refresh token rejected (HTTP {}), logging in again", r.status);
    return false;
  }
  if (!r.ok()) throw CmError("CM token refresh failed: " + describe(r) + "; is CM up?");
  adopt_tokens(json::parse(r.body, nullptr, false), "refresh");
  return true;
}

void CmClient::load_tokens() {
  loaded_ = true;
  if (opts_.token_file.empty()) return;
  std::ifstream in(opts_.token_file);
  if (!in) return;
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = json::parse(ss.str(), nullptr, false);
  // Tokens of another CM or user are not ours to reuse.
  if (!j.is_object() || j.value("base_url", "") != opts_.base_url ||
      j.value("username", "") != opts_.username)
    return;
  Tokens t;
  t.access = j.value("access_token", "");
  t.refresh = j.value("refresh_token", "");
  t.access_expires_at = j.value("access_expires_at", std::int64_t{0});
  if (t.access.empty() && t.refresh.empty()) return;
  register_secret(t.access);
  register_secret(t.refresh);
  tokens_ = std::move(t);
}

void CmClient::save_tokens() const {
  if (opts_.token_file.empty() || !tokens_) return;
  json j{{"base_url", opts_.base_url},
         {"username", opts_.username},
         {"access_token", tokens_->access},
         {"refresh_token", tokens_->refresh},
         {"access_expires_at", tokens_->access_expires_at}};
  try {
    write_secret_file(opts_.token_file, j.dump());
  } catch (const std::exception& e) {
    spdlog::warn("cm: cannot keep tokens in {} ({}); the next run will log in again",
                 opts_.token_file.string(), e.what());
  }
}

void CmClient::ensure_token() {
  if (!loaded_) load_tokens();
  if (!tokens_) return login();
  if (tokens_->access_expires_at - unix_now() > opts_.refresh_margin_s) return;
  if (!refresh()) login();
}

std::string CmClient::access_token() {
  std::lock_guard lock(mu_);
  ensure_token();
  return tokens_->access;
}

std::unique_ptr<HttpClient> CmClient::lease_http() {
  std::lock_guard lock(idle_mu_);
  if (idle_.empty()) return std::make_unique<HttpClient>();
  auto h = std::move(idle_.back());
  idle_.pop_back();
  return h;
}

void CmClient::give_back(std::unique_ptr<HttpClient> http) {
  std::lock_guard lock(idle_mu_);
  idle_.push_back(std::move(http));
}

json CmClient::get_json(const std::string& path_and_query) {
  const auto url = join_url(opts_.base_url, path_and_query);
  auto http = lease_http();
  for (int round = 0;; ++round) {
    auto access = access_token();
    HttpRequest req;
    req.url = url;
    req.headers = {{"Authorization", "Bearer " + access}, {"Accept", "application/json"}};
    auto r = send(*http, req, "GET " + path_and_query);
    if (r.status == 401 && round == 0) {
      // The token died early (CM restarted, clock skew): refresh once, else log in, and retry;
      // unless another thread already renewed it while this request was out.
      std::lock_guard lock(mu_);
      ++stats_.unauthorized;
      if (tokens_ && tokens_->access == access && !refresh()) login();
      continue;
    }
    if (r.status == 401)
      throw CmError("CM refuses GET " + path_and_query +
                    " even with fresh tokens (HTTP 401); check the account's rights");
    if (!r.ok())
      throw CmError("CM GET " + url + " failed after " + std::to_string(opts_.max_retries) +
                    " retries: " + describe(r));
    give_back(std::move(http));
    auto j = json::parse(r.body, nullptr, false);
    if (j.is_discarded()) throw CmError("CM GET " + url + " answered with something that is not JSON");
    return j;
  }
}

CmPage CmClient::parse_page(const json& body, const std::string& what) const {
  const auto& f = opts_.fields;
  CmPage p;
  if (body.is_array()) {  // an unpaginated list
    p.items.assign(body.begin(), body.end());
    return p;
  }
  if (!body.is_object() || !body.contains(f.items) || !body[f.items].is_array())
    throw CmError("CM " + what + " answer has no '" + f.items + "' array; check cm.fields.items");
  p.items.assign(body[f.items].begin(), body[f.items].end());
  if (body.contains(f.page) && body[f.page].is_number_integer()) p.page = body[f.page].get<int>();
  if (body.contains(f.total_pages) && body[f.total_pages].is_number_integer())
    p.total_pages = std::max(1, body[f.total_pages].get<int>());
  return p;
}

CmPage CmClient::page_of(const std::string& path, int page, std::optional<std::int64_t> updated_since) {
  std::string q = path + (path.find('?') == std::string::npos ? "?" : "&") + "page=" + std::to_string(page) +
                  "&per_page=" + std::to_string(opts_.per_page);
  if (updated_since) q += "&updated_since=" + std::to_string(*updated_since);
  return parse_page(get_json(q), path);
}

CmPage CmClient::movies_page(int page, std::optional<std::int64_t> updated_since) {
  return page_of(opts_.movies_path, page, updated_since);
}

CmPage CmClient::shows_page(int page, std::optional<std::int64_t> updated_since) {
  return page_of(opts_.shows_path, page, updated_since);
}

std::vector<json> CmClient::episodes(const std::string& show_cm_id) {
  auto path = opts_.episodes_path;
  auto pos = path.find("{id}");
  if (pos != std::string::npos) path.replace(pos, 4, HttpClient::escape(show_cm_id));
  std::vector<json> all;
  for (int page = 1;; ++page) {
    auto p = page_of(path, page, std::nullopt);
    for (auto& e : p.items) all.push_back(std::move(e));
    if (page >= p.total_pages) return all;
  }
}

}  // namespace cmup::cm
