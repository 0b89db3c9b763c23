// Raw HTTP/1.1 over a TCP socket on loopback, for tests that must control every byte and
// every pause (slow senders, chunked floods, unread bodies) and see exactly what comes back.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>

namespace cmup::test {

class RawConnection {
 public:
  // Connects to 127.0.0.1:port, from `source` (another loopback address, e.g. 127.0.0.2,
  // to look like a different client) when given.
  explicit RawConnection(int port, const char* source = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    if (source) {
      sockaddr_in from{};
      from.sin_family = AF_INET;
      inet_pton(AF_INET, source, &from.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0)
        throw std::runtime_error(std::string("cannot bind ") + source);
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
      throw std::runtime_error("connect failed");
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False when the peer has closed or reset the connection.
  bool send(const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
      auto n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }
  // Whether something (data or the end) can be read within `wait`.
  bool readable(std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(wait.count())) > 0;
  }
  // Whether the server has closed the connection (reads its end within `wait`, dropping data).
  bool closed_within(std::chrono::milliseconds wait) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    char buf[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (!readable(left)) return false;
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
    return false;
  }

  struct Response {
    int status = 0;
    std::string head;  // status line and headers
    std::string body;
    std::string header(const std::string& name) const {
      auto lower = [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
      };
      auto h = lower(head);
      auto pos = h.find("\r\n" + lower(name) + ":");
      if (pos == std::string::npos) return {};
      auto start = pos + 3 + name.size();
      auto end = head.find("\r\n", start);
      auto v = head.substr(start, end - start);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      return v;
    }
  };
  // Reads one response (Content-Length bodies; HEAD-like when `no_body`) within `wait`;
  // nullopt on timeout or when the connection ends first.
  std::optional<Response> read_response(std::chrono::milliseconds wait, bool no_body = false) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    Response r;
    while (true) {
      auto end = pending_.find("\r\n\r\n");
      if (end != std::string::npos) {
        r.head = pending_.substr(0, end + 2);
        r.status = std::stoi(r.head.substr(9, 3));
        std::size_t len = 0;
        if (!no_body && !r.header("Content-Length").empty()) len = std::stoul(r.header("Content-Length"));
        if (pending_.size() >= end + 4 + len) {
          r.body = pending_.substr(end + 4, len);
          pending_.erase(0, end + 4 + len);
          return r;
        }
      }
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return std::nullopt;
      if (!readable(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now)))
        return std::nullopt;
      char buf[65536];
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return std::nullopt;
      pending_.append(buf, static_cast<std::size_t>(n));
    }
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::string pending_;
};

// VmRSS of process `pid` in KiB (from /proc/<pid>/status).
inline long rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace cmup::test
