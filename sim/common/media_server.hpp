// A Range-capable static media file server for the simulators and tests, with injectable
// faults, so downloaders can be tested against the failures real hosts produce.
//
// Contract of mount_media_routes(srv, "/media", opts): GET and HEAD of /media/<file> serve
// <opts.dir>/<file> (a plain relative path; "..", absolute paths and missing files give 404).
//   - 200 with Content-Length and Accept-Ranges: bytes; Content-Type video/mp4 (.mp4),
//     video/x-matroska (.mkv), else application/octet-stream.
//   - A single "Range: bytes=a-b" / "a-" / "-n" gives 206 with Content-Range; a range that
//     starts at or past the end gives 416 with "Content-Range: bytes */<size>". Several
//     ranges are answered with the whole file (200), which HTTP allows.
//   - Bytes stream from disk in chunks; a whole file is never held in memory.
//   - opts.throttle_bytes_per_s > 0 limits every response body to that rate (per response).
// Fault query parameters (on top of the above):
//   ?fault=404                      404, as for a dead link.
//   ?fault=reset&after=N[&times=K]  send N body bytes, then reset the connection (RST). With
//                                   times=K only the first K requests for that exact URL fail,
//                                   later ones are served normally (a resumed Range download
//                                   succeeds).
//   ?fault=stall&after=N[&times=K]  send N body bytes, then nothing more; the response is held
//                                   until the client disconnects or 120 s pass.
//   ?fault=norange                  ignore Range: always 200 with the full file.
// Thread-safety: the handlers are safe under httplib's thread pool. A stalled response holds
// one server thread; give the server a larger pool (use_large_thread_pool) when many stall.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace cmup::sim {

struct MediaServerOptions {
  std::filesystem::path dir;
  std::int64_t throttle_bytes_per_s = 0;  // 0 = unlimited
};

void mount_media_routes(httplib::Server& srv, const std::string& prefix, MediaServerOptions opts);

// Replaces the server's worker pool with one of `threads` threads (call before listen()).
void use_large_thread_pool(httplib::Server& srv, std::size_t threads = 64);

// The Content-Type served for a file name (by extension).
std::string media_content_type(const std::string& file_name);

}  // namespace cmup::sim
