// Logged-in /admin sessions: random tokens kept server side (table admin_sessions, migration
// 0008), so logout revokes one and each expires.
//
// Contract: create() makes a session for `max_age_ms` and returns its token (util/random, 32
// bytes as hex), the only copy: the table keeps its SHA-256. valid() is true only for a token
// create() returned, not revoked, not expired at `now_ms`, and made with the same admin token
// this store was built with (changing web.admin_token ends every session). revoke() ends one
// session (unknown tokens are ignored). Expired rows are deleted as new sessions are made.
// A token is a secret: never log it. Every call touches SQLite: call from a pool route, never
// an I/O thread. Throws SQLite::Exception when the database cannot be written or read.
// Thread-safe (one connection behind a mutex; admin traffic is a few requests a minute).
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace cmup::web {

class AdminSessions {
 public:
  // Opens its own writable connection lazily (the first call), so a server whose dashboard is
  // never used does not hold one.
  AdminSessions(std::filesystem::path db_path, const std::string& admin_token);

  std::string create(std::int64_t now_ms, std::int64_t max_age_ms);
  bool valid(const std::string& token, std::int64_t now_ms);
  void revoke(const std::string& token);

 private:
  SQLite::Database& db();  // with mu_ held

  std::filesystem::path path_;
  std::string admin_key_;  // HMAC of the admin token: which token a session belongs to
  std::mutex mu_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace cmup::web
