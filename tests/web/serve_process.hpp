// A real `cmup serve` on 127.0.0.1 (any free port), over a fresh data directory, with the
// given settings as CMUP_* environment variables; the coordinator and the bot stay off
// unless the settings turn them on.
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "support/test_support.hpp"

namespace cmup::test {

class ServeProcess {
 public:
  explicit ServeProcess(std::map<std::string, std::string> env = {}) {
    env.emplace("CMUP_GENERAL_DATA_DIR", (dir / "data").string());
    env.emplace("CMUP_COORDINATOR_LISTEN", "");
    env.emplace("CMUP_BOT_TOKEN", "");
    std::vector<std::string> argv = {cmup_binary(), "serve", "--listen", "127.0.0.1:0"};
    proc = std::make_unique<Process>(argv, env, dir / "serve.log");
    const std::string marker = "serving on http://127.0.0.1:";
    if (!wait_until([&] { return proc->log().find(marker) != std::string::npos || !proc->running(); },
                    std::chrono::seconds(30)) ||
        proc->log().find(marker) == std::string::npos)
      throw std::runtime_error("cmup serve did not start: " + proc->log());
    auto log = proc->log();
    port = std::stoi(log.substr(log.find(marker) + marker.size()));
  }
  int pid() const { return proc->pid(); }
  std::string log() const { return proc->log(); }

  TempDir dir;
  std::unique_ptr<Process> proc;
  int port = 0;
};

}  // namespace cmup::test
