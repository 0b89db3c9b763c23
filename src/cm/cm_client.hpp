// The HTTP client for the operator's CM service (contract: docs/cm-api.md).
//
// Contract:
//   - Authentication keeps working on its own: the access token (a JWT; its `exp` is read
//     from the payload, else `expires_in` is used) is refreshed when it expires within
//     refresh_margin_s; a 401 triggers one refresh (or login) and one retry; a rejected
//     refresh token leads to a fresh login. Tokens are kept in token_file (mode 0600) so a
//     restart reuses them instead of logging in again.
//   - 5xx answers and transport failures (refused, reset, timeout) are retried up to
//     max_retries times with exponential backoff from retry_base_ms; a 429 waits for its
//     Retry-After. What still fails throws CmError with a sentence for the operator.
//   - Tokens and the password never reach the logs (they are registered for redaction).
// Thread-safety: get_json(), movies_page(), shows_page() and episodes() may run on several
// threads at once (the importer fetches episode lists concurrently): the tokens are shared,
// renewed by one thread at a time, and each request has its own connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cm/cm_item.hpp"
#include "util/http_client.hpp"

namespace cmup {
class Config;
}

namespace cmup::cm {

class CmError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CmOptions {
  std::string base_url = "http://127.0.0.1:8090";
  std::string username, password;
  std::string login_path = "/auth/login", refresh_path = "/auth/refresh";
  std::string movies_path = "/movies", shows_path = "/shows", episodes_path = "/shows/{id}/episodes";
  int per_page = 500;
  int refresh_margin_s = 60;
  int timeout_s = 30;
  int max_retries = 5;
  int retry_base_ms = 500;
  std::filesystem::path token_file;  // empty: tokens are not persisted
  FieldNames fields;

  static CmOptions from_config(const Config& cfg);
};

// The `exp` claim of a JWT (seconds since the epoch), read from its payload without
// verifying the signature (the CM verifies; cmup only needs to know when to refresh).
std::optional<std::int64_t> jwt_expiry(const std::string& token);

struct CmPage {
  std::vector<nlohmann::json> items;
  int page = 1;
  int total_pages = 1;
};

class CmClient {
 public:
  explicit CmClient(CmOptions opts);
  ~CmClient();
  CmClient(const CmClient&) = delete;
  CmClient& operator=(const CmClient&) = delete;

  // GET base_url + path_and_query with authentication; the parsed JSON body.
  nlohmann::json get_json(const std::string& path_and_query);

  CmPage movies_page(int page, std::optional<std::int64_t> updated_since = std::nullopt);
  CmPage shows_page(int page, std::optional<std::int64_t> updated_since = std::nullopt);
  // Every episode of a show (following pagination when CM paginates them).
  std::vector<nlohmann::json> episodes(const std::string& show_cm_id);

  struct Stats {
    int logins = 0, refreshes = 0, retries = 0, unauthorized = 0;
  };
  const Stats& stats() const { return stats_; }
  const CmOptions& options() const { return opts_; }

 private:
  struct Tokens {
    std::string access, refresh;
    std::int64_t access_expires_at = 0;  // Unix seconds
  };
  HttpResponse send(HttpClient& http, HttpRequest req, const std::string& what);
  // The current access token, logging in or refreshing first when needed (takes mu_).
  std::string access_token();
  std::unique_ptr<HttpClient> lease_http();
  void give_back(std::unique_ptr<HttpClient> http);
  void ensure_token();
  void login();
  bool refresh();  // false when the refresh token was rejected
  void adopt_tokens(const nlohmann::json& body, const std::string& what);
  void load_tokens();
  void save_tokens() const;
  CmPage page_of(const std::string& path, int page, std::optional<std::int64_t> updated_since);
  CmPage parse_page(const nlohmann::json& body, const std::string& what) const;

  CmOptions opts_;
  std::mutex mu_;         // tokens_, loaded_, the login and refresh requests (on http_)
  HttpClient http_;       // login and refresh only, under mu_
  std::optional<Tokens> tokens_;
  bool loaded_ = false;
  std::mutex stats_mu_;   // stats_.retries, counted by concurrent requests
  Stats stats_;
  std::mutex idle_mu_;
  std::vector<std::unique_ptr<HttpClient>> idle_;  // connections of finished GETs, reused
};

}  // namespace cmup::cm
