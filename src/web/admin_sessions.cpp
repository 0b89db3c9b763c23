#include "web/admin_sessions.hpp"

#include "catalog/image_store.hpp"
#include "db/database.hpp"
#include "util/random.hpp"

namespace cmup::web {

namespace {

constexpr std::size_t kTokenBytes = 32;

std::string stored_form(const std::string& token) { return catalog::sha256_hex(token); }

}  // namespace

AdminSessions::AdminSessions(std::filesystem::path db_path, const std::string& admin_token)
    // Salted so the column never equals a plain hash of the token an operator might compute.
    : path_(std::move(db_path)), admin_key_(catalog::sha256_hex("cmup-admin-session-v2:" + admin_token)) {}

SQLite::Database& AdminSessions::db() {
  if (!db_) {
    db::OpenOptions o;
    o.migrate = false;  // `cmup serve` migrated at start; the web server never changes the schema
    o.busy_timeout_ms = 5000;
    db_ = db::open(path_, o);
  }
  return *db_;
}

std::string AdminSessions::create(std::int64_t now_ms, std::int64_t max_age_ms) {
  std::string token = random_hex(kTokenBytes);
  std::lock_guard lock(mu_);
  auto& d = db();
  db::write_tx(d, [&] {
    SQLite::Statement purge(d, "DELETE FROM admin_sessions WHERE expires_at <= ?");
    purge.bind(1, now_ms);
    purge.exec();
    SQLite::Statement add(d,
                          "INSERT INTO admin_sessions(token_sha256, admin_key, created_at, expires_at) "
                          "VALUES (?, ?, ?, ?)");
    add.bind(1, stored_form(token));
    add.bind(2, admin_key_);
    add.bind(3, now_ms);
    add.bind(4, now_ms + max_age_ms);
    add.exec();
  });
  return token;
}

bool AdminSessions::valid(const std::string& token, std::int64_t now_ms) {
  if (token.size() != 2 * kTokenBytes) return false;  // not one of ours: no query needed
  std::lock_guard lock(mu_);
  SQLite::Statement q(db(),
                      "SELECT 1 FROM admin_sessions WHERE token_sha256 = ? AND admin_key = ? AND expires_at > ?");
  q.bind(1, stored_form(token));
  q.bind(2, admin_key_);
  q.bind(3, now_ms);
  return q.executeStep();
}

void AdminSessions::revoke(const std::string& token) {
  if (token.empty()) return;
  std::lock_guard lock(mu_);
  SQLite::Statement q(db(), "DELETE FROM admin_sessions WHERE token_sha256 = ?");
  q.bind(1, stored_form(token));
  q.exec();
}

}  // namespace cmup::web
