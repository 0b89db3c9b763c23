#include "util/http_router.hpp"

#include <algorithm>
#include <set>

namespace cmup {

void Router::add(std::string method, std::string pattern, HttpHandler handler, RouteOptions options) {
  auto r = std::make_unique<Route>();
  r->method = std::move(method);
  // A dot alone stays literal ("/favicon.ico"); any other regex character makes a regex.
  r->is_regex = pattern.find_first_of("()[]{}*+?\\|^$") != std::string::npos;
  if (r->is_regex) r->re = std::regex(pattern, std::regex::ECMAScript | std::regex::optimize);
  r->pattern = std::move(pattern);
  r->handler = std::move(handler);
  r->options = std::move(options);
  routes_.push_back(std::move(r));
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
  Match m;
  std::set<std::string> allowed;
  const std::string& want = method == "HEAD" ? std::string("GET") : method;
  for (const auto& r : routes_) {
    std::vector<std::string> groups;
    if (r->is_regex) {
      std::smatch sm;
      if (!std::regex_match(path, sm, r->re)) continue;
      for (const auto& g : sm) groups.push_back(g.str());
    } else {
      if (path != r->pattern) continue;
      groups.push_back(path);
    }
    if (r->method == want) {
      m.route = r.get();
      m.groups = std::move(groups);
      return m;
    }
    allowed.insert(r->method);
    if (r->method == "GET") allowed.insert("HEAD");
  }
  for (const auto& a : allowed) m.allow += (m.allow.empty() ? "" : ", ") + a;
  return m;
}

std::size_t Router::largest_body(std::size_t fallback) const {
  std::size_t out = fallback;
  for (const auto& r : routes_) out = std::max(out, r->options.max_body_bytes);
  return out;
}

}  // namespace cmup
