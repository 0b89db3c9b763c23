// nodelay_shim.so: LD_PRELOAD shim that sets TCP_NODELAY on every accepted socket.
// The benchmarks use it only to show what a server's missing TCP_NODELAY costs (Nagle's
// algorithm holding a response's second write until the client's delayed ACK, ~40 ms):
// the same binary is measured with and without it. Not used by cmup itself.
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace {
void nodelay(int fd) {
  int one = 1;
  if (fd >= 0) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}
using AcceptFn = int (*)(int, sockaddr*, socklen_t*);
using Accept4Fn = int (*)(int, sockaddr*, socklen_t*, int);
}  // namespace

extern "C" int accept(int fd, sockaddr* addr, socklen_t* len) {
  static auto real = reinterpret_cast<AcceptFn>(dlsym(RTLD_NEXT, "accept"));
  int c = real(fd, addr, len);
  nodelay(c);
  return c;
}

extern "C" int accept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
  static auto real = reinterpret_cast<Accept4Fn>(dlsym(RTLD_NEXT, "accept4"));
  int c = real(fd, addr, len, flags);
  nodelay(c);
  return c;
}
