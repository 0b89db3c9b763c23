#include "server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>

#include "access.hpp"
#include "api_error.hpp"
#include "files.hpp"
#include "methods.hpp"
#include "webhook.hpp"

namespace cmup::simtg {

using nlohmann::json;

namespace {

constexpr std::size_t kThreads = 64;  // long polls hold a thread each

int port_of(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

// Written by hand so the keys come in Telegram's order ("ok" first).
void reply_error(httplib::Response& res, const ApiError& e) {
  std::string body = "{\"ok\":false,\"error_code\":" + std::to_string(e.code) +
                     ",\"description\":" + json(e.description).dump();
  if (e.code == 429) body += ",\"parameters\":{\"retry_after\":" + std::to_string(e.retry_after) + "}";
  res.status = e.code;
  res.set_content(body + "}", "application/json");
}

void reply_result(httplib::Response& res, const json& result) {
  res.status = 200;
  res.set_content("{\"ok\":true,\"result\":" + result.dump() + "}", "application/json");
}

void handle_bot_call(Sim& sim, const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader* reader) {
  const BotInfo* bot = sim.world.bot_by_token(req.matches[1].str());
  const MethodEntry* method = bot ? find_method(req.matches[2].str()) : nullptr;
  Throttle* bot_gate = bot ? &sim.bot_throttle(bot->username) : nullptr;
  ReadLimits limits;
  limits.tmp_dir = sim.store.tmp_dir();
  limits.max_file_bytes = bot ? sim.upload_cap(*bot) : 0;
  limits.discard = !method;
  limits.on_bytes = [&](std::size_t n) {
    sim.global_throttle.consume(n);
    if (bot_gate) {
      bot_gate->consume(n);
      sim.stats.bytes(bot->username, n);
    }
  };
  try {
    Params params = read_params(req, reader, limits);
    if (!bot) throw ApiError(401, "Unauthorized");
    if (!method) throw ApiError(404, "Not Found");
    sim.stats.call(bot->username, method->name);
    sim.calls.record(bot->username, method->name, params);
    const auto chat = chat_id_hint(params);
    const auto fault = sim.faults.take(bot->username, method->name, chat);
    if (fault && fault->kind == "429") throw too_many_requests(Faults::retry_after_of(*fault));
    if (fault && fault->kind == "500") throw ApiError(500, "Internal Server Error");
    if (fault && fault->kind == "drop" && !fault->after_processing) return drop_connection(req);
    if (sim.opts.enforce_rate_limits && method->sends && chat) {
      if (auto wait = sim.group_limit.check(bot->id, *chat)) throw too_many_requests(*wait);
      if (auto wait = sim.rate_limits.check(bot->id, *chat)) {
        sim.group_limit.refund(bot->id, *chat);
        throw too_many_requests(*wait);
      }
    }
    const json result = method->fn(sim, *bot, params);
    if (fault && fault->kind == "drop") return drop_connection(req);
    reply_result(res, result);
  } catch (const ApiError& e) {
    reply_error(res, e);
  } catch (const json::exception& e) {
    reply_error(res, bad_request(std::string("can't parse parameters: ") + e.what()));
  }
}

void handle_file_download(Sim& sim, const httplib::Request& req, httplib::Response& res) {
  const BotInfo* bot = sim.world.bot_by_token(req.matches[1].str());
  const auto seq = seq_from_file_path(req.matches[2].str());
  std::string path;
  std::uint64_t size = 0;
  std::string mime;
  {
    std::lock_guard lk(sim.store.mu);
    auto it = seq ? sim.store.st.files.find(*seq) : sim.store.st.files.end();
    if (!bot || it == sim.store.st.files.end()) {
      return reply_error(res, ApiError(404, "Not Found"));
    }
    path = it->second.path;
    size = it->second.size;
    mime = it->second.mime_type;
  }
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  res.set_content_provider(size, mime, [in](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
    std::vector<char> buf(std::min<std::size_t>(length, 256 * 1024));
    in->seekg(static_cast<std::streamoff>(offset));
    in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<std::size_t>(in->gcount());
    return got > 0 && sink.write(buf.data(), got);
  });
}

}  // namespace

void reply_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void drop_connection(const httplib::Request& req) {
  // httplib does not expose the socket, so find the one whose ends match this request and
  // shut it down; httplib then fails its write and closes it as usual.
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    int fd = -1;
    try {
      fd = std::stoi(e.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    sockaddr_storage local{};
    sockaddr_storage peer{};
    socklen_t ll = sizeof(local);
    socklen_t pl = sizeof(peer);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
    if (port_of(local) == req.local_port && port_of(peer) == req.remote_port) {
      ::shutdown(fd, SHUT_RDWR);
      return;
    }
  }
}

SimServer::SimServer(Sim& sim) : sim_(sim), webhooks_(std::make_unique<WebhookPusher>(sim)) {
  http_.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  const std::string bot_route = R"(/bot([^/]+)/([A-Za-z_]+)/?)";
  http_.Post(bot_route, [this](const httplib::Request& req, httplib::Response& res,
                               const httplib::ContentReader& reader) { handle_bot_call(sim_, req, res, &reader); });
  http_.Get(bot_route, [this](const httplib::Request& req, httplib::Response& res) {
    handle_bot_call(sim_, req, res, nullptr);
  });
  http_.Get(R"(/file/bot([^/]+)/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
    handle_file_download(sim_, req, res);
  });
  if (sim_.opts.control) install_control_routes(http_, sim_);
  install_viewer_routes(http_, sim_);
  http_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    reply_json(res, 500, {{"ok", false}, {"error_code", 500}, {"description", "Internal Server Error: " + what}});
  });
}

SimServer::~SimServer() { stop(); }

int SimServer::bind(const std::string& host, int port) {
  if (port == 0) return http_.bind_to_any_port(host);
  return http_.bind_to_port(host, port) ? port : -1;
}

void SimServer::listen() {
  webhooks_->start();
  http_.listen_after_bind();
}

void SimServer::stop() {
  {
    std::lock_guard lk(sim_.store.mu);
    sim_.store.stopping = true;
    sim_.store.updates_cv.notify_all();
  }
  webhooks_->stop();
  http_.stop();
}

}  // namespace cmup::simtg
