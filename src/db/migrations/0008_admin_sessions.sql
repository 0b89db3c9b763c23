-- Logged-in /admin sessions (src/web/admin_sessions.hpp). The cookie holds a random token; only
-- its SHA-256 is stored, so a copy of the database opens no session. admin_key ties a session to
-- the web.admin_token it was made with: changing the token logs everyone out. Times are Unix ms.
CREATE TABLE admin_sessions (
  token_sha256 TEXT PRIMARY KEY,
  admin_key    TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX admin_sessions_expiry ON admin_sessions(expires_at);
