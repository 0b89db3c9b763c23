#include "cm/sim_auth.hpp"

#include <jwt.h>
#include <openssl/rand.h>

#include <chrono>
#include <memory>
#include <stdexcept>

namespace cmup::sim {

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string random_hex(int bytes) {
  std::string raw(static_cast<size_t>(bytes), '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes) != 1)
    throw std::runtime_error("RAND_bytes");
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};

}  // namespace

SimAuth::SimAuth(std::string username, std::string password, std::int64_t access_lifetime_s,
                 std::int64_t refresh_lifetime_s)
    : username_(std::move(username)),
      password_(std::move(password)),
      key_(random_hex(32)),
      access_lifetime_s_(access_lifetime_s),
      refresh_lifetime_s_(refresh_lifetime_s) {}

TokenPair SimAuth::issue_locked() {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
  std::unique_ptr<jwt_t, JwtFree> j(raw);
  auto now = unix_now();
  jwt_add_grant(j.get(), "sub", username_.c_str());
  jwt_add_grant(j.get(), "typ", "access");
  jwt_add_grant(j.get(), "jti", random_hex(8).c_str());
  jwt_add_grant_int(j.get(), "iat", now);
  jwt_add_grant_int(j.get(), "exp", now + access_lifetime_s_);
  jwt_add_grant_int(j.get(), "gen", generation_);
  jwt_set_alg(j.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key_.data()),
              static_cast<int>(key_.size()));
  char* enc = jwt_encode_str(j.get());
  if (!enc) throw std::runtime_error("jwt_encode_str failed");
  TokenPair p;
  p.access_token = enc;
  free(enc);  // NOLINT: allocated by libjwt with malloc
  p.refresh_token = random_hex(24);
  p.expires_in = access_lifetime_s_;
  refresh_[p.refresh_token] = now + refresh_lifetime_s_;
  return p;
}

std::optional<TokenPair> SimAuth::login(const std::string& username, const std::string& password) {
  std::lock_guard lock(mu_);
  if (username != username_ || password != password_) return std::nullopt;
  return issue_locked();
}

std::optional<TokenPair> SimAuth::refresh(const std::string& refresh_token) {
  std::lock_guard lock(mu_);
  auto it = refresh_.find(refresh_token);
  if (it == refresh_.end()) return std::nullopt;
  bool alive = it->second > unix_now();
  refresh_.erase(it);  // rotation: a refresh token works once
  if (!alive) return std::nullopt;
  return issue_locked();
}

bool SimAuth::check_access(const std::string& bearer) {
  std::lock_guard lock(mu_);
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, bearer.c_str(), reinterpret_cast<const unsigned char*>(key_.data()),
                 static_cast<int>(key_.size())) != 0)
    return false;
  std::unique_ptr<jwt_t, JwtFree> j(raw);
  if (jwt_get_alg(j.get()) != JWT_ALG_HS256) return false;
  const char* typ = jwt_get_grant(j.get(), "typ");
  if (!typ || std::string(typ) != "access") return false;
  if (jwt_get_grant_int(j.get(), "gen") < generation_) return false;
  return unix_now() < jwt_get_grant_int(j.get(), "exp");
}

void SimAuth::expire_refresh_tokens() {
  std::lock_guard lock(mu_);
  refresh_.clear();
}

void SimAuth::revoke_access_tokens() {
  std::lock_guard lock(mu_);
  ++generation_;
}

void SimAuth::set_lifetimes(std::int64_t access_s, std::int64_t refresh_s) {
  std::lock_guard lock(mu_);
  if (access_s > 0) access_lifetime_s_ = access_s;
  if (refresh_s > 0) refresh_lifetime_s_ = refresh_s;
}

}  // namespace cmup::sim
