// A small private network of test hosts on this machine: one network namespace per host,
// each joined by a veth pair to a bridge that lives in a namespace of its own (the machine's
// own network is never touched, and no address leaves it). Root only; the destructor
// deletes every namespace it made (which removes the veths and the bridge with them).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace cmup::test {

class NetnsLab {
 public:
  // Why the lab cannot be made here (not root, no `ip`, namespaces refused), or "" when it can.
  static std::string unavailable_reason();

  // hosts: names like "ember", "rora", "lukas"; they get 10.231.<subnet>.1, .2, .3 ...
  explicit NetnsLab(const std::vector<std::string>& hosts, int subnet = 0);
  ~NetnsLab();
  NetnsLab(const NetnsLab&) = delete;
  NetnsLab& operator=(const NetnsLab&) = delete;

  const std::string& ns(const std::string& host) const { return ns_.at(host); }
  const std::string& ip(const std::string& host) const { return ip_.at(host); }
  // argv prefix that runs a program inside the host's namespace.
  std::vector<std::string> exec_in(const std::string& host) const;

 private:
  std::string prefix_;
  std::string switch_ns_;
  std::map<std::string, std::string> ns_, ip_;
  std::vector<std::string> created_;
};

}  // namespace cmup::test
