// A running cmup-sim-cm for end-to-end tests: started on a free loopback port with the
// given options, its /control API at hand, killed (with its process group) at the end.
// The generated media are shared between tests in the build directory.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include "util/http_client.hpp"

namespace cmup::test {

class SimCm {
 public:
  explicit SimCm(std::vector<std::string> extra_args, const TempDir& dir) : port_(free_port()) {
    std::vector<std::string> argv{
        sim_cm_binary(), "--listen",    "127.0.0.1:" + std::to_string(port_),
        "--username",    "importer",    "--password",
        "s3cret-pw",     "--media-dir", std::string(CMUP_BUILD_DIR) + "/test-media/sim-cm",
        "--control"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    proc_ = std::make_unique<Process>(argv, std::map<std::string, std::string>{}, dir / "sim-cm.log");
    if (!wait_until(
            [&] { return proc_->log().find("listening on") != std::string::npos || !proc_->running(); },
            std::chrono::seconds(180)) ||
        !proc_->running())
      throw std::runtime_error("cmup-sim-cm did not start: " + proc_->log());
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  Process& process() { return *proc_; }

  nlohmann::json control(const std::string& method, const std::string& path,
                         const nlohmann::json& body = {}) {
    HttpRequest r;
    r.method = method;
    r.url = url() + path;
    if (method != "GET") {
      r.body = body.dump();
      r.headers = {{"Content-Type", "application/json"}};
    }
    auto resp = http_.perform(r);
    if (!resp.ok()) throw std::runtime_error("control " + path + ": HTTP " + std::to_string(resp.status));
    return nlohmann::json::parse(resp.body);
  }
  nlohmann::json stats() { return control("GET", "/control/stats"); }

 private:
  int port_;
  std::unique_ptr<Process> proc_;
  HttpClient http_;
};

}  // namespace cmup::test
