#include "hosts/netns_lab.hpp"

#include <unistd.h>

#include <stdexcept>

#include "support/test_support.hpp"

namespace cmup::test {

namespace {

void ip_cmd(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/sbin/ip"};
  if (access(argv[0].c_str(), X_OK) != 0) argv[0] = "/sbin/ip";
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv, {}, std::chrono::seconds(20));
  if (r.exit_code != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += a + " ";
    throw std::runtime_error("`" + cmd + "` failed: " + r.output);
  }
}

std::string ip_path() { return access("/usr/sbin/ip", X_OK) == 0 ? "/usr/sbin/ip" : "/sbin/ip"; }

}  // namespace

std::string NetnsLab::unavailable_reason() {
  if (geteuid() != 0) return "network namespaces need root (CI runs as root)";
  if (access(ip_path().c_str(), X_OK) != 0) return "iproute2's `ip` is not installed";
  std::string probe = "cmup-probe-" + std::to_string(getpid());
  auto r = run({ip_path(), "netns", "add", probe}, {}, std::chrono::seconds(10));
  if (r.exit_code != 0) return "`ip netns add` is refused here: " + r.output;
  run({ip_path(), "netns", "del", probe}, {}, std::chrono::seconds(10));
  return "";
}

NetnsLab::NetnsLab(const std::vector<std::string>& hosts, int subnet) {
  prefix_ = "cmh" + std::to_string(getpid() % 100000);
  switch_ns_ = prefix_ + "-sw";
  try {
    ip_cmd({"netns", "add", switch_ns_});
    created_.push_back(switch_ns_);
    ip_cmd({"-n", switch_ns_, "link", "set", "lo", "up"});
    ip_cmd({"-n", switch_ns_, "link", "add", "br0", "type", "bridge"});
    ip_cmd({"-n", switch_ns_, "link", "set", "br0", "up"});
    int n = 1;
    for (const auto& h : hosts) {
      std::string ns = prefix_ + "-" + h;
      std::string addr = "10.231." + std::to_string(subnet) + "." + std::to_string(n);
      ip_cmd({"netns", "add", ns});
      created_.push_back(ns);
      ns_[h] = ns;
      ip_[h] = addr;
      // Interface names: at most 15 characters.
      std::string host_if = "v" + std::to_string(n) + "h", sw_if = "v" + std::to_string(n) + "s";
      ip_cmd({"-n", ns, "link", "add", host_if, "type", "veth", "peer", "name", sw_if, "netns", switch_ns_});
      ip_cmd({"-n", ns, "link", "set", "lo", "up"});
      ip_cmd({"-n", ns, "addr", "add", addr + "/24", "dev", host_if});
      ip_cmd({"-n", ns, "link", "set", host_if, "up"});
      ip_cmd({"-n", switch_ns_, "link", "set", sw_if, "master", "br0"});
      ip_cmd({"-n", switch_ns_, "link", "set", sw_if, "up"});
      ++n;
    }
  } catch (...) {
    for (const auto& ns : created_) run({ip_path(), "netns", "del", ns}, {}, std::chrono::seconds(10));
    throw;
  }
}

NetnsLab::~NetnsLab() {
  for (auto it = created_.rbegin(); it != created_.rend(); ++it)
    run({ip_path(), "netns", "del", *it}, {}, std::chrono::seconds(10));
}

std::vector<std::string> NetnsLab::exec_in(const std::string& host) const {
  return {ip_path(), "netns", "exec", ns_.at(host)};
}

}  // namespace cmup::test
