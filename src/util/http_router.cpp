#include "util/http_router.hpp"

#include <algorithm>

namespace cmup {

namespace {

// "GET, HEAD, POST": the methods of the routes that matched, HEAD with GET, sorted, once each.
std::string allow_list(std::vector<std::string_view> methods) {
  std::size_t n = methods.size();
  for (std::size_t i = 0; i < n; ++i)
    if (methods[i] == "GET") methods.emplace_back("HEAD");
  std::sort(methods.begin(), methods.end());
  methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
  std::string out;
  for (auto m : methods) {
    if (!out.empty()) out += ", ";
    out += m;
  }
  return out;
}

}  // namespace

void Router::add(std::string method, std::string pattern, HttpHandler handler, RouteOptions options) {
  auto r = std::make_unique<Route>();
  r->method = std::move(method);
  // A dot alone stays literal ("/favicon.ico"); any other regex character makes a regex.
  r->is_regex = pattern.find_first_of("()[]{}*+?\\|^$") != std::string::npos;
  if (r->is_regex) r->re = std::regex(pattern, std::regex::ECMAScript | std::regex::optimize);
  r->pattern = std::move(pattern);
  r->handler = std::move(handler);
  r->options = std::move(options);
  const Route* added = r.get();
  if (added->is_regex) {
    regex_routes_.push_back(added);
    for (auto& [path, candidates] : exact_)
      if (std::regex_match(path, added->re)) candidates.push_back(added);
  } else {
    auto [it, fresh] = exact_.try_emplace(added->pattern);
    if (fresh)
      for (const Route* earlier : regex_routes_)
        if (std::regex_match(added->pattern, earlier->re)) it->second.push_back(earlier);
    it->second.push_back(added);
  }
  routes_.push_back(std::move(r));
}

Router::Match Router::match(std::string_view method, const std::string& path) const {
  Match m;
  std::string_view want = method == "HEAD" ? std::string_view("GET") : method;
  std::vector<std::string_view> other_methods;
  auto take = [&](const Route* r, std::smatch* sm) {
    m.route = r;
    if (sm) {
      for (const auto& g : *sm) m.groups.push_back(g.str());
    } else {
      m.groups.push_back(path);
    }
  };
  if (auto it = exact_.find(path); it != exact_.end()) {
    for (const Route* r : it->second) {
      if (r->method != want) {
        other_methods.emplace_back(r->method);
        continue;
      }
      if (!r->is_regex) {
        take(r, nullptr);
        return m;
      }
      std::smatch sm;
      std::regex_match(path, sm, r->re);  // known to match (add())
      take(r, &sm);
      return m;
    }
  } else {
    for (const Route* r : regex_routes_) {
      std::smatch sm;
      if (!std::regex_match(path, sm, r->re)) continue;
      if (r->method != want) {
        other_methods.emplace_back(r->method);
        continue;
      }
      take(r, &sm);
      return m;
    }
  }
  if (!other_methods.empty()) m.allow = allow_list(std::move(other_methods));
  return m;
}

std::size_t Router::largest_body(std::size_t fallback) const {
  std::size_t out = fallback;
  for (const auto& r : routes_) out = std::max(out, r->options.max_body_bytes);
  return out;
}

}  // namespace cmup
