// Small HTTP helpers shared by the web server's routes: JSON responses, the JSON error shape
// {"error": {"code", "message"}}, security headers, and query parameters.
//
// Contract: every error response carries a stable machine-readable `code` (docs/api.md) and
// a sentence for people; security headers are set per kind of response (page, API, admin).
// Stateless: safe from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "util/http_message.hpp"
#include "web/title_query.hpp"

namespace cmup::web {

void send_json(ServerResponse& res, int status, const nlohmann::json& body);
void send_error(ServerResponse& res, int status, const std::string& code, const std::string& message);

enum class PageKind {
  Api,      // JSON: nothing may load or frame it
  MiniApp,  // the site and Mini App pages: framable by Telegram's web clients only
  Admin,    // the dashboard: never framed
};
void set_security_headers(ServerResponse& res, PageKind kind);

// The request's query parameters (repeats kept, so validation can refuse them).
ParamMap query_params(const ServerRequest& req);

// The token of an "Authorization: Bearer <token>" header, or "".
std::string bearer_token(const ServerRequest& req);
// Constant-time comparison; false when `expected` is empty (an unset token admits nobody).
bool token_matches(const std::string& given, const std::string& expected);
// The value of cookie `name` in the request, or "".
std::string cookie_value(const ServerRequest& req, const std::string& name);

}  // namespace cmup::web
