// /api/v1: titles, title details, variant objects, facets, health and Mini App delivery.
#include <spdlog/spdlog.h>

#include "catalog/quality.hpp"
#include "db/database.hpp"
#include "util/clock.hpp"
#include "web/catalog_reader.hpp"
#include "web/http_util.hpp"
#include "web/init_data.hpp"
#include "web/server_state.hpp"

namespace cmup::web {

namespace {

using nlohmann::json;
using Request = ServerRequest;
using Response = ServerResponse;

constexpr const char* kInitDataHeader = "X-Telegram-Init-Data";

void api_error(Response& res, int status, const std::string& code, const std::string& message) {
  send_error(res, status, code, message);
  set_security_headers(res, PageKind::Api);
}

void api_json(Response& res, const json& body) {
  send_json(res, 200, body);
  set_security_headers(res, PageKind::Api);
}

// The status and headers of a 200 answer whose JSON body is already rendered (a search).
void api_json_text_headers(Response& res) {
  res.status = 200;
  res.set_header("Content-Type", "application/json; charset=utf-8");
  res.set_header("Cache-Control", "no-store");
  set_security_headers(res, PageKind::Api);
}

// Paths with an id: the id must be a positive decimal number, else 400 (not 404).
std::optional<std::int64_t> path_id(const Request& req, Response& res) {
  auto id = parse_id(req.matches[1]);
  if (!id) api_error(res, 400, "invalid_id", "the id in the path must be a positive integer");
  return id;
}

bool no_params(const Request& req, Response& res) {
  if (req.params.empty()) return true;
  api_error(res, 400, "invalid_parameter", "unknown parameter '" + req.params.begin()->first.substr(0, 64) + "'");
  return false;
}

// The status and headers of every search answer, serialized once (they are the same for all
// of them): an answer formats nothing but its Content-Length, and its body is not copied.
const std::shared_ptr<const PreparedHeaders>& search_answer_headers() {
  static const std::shared_ptr<const PreparedHeaders> head = [] {
    Response res;
    api_json_text_headers(res);
    return prepare_headers(res);
  }();
  return head;
}

void list_titles_route(WebServer::State& s, const Request& req, Response& res) {
  auto parsed = parse_title_query(query_params(req));
  if (auto* err = std::get_if<ParamError>(&parsed)) {
    api_error(res, 400, "invalid_parameter", err->message);
    return;
  }
  const auto& query = std::get<TitleQuery>(parsed);
  if (!query.q.empty()) {
    res.prepared = search_answer_headers();
    res.shared_body = s.search.titles_page(query);
    return;
  }
  auto db = s.pool.acquire();
  api_json(res, list_titles(*db, query));
}

// On the I/O thread: a repeated search is answered from the cache of rendered answers (no
// thread hand-off, nothing copied); anything else (a new search, a listing from SQLite) goes
// to the pool.
bool list_titles_cached(WebServer::State& s, const Request& req, Response& res) {
  auto parsed = parse_title_query(query_params(req));
  const auto* query = std::get_if<TitleQuery>(&parsed);
  if (!query || query->q.empty()) return false;
  auto body = s.search.cached_titles_page(*query);
  if (!body) return false;
  res.prepared = search_answer_headers();
  res.shared_body = std::move(body);
  return true;
}

void title_route(WebServer::State& s, const Request& req, Response& res) {
  auto id = path_id(req, res);
  if (!id || !no_params(req, res)) return;
  auto db = s.pool.acquire();
  auto detail = title_detail(*db, *id, CatalogLinks{s.opts.bot_username});
  if (!detail) return api_error(res, 404, "not_found", "no title with id " + std::to_string(*id));
  api_json(res, *detail);
}

void objects_route(WebServer::State& s, const Request& req, Response& res) {
  std::string token = bearer_token(req);
  if (!token_matches(token, s.opts.bot_token) && !token_matches(token, s.opts.admin_token))
    return api_error(res, 401, "unauthorized", "this endpoint needs 'Authorization: Bearer <bot or admin token>'");
  auto id = path_id(req, res);
  if (!id || !no_params(req, res)) return;
  auto db = s.pool.acquire();
  auto r = variant_objects(*db, *id);
  if (r.status == ObjectsStatus::NotFound)
    return api_error(res, 404, "not_found", "no variant with id " + std::to_string(*id));
  if (r.status == ObjectsStatus::NotAvailable)
    return api_error(res, 409, "not_available",
                     "variant " + std::to_string(*id) + " is not stored in Telegram yet (state " + r.state + ")");
  api_json(res, r.body);
}

void facets_route(WebServer::State& s, const Request& req, Response& res) {
  if (!no_params(req, res)) return;
  std::lock_guard lock(s.facets_mu);
  std::int64_t now = now_ms();
  if (s.facets.is_null() || now - s.facets_at_ms > 60000) {
    auto db = s.pool.acquire();
    s.facets = facets(*db);
    s.facets_at_ms = now;
  }
  api_json(res, s.facets);
}

void health_route(WebServer::State& s, const Request&, Response& res) {
  json body = {{"status", "ok"}, {"version", CMUP_VERSION}};
  // The bot reaches Telegram in the background: the site serves meanwhile, and says so here.
  if (s.delivery) {
    DeliveryStatus st = s.delivery->status();
    body["bot"] = {{"state", st.state}, {"ready", st.ready}};
    if (!st.ready) {
      body["bot"]["reason"] = st.reason;
      body["bot"]["retry_after_s"] = st.retry_after_s;
      body["status"] = "degraded";
    }
  }
  try {
    auto db = s.pool.acquire();
    body["schema_version"] = db::schema_version(*db);
    body["database"] = "ok";
  } catch (const std::exception& e) {
    spdlog::warn("web: health: database: {}", e.what());
    body["status"] = "degraded";
    body["database"] = "unavailable";
    send_json(res, 503, body);
    set_security_headers(res, PageKind::Api);
    return;
  }
  api_json(res, body);
}

std::string outcome_name(DeliveryResult::Outcome o) {
  switch (o) {
    case DeliveryResult::Outcome::Sent: return "sent";
    case DeliveryResult::Outcome::FallbackCopy: return "fallback_copy";
    case DeliveryResult::Outcome::NotAvailable: return "not_available";
    case DeliveryResult::Outcome::RateLimited: return "rate_limited";
    case DeliveryResult::Outcome::Failed: return "failed";
  }
  return "failed";
}

void too_many(Response& res, int retry_after_s, const std::string& message) {
  api_error(res, 429, "rate_limited", message);
  res.set_header("Retry-After", std::to_string(std::max(1, retry_after_s)));
}

// The Mini App's sending routes: the address and user limits, the sender being there, and a
// valid initData. Returns the Telegram user, or nullopt with the error answered.
std::optional<std::int64_t> mini_app_user(WebServer::State& s, const Request& req, Response& res, bool available) {
  std::int64_t now = now_ms();
  // Every attempt counts against the address, forged ones included: that bounds guessing.
  if (!s.per_ip.allow(req.client, now)) {
    too_many(res, s.per_ip.retry_after_s(req.client, now), "too many requests from this address; wait a minute");
    return std::nullopt;
  }
  if (!available || !s.delivery || s.opts.bot_token.empty()) {
    api_error(res, 503, "delivery_unavailable",
              "delivery is not configured on this server (bot.token and the bot must be running); "
              "use the t.me link instead");
    return std::nullopt;
  }
  // Files and seasons alike go out through the bot: not before it reached Telegram.
  if (DeliveryStatus st = s.delivery->status(); !st.ready) {
    api_error(res, 503, "bot_not_ready",
              "the bot is not connected to Telegram yet (" + st.reason + "); try again shortly");
    res.set_header("Retry-After", std::to_string(std::max(1, st.retry_after_s)));
    return std::nullopt;
  }
  if (!no_params(req, res)) return std::nullopt;

  auto check = validate_init_data(req.header(kInitDataHeader), s.opts.bot_token, now / 1000,
                                  s.opts.init_data_max_age_s);
  if (!check.ok()) {
    spdlog::info("web: {} refused from {}: {}", req.path, req.client, check.reason);
    api_error(res, 401, "invalid_init_data", check.reason);
    return std::nullopt;
  }
  std::string user_key = std::to_string(check.user.id);
  if (!s.per_user.allow(user_key, now)) {
    too_many(res, s.per_user.retry_after_s(user_key, now), "too many files requested; wait a minute");
    return std::nullopt;
  }
  return check.user.id;
}

void deliver_route(WebServer::State& s, const Request& req, Response& res) {
  auto user_id = mini_app_user(s, req, res, s.delivery != nullptr);
  if (!user_id) return;

  auto body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return api_error(res, 400, "invalid_body", "the body must be a JSON object like {\"variant_id\": 123}");
  for (const auto& [k, v] : body.items())
    if (k != "variant_id") return api_error(res, 400, "invalid_body", "unknown field '" + k.substr(0, 64) + "'");
  auto vid = body.find("variant_id");
  if (vid == body.end() || !vid->is_number_integer() || vid->get<std::int64_t>() <= 0 ||
      vid->get<std::int64_t>() > (1LL << 53))
    return api_error(res, 400, "invalid_body", "variant_id must be a positive integer");
  std::int64_t variant_id = vid->get<std::int64_t>();
  {
    auto db = s.pool.acquire();
    auto a = variant_availability(*db, variant_id);
    if (a == VariantAvailability::Missing)
      return api_error(res, 404, "not_found", "no variant with id " + std::to_string(variant_id));
    if (a == VariantAvailability::NotAvailable)
      return api_error(res, 409, "not_available", "this quality is not stored in Telegram yet");
  }

  DeliveryRequest dr;
  dr.user_id = *user_id;
  dr.chat_id = *user_id;  // the bot's private chat with the user has the user's id
  dr.variant_id = variant_id;
  dr.via = "mini_app";
  DeliveryResult r = s.delivery->deliver(dr);
  json ok = {{"status", outcome_name(r.outcome)}, {"variant_id", variant_id}, {"parts_sent", r.parts_sent}};
  switch (r.outcome) {
    case DeliveryResult::Outcome::Sent:
    case DeliveryResult::Outcome::FallbackCopy: return api_json(res, ok);
    case DeliveryResult::Outcome::NotAvailable:
      return api_error(res, 409, "not_available", r.message.empty() ? "this file is not available" : r.message);
    case DeliveryResult::Outcome::RateLimited:
      return too_many(res, 60, r.message.empty() ? "daily limit reached; try again later" : r.message);
    case DeliveryResult::Outcome::Failed:
      return api_error(res, 502, "delivery_failed",
                       r.message.empty() ? "the bot could not send the file; try again" : r.message);
  }
}


// POST /api/v1/deliver_season {"title_id": 12, "season": 1, "quality": "1080P"?}: the bot
// sends every stored episode of the season into the user's chat, in the background.
void deliver_season_route(WebServer::State& s, const Request& req, Response& res) {
  auto user_id = mini_app_user(s, req, res, s.seasons != nullptr);
  if (!user_id) return;
  auto body = json::parse(req.body, nullptr, false);
  const char* shape = "the body must be a JSON object like {\"title_id\": 12, \"season\": 1, \"quality\": \"1080P\"}";
  if (body.is_discarded() || !body.is_object()) return api_error(res, 400, "invalid_body", shape);
  for (const auto& [k, v] : body.items())
    if (k != "title_id" && k != "season" && k != "quality")
      return api_error(res, 400, "invalid_body", "unknown field '" + k.substr(0, 64) + "'");
  auto t = body.find("title_id");
  auto n = body.find("season");
  if (t == body.end() || !t->is_number_integer() || t->get<std::int64_t>() <= 0 || t->get<std::int64_t>() > (1LL << 53))
    return api_error(res, 400, "invalid_body", "title_id must be a positive integer");
  if (n == body.end() || !n->is_number_integer() || n->get<std::int64_t>() < 0 || n->get<std::int64_t>() > 9999)
    return api_error(res, 400, "invalid_body", "season must be an integer from 0 to 9999");
  bot::SeasonRef ref{t->get<std::int64_t>(), n->get<int>(), ""};
  if (auto q = body.find("quality"); q != body.end()) {
    if (!q->is_string() || !quality_from_label(q->get<std::string>()))
      return api_error(res, 400, "invalid_body", "quality must be one of 2160P, 1440P, 1080P, 720P, 576P, 480P, UNKNOWN");
    ref.quality = q->get<std::string>();
  }
  auto r = s.seasons->request_season(bot::SeasonAsk{*user_id, *user_id, ref, "mini_app"});
  json ok = {{"send_id", r.send_id}, {"title_id", ref.title_id}, {"season", ref.season},
             {"episodes", r.episodes}, {"parts", r.parts}, {"remaining", r.remaining}};
  switch (r.outcome) {
    case bot::SeasonStart::Outcome::Started:
    case bot::SeasonStart::Outcome::Resumed:
      ok["status"] = r.outcome == bot::SeasonStart::Outcome::Started ? "started" : "resumed";
      send_json(res, 202, ok);  // accepted: the albums follow in the chat
      set_security_headers(res, PageKind::Api);
      return;
    case bot::SeasonStart::Outcome::NotAvailable:
      return api_error(res, 404, "not_found", "no stored episode of season " + std::to_string(ref.season) +
                                                  " of title " + std::to_string(ref.title_id));
    case bot::SeasonStart::Outcome::RateLimited:
      return too_many(res, 60, r.message.empty() ? "daily limit reached; try again later" : r.message);
    case bot::SeasonStart::Outcome::Unavailable:
      return api_error(res, 503, "delivery_unavailable", "the bot cannot send now; try again in a minute");
  }
}

}  // namespace

void add_api_routes(WebServer::State& s) {
  auto bind = [&s](void (*f)(WebServer::State&, const Request&, Response&)) {
    return [&s, f](const Request& req, Response& res) { f(s, req, res); };
  };
  RouteOptions titles_options;
  titles_options.io_first = [&s](const Request& req, Response& res) { return list_titles_cached(s, req, res); };
  s.routes.get("/api/v1/titles", bind(list_titles_route), titles_options);
  s.routes.get(R"(/api/v1/titles/([^/]{1,32}))", bind(title_route));
  s.routes.get(R"(/api/v1/variants/([^/]{1,32})/objects)", bind(objects_route));
  s.routes.get("/api/v1/facets", bind(facets_route));
  s.routes.get("/api/v1/health", bind(health_route));
  s.routes.post("/api/v1/deliver", bind(deliver_route));
  s.routes.post("/api/v1/deliver_season", bind(deliver_season_route));
}

}  // namespace cmup::web
