#include "web/image_routes.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <semaphore>
#include <sstream>

#include "catalog/image_store.hpp"
#include "util/child_process.hpp"
#include "util/http_router.hpp"
#include "web/http_util.hpp"

namespace cmup::web {

namespace {

// Two conversions at once: a first visit to a fresh grid must not start dozens of ffmpegs.
std::counting_semaphore<2> g_resizers(2);

const char* demuxer_of(catalog::ImageType t) {
  switch (t) {
    case catalog::ImageType::Jpeg:
      return "jpeg_pipe";
    case catalog::ImageType::Png:
      return "png_pipe";
    case catalog::ImageType::Webp:
      return "webp_pipe";
    case catalog::ImageType::Gif:
      return "gif";
  }
  return "image2";
}

bool read_whole(const std::filesystem::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// Makes `size` of `sha` with ffmpeg: the demuxer named after the sniffed type and the file
// protocol only, so a stored original cannot make ffmpeg read anything else.
std::string make_size(const ImageRouteOptions& o, const catalog::ImageStore& store, const std::string& sha,
                      catalog::ImageType type, catalog::ImageSize size) {
  static std::atomic<unsigned> seq{0};
  auto out = store.size_path(sha, size);
  auto tmp = out;
  tmp += ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(seq++) + ".jpg";
  int w = catalog::size_width(size);
  std::vector<std::string> argv{o.ffmpeg,
                                "-nostdin",
                                "-hide_banner",
                                "-v",
                                "error",
                                "-protocol_whitelist",
                                "file",
                                "-f",
                                demuxer_of(type),
                                "-i",
                                store.original_path(sha).string(),
                                "-frames:v",
                                "1",
                                "-vf",
                                "scale='min(" + std::to_string(w) + ",iw)':-2",
                                "-q:v",
                                "4",
                                "-f",
                                "mjpeg",
                                "-y",
                                tmp.string()};
  RunOptions ro;
  ro.time_limit = o.resize_timeout;
  std::error_code ec;
  try {
    g_resizers.acquire();
    ProcessResult r;
    try {
      r = run_program(argv, ro);
    } catch (...) {
      g_resizers.release();
      throw;
    }
    g_resizers.release();
    if (r.exit_code != 0) {
      std::filesystem::remove(tmp, ec);
      return "ffmpeg exited with " + std::to_string(r.exit_code) + ": " +
             summarize_stderr(r.stderr_tail);
    }
  } catch (const std::exception& e) {
    std::filesystem::remove(tmp, ec);
    return e.what();
  }
  std::filesystem::rename(tmp, out, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return "cannot store " + out.string() + ": " + ec.message();
  }
  return "";
}

}  // namespace

ImageAnswer answer_image(const ImageRouteOptions& o, const std::string& sha, const std::string& size_name,
                         const std::string& if_none_match) {
  ImageAnswer a;
  auto size = catalog::size_from_name(size_name);
  if (!catalog::is_sha256_hex(sha) || !size) {
    a.error_code = "not_found";
    a.error_message = "no such image";
    return a;
  }
  catalog::ImageStore store(o.store_root);
  auto path = store.size_path(sha, *size);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    auto type = store.original_type(sha);
    if (!type) {
      a.error_code = "not_found";
      a.error_message = "no such image";
      return a;
    }
    if (auto err = make_size(o, store, sha, *type, *size); !err.empty()) {
      spdlog::error("web: cannot make the {} size of image {}: {}", size_name, sha, err);
      a.status = 500;
      a.error_code = "image_failed";
      a.error_message = "this image could not be converted; the server log says why";
      return a;
    }
  }
  a.etag = "\"" + sha + "-" + size_name + "\"";
  if (if_none_match == a.etag) {
    a.status = 304;
    return a;
  }
  if (!read_whole(path, a.body)) {
    a.status = 500;
    a.error_code = "image_failed";
    a.error_message = "the stored image cannot be read; check the image store's permissions";
    return a;
  }
  a.status = 200;
  return a;
}

void mount_image_routes(Router& routes, const ImageRouteOptions& opts) {
  routes.get(R"(/images/([0-9a-f]{64})/([a-z]{1,8})\.jpg)",
             [opts](const ServerRequest& req, ServerResponse& res) {
               auto a = answer_image(opts, req.matches[1], req.matches[2], req.header("If-None-Match"));
               if (a.status == 200 || a.status == 304) {
                 res.status = a.status;
                 res.set_header("ETag", a.etag);
                 res.set_header("Cache-Control", "public, max-age=31536000, immutable");
                 set_security_headers(res, PageKind::Api);
                 if (a.status == 200) res.set_content(std::move(a.body), "image/jpeg");
                 return;
               }
               send_error(res, a.status, a.error_code, a.error_message);
               set_security_headers(res, PageKind::Api);
             });
}

}  // namespace cmup::web
