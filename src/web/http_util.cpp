#include "web/http_util.hpp"

#include <openssl/crypto.h>

#include "util/safe_text.hpp"

namespace cmup::web {

void send_json(ServerResponse& res, int status, const nlohmann::json& body) {
  res.status = status;
  // Invalid UTF-8 from the database is replaced rather than failing the whole response.
  res.set_content(safe_dump(body), "application/json; charset=utf-8");
  res.set_header("Cache-Control", "no-store");
}

void send_error(ServerResponse& res, int status, const std::string& code, const std::string& message) {
  send_json(res, status, {{"error", {{"code", code}, {"message", safe_text(message)}}}});
}

void set_security_headers(ServerResponse& res, PageKind kind) {
  switch (kind) {
    case PageKind::Api:
      res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
      break;
    case PageKind::MiniApp:
      // Posters are cmup's own (/images/, issue 18) and placeholders are inline SVG elements, so
      // images come from this origin only; the only script from elsewhere is Telegram's WebApp
      // script. Telegram's web clients embed the Mini App in a frame.
      res.set_header("Content-Security-Policy",
                     "default-src 'self'; script-src 'self' https://telegram.org; "
                     "style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; "
                     "object-src 'none'; base-uri 'none'; form-action 'self'; "
                     "frame-ancestors https://web.telegram.org");
      break;
    case PageKind::Admin:
      res.set_header("Content-Security-Policy",
                     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                     "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                     "frame-ancestors 'none'");
      res.set_header("X-Frame-Options", "DENY");
      break;
  }
  res.set_header("Referrer-Policy", "no-referrer");
}

ParamMap query_params(const ServerRequest& req) {
  ParamMap out;
  for (const auto& [k, v] : req.params) out.emplace(k, v);
  return out;
}

std::string bearer_token(const ServerRequest& req) {
  std::string h = req.header("Authorization");
  const std::string prefix = "Bearer ";
  if (h.size() <= prefix.size() || h.compare(0, prefix.size(), prefix) != 0) return {};
  return h.substr(prefix.size());
}

bool token_matches(const std::string& given, const std::string& expected) {
  if (expected.empty() || given.size() != expected.size()) return false;
  return CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

std::string cookie_value(const ServerRequest& req, const std::string& name) {
  std::string all = req.header("Cookie");
  std::size_t pos = 0;
  while (pos < all.size()) {
    std::size_t end = all.find(';', pos);
    if (end == std::string::npos) end = all.size();
    std::string part = all.substr(pos, end - pos);
    std::size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    if (part.size() > name.size() && part.compare(0, name.size(), name) == 0 && part[name.size()] == '=')
      return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return {};
}

}  // namespace cmup::web
