#include "common/media_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

namespace cmup::sim {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kChunk = 64 * 1024;
constexpr auto kStallHold = std::chrono::seconds(120);

struct ByteRange {
  std::int64_t first = 0;
  std::int64_t length = 0;
};

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

enum class RangeKind { None, Ok, Unsatisfiable };

// Parses one "bytes=a-b" range against `size`. Malformed or multiple ranges mean "no
// range" (serve the whole file), as RFC 9110 allows.
RangeKind parse_range(const std::string& header, std::int64_t size, ByteRange& out) {
  constexpr std::string_view kUnit = "bytes=";
  std::string_view h = header;
  if (h.substr(0, kUnit.size()) != kUnit) return RangeKind::None;
  h.remove_prefix(kUnit.size());
  if (h.find(',') != std::string_view::npos) return RangeKind::None;
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return RangeKind::None;
  auto a = h.substr(0, dash), b = h.substr(dash + 1);
  if (a.empty()) {  // suffix: the last n bytes
    auto n = to_int(b);
    if (!n) return RangeKind::None;
    if (*n == 0 || size == 0) return RangeKind::Unsatisfiable;
    out.length = std::min(*n, size);
    out.first = size - out.length;
    return RangeKind::Ok;
  }
  auto first = to_int(a);
  if (!first) return RangeKind::None;
  std::int64_t last = size - 1;
  if (!b.empty()) {
    auto l = to_int(b);
    if (!l || *l < *first) return RangeKind::None;
    last = std::min(*l, size - 1);
  }
  if (*first >= size) return RangeKind::Unsatisfiable;
  out.first = *first;
  out.length = last - *first + 1;
  return RangeKind::Ok;
}

// True when `field` of /proc/net/tcp{,6} ("0100007F:1F90": the address as the kernel's 32-bit
// words in hex, then the port) is `addr` (n bytes, network order) and `port`.
bool endpoint_is(std::string_view field, const unsigned char* addr, std::size_t n, int port) {
  if (field.size() != n * 2 + 5 || field[n * 2] != ':') return false;
  unsigned char bytes[16];
  for (std::size_t w = 0; w < n / 4; ++w) {
    std::uint32_t v = 0;
    auto word = field.substr(w * 8, 8);
    if (std::from_chars(word.data(), word.data() + word.size(), v, 16).ec != std::errc()) return false;
    std::memcpy(bytes + w * 4, &v, 4);  // printed from memory as a host-order word
  }
  unsigned p = 0;
  auto port_hex = field.substr(n * 2 + 1);
  if (std::from_chars(port_hex.data(), port_hex.data() + port_hex.size(), p, 16).ec != std::errc())
    return false;
  return std::memcmp(bytes, addr, n) == 0 && static_cast<int>(p) == port;
}

// The inode of the TCP socket with the request's endpoints, from the kernel's socket table.
std::optional<std::string> socket_inode(const httplib::Request& req) {
  const std::pair<const char*, int> tables[] = {{"/proc/self/net/tcp", AF_INET},
                                                {"/proc/self/net/tcp6", AF_INET6}};
  for (const auto& [table, family] : tables) {
    unsigned char local[16], peer[16];
    if (inet_pton(family, req.local_addr.c_str(), local) != 1 ||
        inet_pton(family, req.remote_addr.c_str(), peer) != 1)
      continue;
    const std::size_t n = family == AF_INET ? 4 : 16;
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the column names
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local_f, peer_f, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local_f >> peer_f >> state >> queues >> timer >> retransmits >> uid >> timeout >>
          inode;
      // inode 0: a connection in TIME_WAIT, owned by no socket (an earlier one on the same ports).
      if (fields && inode != "0" && endpoint_is(local_f, local, n, req.local_port) &&
          endpoint_is(peer_f, peer, n, req.remote_port))
        return inode;
    }
  }
  return std::nullopt;
}

// httplib (0.11) does not expose a request's socket; the fault injection needs it (to reset
// the connection and to notice a client that gave up on a stall). The kernel's table names
// the socket's inode by its endpoints, and the descriptor is the one whose link names that
// inode. Only links are read: no call touches a descriptor other threads may be closing, and
// the one found cannot go away meanwhile, since the thread asking is the one serving it.
int find_socket(const httplib::Request& req) {
  auto inode = socket_inode(req);
  if (!inode) return -1;
  const std::string want = "socket:[" + *inode + "]";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc/self/fd", ec)) {
    auto fd = to_int(e.path().filename().string());
    if (!fd) continue;
    char target[64];
    auto len = readlink(e.path().c_str(), target, sizeof target);
    if (len > 0 && std::string_view(target, static_cast<std::size_t>(len)) == want)
      return static_cast<int>(*fd);
  }
  return -1;
}

