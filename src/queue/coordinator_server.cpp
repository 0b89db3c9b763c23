#include "queue/coordinator_server.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "db/database.hpp"
#include "queue/job_json.hpp"
#include "queue/sqlite_job_store.hpp"
#include "telegram/storage_channels.hpp"
#include "util/config.hpp"
#include "util/host_port.hpp"
#include "util/http_server.hpp"
#include "util/safe_text.hpp"

namespace cmup {

using nlohmann::json;

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

std::map<std::string, std::string> parse_worker_tokens(const std::string& spec) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    auto comma = spec.find(',', pos);
    auto item = trim(spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (!item.empty()) {
      auto eq = item.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 >= item.size())
        throw ConfigError("coordinator.tokens: each entry must be NAME=TOKEN (comma-separated)");
      auto name = trim(item.substr(0, eq)), token = trim(item.substr(eq + 1));
      if (token.size() < 16)
        throw ConfigError("coordinator.tokens: the token of '" + name +
                          "' is shorter than 16 characters; use `openssl rand -hex 24`");
      out[token] = name;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

CoordinatorOptions CoordinatorOptions::from_config(const Config& cfg) {
  CoordinatorOptions o;
  auto listen = cfg.address("coordinator.listen");
  o.host = listen.host;
  o.port = listen.port;
  o.tokens = parse_worker_tokens(cfg.str("coordinator.tokens"));
  o.max_body_bytes = static_cast<std::size_t>(cfg.integer("coordinator.max_body_bytes"));
  return o;
}

CoordinatorServer::CoordinatorServer(JobStore& store, CoordinatorOptions opts)
    : store_(store), opts_(std::move(opts)) {}

CoordinatorServer::CoordinatorServer(const Config& cfg)
    : owned_store_(
          std::make_unique<SqliteJobStore>(cfg.database_path(), QueueOptions::from_config(cfg),
                                           static_cast<int>(cfg.integer("database.busy_timeout_ms")))),
      store_(*owned_store_),
      opts_(CoordinatorOptions::from_config(cfg)) {
  {
    // Channels follow the config (telegram/storage_channels.hpp: the one sync rule).
    auto db = db::open(cfg.database_path());
    db::write_tx(*db, [&] { sync_channels(*db, cfg.channels()); });
  }
}

CoordinatorServer::~CoordinatorServer() { stop(); }

void CoordinatorServer::start() {
  if (opts_.tokens.empty())
    spdlog::warn("coordinator: no worker tokens configured (coordinator.tokens); every request will get 401");
  HttpServerOptions h;
  h.name = "coordinator";
  h.host = opts_.host;
  h.port = opts_.port;
  h.io_threads = 1;
  h.pool_threads = 4;  // every call is one short SQLite transaction
  h.pool_queue = 1024;
  h.limits.max_body_bytes = opts_.max_body_bytes;
  // Workers keep one connection each; they are few, known hosts behind tokens.
  h.idle_timeout = std::chrono::seconds(120);
  h.max_connections_per_client = 256;
  h.on_exception = [](const ServerRequest&, ServerResponse& res, const std::exception_ptr&) {
    json_error_page(res, 500, "internal", "the coordinator failed on this request");
  };
  srv_ = std::make_unique<HttpServer>(std::move(h), routes());
  try {
    bound_port_ = srv_->start();
  } catch (const std::runtime_error& e) {
    srv_.reset();
    throw std::runtime_error(std::string(e.what()) + ": change coordinator.listen");
  }
  spdlog::info("coordinator: accepting workers at http://{}/coord/v1/",
               format_host_port(opts_.host, bound_port_));
}

void CoordinatorServer::stop() {
  if (!srv_) return;
  srv_->stop();
  srv_.reset();
}

namespace {

using Handler = std::function<json(JobStore& store, const std::string& host_name, const json& body)>;

std::string nonempty(const json& b, const char* k) {
  auto s = b.at(k).get<std::string>();
  if (s.empty()) throw json::other_error::create(501, std::string(k) + " must not be empty", &b);
  return s;
}
std::string worker_id(const std::string& host, const json& b) {
  return host + "/" + nonempty(b, "worker_id");
}

// Every call: parse completely, then one JobStore call, so a malformed request changes nothing.
const std::map<std::string, Handler>& handlers() {
  static const std::map<std::string, Handler> h = {
      {"register",
       [](JobStore& st, const std::string& host, const json& b) {
         auto w = worker_from_json(b);
         w.worker_id = worker_id(host, b);
         st.register_worker(w);
         return json{{"worker_id", w.worker_id}};
       }},
      {"claim",
       [](JobStore& st, const std::string& host, const json& b) {
         auto id = worker_id(host, b);
         auto account = nonempty(b, "account");
         auto job = st.claim(id, account);
         return json{{"job", job ? job_to_json(*job) : json(nullptr)}};
       }},
      {"heartbeat",
       [](JobStore& st, const std::string&, const json& b) {
         return json{{"ok", st.heartbeat(lease_from_json(b.at("lease")))}};
       }},
      {"progress",
       [](JobStore& st, const std::string&, const json& b) {
         auto l = lease_from_json(b.at("lease"));
         auto p = progress_from_json(b.at("progress"));
         st.progress(l, p);
         return json{{"ok", true}};
       }},
      {"choose_channel",
       [](JobStore& st, const std::string&, const json& b) {
         auto l = lease_from_json(b.at("lease"));
         auto kind = nonempty(b, "kind");
         return json{{"channel_id", st.choose_channel(l, kind)}};
       }},
      {"record_part",
       [](JobStore& st, const std::string&, const json& b) {
         auto l = lease_from_json(b.at("lease"));
         auto p = part_from_json(b.at("part"));
         st.record_part(l, p);
         return json{{"ok", true}};
       }},
      {"complete",
       [](JobStore& st, const std::string&, const json& b) {
         auto l = lease_from_json(b.at("lease"));
         auto c = complete_from_json(b.at("info"));
         st.complete(l, c);
         return json{{"ok", true}};
       }},
      {"fail",
       [](JobStore& st, const std::string&, const json& b) {
         auto l = lease_from_json(b.at("lease"));
         auto f = fail_from_json(b.at("info"));
         return fail_result_to_json(st.fail(l, f));
       }},
      {"release",
       [](JobStore& st, const std::string&, const json& b) {
         auto l = lease_from_json(b.at("lease"));
         auto why = b.at("reason").get<std::string>();
         if (why != "shutdown" && why != "flood_wait")
           throw json::other_error::create(501, "reason must be shutdown or flood_wait", &b);
         st.release(l, why == "flood_wait" ? ReleaseReason::FloodWait : ReleaseReason::Shutdown);
         return json{{"ok", true}};
       }},
      {"flood",
       [](JobStore& st, const std::string&, const json& b) {
         auto account = nonempty(b, "account");
         auto until = b.at("until_ms").get<std::int64_t>();
         st.set_flood(account, until);
         return json{{"ok", true}};
       }},
      {"flood_until",
       [](JobStore& st, const std::string&, const json& b) {
         return json{{"until_ms", st.flood_until(nonempty(b, "account"))}};
       }},
  };
  return h;
}

// The message often quotes the request (a parse error shows the bytes it read, an unknown
// call its name): safe_text keeps the reply valid JSON whatever those bytes are.
CoordinatorReply error_reply(int status, const std::string& code, const std::string& message) {
  return {status, safe_dump(json{{"error", {{"code", code}, {"message", safe_text(message)}}}})};
}

}  // namespace

CoordinatorReply handle_coordinator_call(JobStore& store, const std::string& host_name, const std::string& op,
                                         const std::string& body) {
  auto it = handlers().find(op);
  if (it == handlers().end()) return error_reply(404, "not_found", "no such coordinator call: " + op);
  try {
    auto parsed = json::parse(body);
    // The answer carries catalog text (titles, source URLs) that CM wrote, not cmup.
    return {200, safe_dump(it->second(store, host_name, parsed))};
  } catch (const json::exception& e) {
    return error_reply(400, "bad_request", "malformed request to " + op + ": " + e.what());
  } catch (const LeaseLost& e) {
    return error_reply(409, "lease_lost", e.what());
  } catch (const JobStoreError& e) {
    return error_reply(409, "refused", e.what());
  } catch (const SQLite::Exception& e) {
    // A value the schema's constraints refuse (bad part numbers, unknown source id, ...):
    // the request's fault, and the transaction was rolled back.
    if ((e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT)
      return error_reply(409, "refused", std::string("the database refused ") + op + ": " + e.what());
    spdlog::error("coordinator: {} failed: {}", op, e.what());
    return error_reply(500, "internal", "the coordinator could not do " + op + ": " + e.what());
  } catch (const std::exception& e) {
    spdlog::error("coordinator: {} failed: {}", op, e.what());
    return error_reply(500, "internal", "the coordinator could not do " + op + ": " + e.what());
  }
}

Router CoordinatorServer::routes() {
  Router r;
  r.post(R"(/coord/v1/([a-z_]{1,32}))", [this](const ServerRequest& req, ServerResponse& res) {
    auto auth = req.header("Authorization");
    const std::string prefix = "Bearer ";
    const std::string* name = nullptr;
    if (auth.rfind(prefix, 0) == 0) {
      auto given = auth.substr(prefix.size());
      for (const auto& [token, host] : opts_.tokens)
        if (token.size() == given.size() && CRYPTO_memcmp(token.data(), given.data(), token.size()) == 0)
          name = &host;
    }
    if (!name) {
      json_error_page(res, 401, "unauthorized",
                      "missing or unknown bearer token: set coordinator.token on the worker to one listed in "
                      "coordinator.tokens on the main host");
      return;
    }
    auto reply = handle_coordinator_call(store_, *name, req.matches[1], req.body);
    res.status = reply.status;
    res.set_content(reply.body, "application/json");
  });
  return r;
}

}  // namespace cmup
