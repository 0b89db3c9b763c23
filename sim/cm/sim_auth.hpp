// The simulated CM's authentication: HS256 JWT access tokens (libjwt) of a configurable
// lifetime, and opaque refresh tokens that rotate on every use.
//
// Contract: issue() returns a new pair; check_access() says whether a bearer token is a
// valid, unexpired access token of this server; refresh() exchanges a live refresh token for
// a new pair (the old one dies) or returns nullopt. Control hooks expire every refresh token
// or revoke every access token issued so far. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace cmup::sim {

struct TokenPair {
  std::string access_token, refresh_token;
  std::int64_t expires_in = 0;
};

class SimAuth {
 public:
  SimAuth(std::string username, std::string password, std::int64_t access_lifetime_s,
          std::int64_t refresh_lifetime_s);

  std::optional<TokenPair> login(const std::string& username, const std::string& password);
  std::optional<TokenPair> refresh(const std::string& refresh_token);
  bool check_access(const std::string& bearer);

  void expire_refresh_tokens();
  void revoke_access_tokens();
  void set_lifetimes(std::int64_t access_s, std::int64_t refresh_s);

 private:
  TokenPair issue_locked();

  std::mutex mu_;
  std::string username_, password_;
  std::string key_;  // HS256 secret, random per run
  std::int64_t access_lifetime_s_, refresh_lifetime_s_;
  std::int64_t generation_ = 1;                  // access tokens of older generations are revoked
  std::map<std::string, std::int64_t> refresh_;  // token -> expires at (Unix s)
};

}  // namespace cmup::sim