bool peer_closed(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (poll(&p, 1, 0) <= 0) return false;
  if (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) return true;
  char c;
  return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

enum class Fault { None, NotFound, Reset, Stall, NoRange };

struct FaultPlan {
  Fault kind = Fault::None;
  std::int64_t after = 0;
};

// Per-URL request counts, for "fail the first K times".
class FaultCounter {
 public:
  int next(const std::string& url) {
    std::lock_guard lock(mu_);
    return ++counts_[url];
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> counts_;
};

FaultPlan plan_fault(const httplib::Request& req, FaultCounter& counter) {
  FaultPlan plan;
  if (!req.has_param("fault")) return plan;
  auto f = req.get_param_value("fault");
  if (f == "404")
    plan.kind = Fault::NotFound;
  else if (f == "reset")
    plan.kind = Fault::Reset;
  else if (f == "stall")
    plan.kind = Fault::Stall;
  else if (f == "norange")
    plan.kind = Fault::NoRange;
  plan.after = to_int(req.get_param_value("after")).value_or(0);
  if ((plan.kind == Fault::Reset || plan.kind == Fault::Stall) && req.has_param("times")) {
    auto times = to_int(req.get_param_value("times")).value_or(0);
    // HEAD probes do not consume a failure: only body transfers can be cut.
    if (req.method == "HEAD") return plan;
    if (counter.next(req.target) > times) plan.kind = Fault::None;
  }
  return plan;
}

bool safe_relative(const std::string& rel) {
  if (rel.empty() || rel.front() == '/') return false;
  for (const auto& part : fs::path(rel))
    if (part == ".." || part == ".") return false;
  return true;
}

struct Transfer {
  std::ifstream file;
  std::int64_t first = 0;       // file offset of body byte 0
  std::int64_t cut_after = -1;  // body bytes before the fault, -1 = none
  Fault fault = Fault::None;
  std::int64_t throttle = 0;
  Clock::time_point started = Clock::now();
  std::int64_t sent = 0;
  int fd = -1;
};

void throttle_wait(const Transfer& t) {
  if (t.throttle <= 0) return;
  auto due = t.started + std::chrono::microseconds(t.sent * 1000000 / t.throttle);
  std::this_thread::sleep_until(due);
}

void hold_stalled(const Transfer& t, const httplib::DataSink& sink) {
  auto until = Clock::now() + kStallHold;
  while (Clock::now() < until && !peer_closed(t.fd) && sink.is_writable())
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

void reset_connection(int fd) {
  if (fd < 0) return;
  // Linger 0 turns the close httplib does next into a TCP RST, as a crashed host would.
  linger lg{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

bool provide(Transfer& t, size_t offset, size_t length, httplib::DataSink& sink) {
  std::size_t want = std::min<std::size_t>(length, kChunk);
  if (t.throttle > 0) want = std::min<std::size_t>(want, std::max<std::int64_t>(1024, t.throttle / 20));
  if (t.cut_after >= 0) {
    auto left = t.cut_after - static_cast<std::int64_t>(offset);
    if (left <= 0) {
      if (t.fault == Fault::Stall)
        hold_stalled(t, sink);
      else
        reset_connection(t.fd);
      return false;
    }
    want = std::min<std::size_t>(want, static_cast<std::size_t>(left));
  }
  std::vector<char> buf(want);
  t.file.seekg(t.first + static_cast<std::int64_t>(offset));
  t.file.read(buf.data(), static_cast<std::streamsize>(want));
  auto got = static_cast<std::size_t>(t.file.gcount());
  if (got == 0) return false;  // the file shrank under us
  throttle_wait(t);
  if (!sink.write(buf.data(), got)) return false;
  t.sent += static_cast<std::int64_t>(got);
  return true;
}

}  // namespace

std::string media_content_type(const std::string& file_name) {
  auto ext = fs::path(file_name).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".mp4") return "video/mp4";
  if (ext == ".mkv") return "video/x-matroska";
  return "application/octet-stream";
}

void use_large_thread_pool(httplib::Server& srv, std::size_t threads) {
  srv.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
}

void mount_media_routes(httplib::Server& srv, const std::string& prefix, MediaServerOptions opts) {
  auto counter = std::make_shared<FaultCounter>();
  auto handler = [opts, counter](const httplib::Request& req, httplib::Response& res) {
    const std::string rel = req.matches[1];
    const fs::path file = opts.dir / rel;
    std::error_code ec;
    if (!safe_relative(rel) || !fs::is_regular_file(file, ec)) {
      res.status = 404;
      res.set_content("no such media file\n", "text/plain");
      return;
    }
    auto plan = plan_fault(req, *counter);
    if (plan.kind == Fault::NotFound) {
      res.status = 404;
      res.set_content("dead link (injected)\n", "text/plain");
      return;
    }
    const auto size = static_cast<std::int64_t>(fs::file_size(file, ec));
    ByteRange range{0, size};
    auto kind = RangeKind::None;
    if (plan.kind != Fault::NoRange && req.has_header("Range"))
      kind = parse_range(req.get_header_value("Range"), size, range);
    // httplib would apply Range to the provider itself; this handler answers Range on its
    // own (416, norange, faults), so the parsed ranges are dropped. The Request object is
    // httplib's non-const local, so this const_cast is well-defined.
    const_cast<httplib::Request&>(req).ranges.clear();
    res.set_header("Accept-Ranges", "bytes");
    if (kind == RangeKind::Unsatisfiable) {
      res.status = 416;
      res.set_header("Content-Range", "bytes */" + std::to_string(size));
      return;
    }
    if (kind == RangeKind::Ok) {
      res.status = 206;
      res.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                          std::to_string(range.first + range.length - 1) + "/" +
                                          std::to_string(size));
    } else {
      res.status = 200;
    }
    auto t = std::make_shared<Transfer>();
    t->file.open(file, std::ios::binary);
    t->first = range.first;
    t->throttle = opts.throttle_bytes_per_s;
    t->fault = plan.kind;
    if (plan.kind == Fault::Reset || plan.kind == Fault::Stall) {
      t->cut_after = plan.after;
      t->fd = find_socket(req);
    }
    res.set_content_provider(static_cast<size_t>(range.length), media_content_type(rel),
                             [t](size_t offset, size_t length, httplib::DataSink& sink) {
                               return provide(*t, offset, length, sink);
                             });
  };
  const std::string pattern = prefix + "/(.+)";
  srv.Get(pattern, handler);
}

}  // namespace cmup::sim
