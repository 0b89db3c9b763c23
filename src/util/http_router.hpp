// Routes of an HttpServer: method + path pattern -> handler, with where it runs.
//
// Contract: a pattern without regex characters matches the path exactly; otherwise it is an
// ECMAScript regex that must match the whole (percent-decoded) path, and its groups become
// ServerRequest::matches. HEAD is served by a GET route (the body is dropped). match() returns
// the route, or no route with `allow` listing the methods the path does have (405), or
// neither (404). When several routes match, the first added wins. Routes are added before
// the server starts and never change afterwards; match() is then safe from any thread.
// Cost: a path some exact pattern names is found with one hash lookup and runs no regex
// unless the route it picks is a regex (the regex routes that also match that path are
// worked out once, in add()); any other path is tried against the regex routes in order.
//
// RunOn::Pool routes (anything touching SQLite or another blocking call) run on the server's
// bounded worker pool; RunOn::Io routes (static bytes, computed answers) run on the I/O
// thread and must never block. A Pool route may also have an `io_first` handler: it runs on
// the I/O thread first and answers what it can without blocking (a cached answer); when it
// returns false the request goes to the pool as usual. A hit then costs no thread hand-off.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/http_message.hpp"

namespace cmup {

using HttpHandler = std::function<void(const ServerRequest&, ServerResponse&)>;
// Returns true when it wrote the response; false leaves `res` untouched for the route's handler.
using HttpFastHandler = std::function<bool(const ServerRequest&, ServerResponse&)>;

enum class RunOn { Io, Pool };

struct RouteOptions {
  RouteOptions() = default;
  RouteOptions(RunOn on, std::size_t body_limit = 0) : run_on(on), max_body_bytes(body_limit) {}

  RunOn run_on = RunOn::Pool;
  std::size_t max_body_bytes = 0;  // 0: the server's max_body_bytes
  HttpFastHandler io_first;        // Pool routes only: tried on the I/O thread first; must not block
};

class Router {
 public:
  void add(std::string method, std::string pattern, HttpHandler handler, RouteOptions options = {});
  void get(std::string pattern, HttpHandler h, RouteOptions o = {}) {
    add("GET", std::move(pattern), std::move(h), std::move(o));
  }
  void post(std::string pattern, HttpHandler h, RouteOptions o = {}) {
    add("POST", std::move(pattern), std::move(h), std::move(o));
  }

  struct Route {
    std::string method;
    std::string pattern;
    bool is_regex = false;
    std::regex re;
    HttpHandler handler;
    RouteOptions options;
  };
  struct Match {
    const Route* route = nullptr;     // null: 404 or 405
    std::vector<std::string> groups;  // [0] the path, then the captures
    std::string allow;                // "GET, HEAD, POST" when the path exists for other methods
  };
  Match match(std::string_view method, const std::string& path) const;
  // The largest body any route accepts (`fallback` for routes without their own limit).
  std::size_t largest_body(std::size_t fallback) const;

 private:
  std::vector<std::unique_ptr<Route>> routes_;  // in the order added
  std::vector<const Route*> regex_routes_;      // in the order added
  // Per exact pattern: every route that matches that path (its exact routes and the regex
  // routes that match it too), in the order added.
  std::unordered_map<std::string, std::vector<const Route*>> exact_;
};

}  // namespace cmup
