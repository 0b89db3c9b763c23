#include "queue/job_json.hpp"

namespace cmup {

using nlohmann::json;

namespace {

// at() with a type check, so "42" where a number belongs is a 400, not a silent 0.
template <typename T>
T req(const json& j, const char* key) {
  return j.at(key).get<T>();
}
template <typename T>
T opt(const json& j, const char* key, T def) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return def;
  return it->get<T>();
}

void require_object(const json& j) {
  if (!j.is_object()) throw json::type_error::create(302, "expected a JSON object", &j);
}

}  // namespace

json part_to_json(const StoredPart& p) {
  return {{"part_no", p.part_no},       {"part_count", p.part_count},   {"account", p.account},
          {"channel_id", p.channel_id}, {"message_id", p.message_id},   {"file_id", p.file_id},
          {"file_unique_id", p.file_unique_id}, {"file_name", p.file_name}, {"size_bytes", p.size_bytes},
          {"duration_s", p.duration_s}, {"width", p.width},             {"height", p.height},
          {"mime_type", p.mime_type}};
}

StoredPart part_from_json(const json& j) {
  require_object(j);
  StoredPart p;
  p.part_no = req<int>(j, "part_no");
  p.part_count = req<int>(j, "part_count");
  p.account = opt<std::string>(j, "account", "");
  p.channel_id = req<std::int64_t>(j, "channel_id");
  p.message_id = req<std::int64_t>(j, "message_id");
  p.file_id = req<std::string>(j, "file_id");
  p.file_unique_id = req<std::string>(j, "file_unique_id");
  p.file_name = req<std::string>(j, "file_name");
  p.size_bytes = req<std::int64_t>(j, "size_bytes");
  p.duration_s = opt<double>(j, "duration_s", 0);
  p.width = opt<int>(j, "width", 0);
  p.height = opt<int>(j, "height", 0);
  p.mime_type = opt<std::string>(j, "mime_type", "");
  return p;
}

json job_to_json(const Job& j) {
  json sources = json::array();
  for (const auto& s : j.sources)
    sources.push_back({{"source_id", s.source_id}, {"url", s.url}, {"quality", s.quality},
                       {"container", s.container}, {"size_bytes", s.size_bytes}, {"failures", s.failures}});
  json parts = json::array();
  for (const auto& p : j.stored_parts) parts.push_back(part_to_json(p));
  json prior = json::array();
  for (const auto& p : j.prior_uploads)
    prior.push_back({{"attempt_id", p.attempt_id}, {"nonce", p.nonce}, {"channel_id", p.channel_id},
                     {"after_message_id", p.after_message_id}});
  return {{"variant_id", j.variant_id},
          {"coded_name", j.coded_name},
          {"kind", j.kind},
          {"quality", j.quality},
          {"lease_token", j.lease_token},
          {"lease_expires_at", j.lease_expires_at},
          {"attempt_id", j.attempt_id},
          {"nonce", j.nonce},
          {"attempts", j.attempts},
          {"channel_id", j.channel_id ? json(*j.channel_id) : json(nullptr)},
          {"channel_last_message_id", j.channel_last_message_id},
          {"previous_nonces", j.previous_nonces},
          {"prior_uploads", prior},
          {"sources", sources},
          {"stored_parts", parts}};
}

Job job_from_json(const json& j) {
  require_object(j);
  Job r;
  r.variant_id = req<std::int64_t>(j, "variant_id");
  r.coded_name = req<std::string>(j, "coded_name");
  r.kind = req<std::string>(j, "kind");
  r.quality = req<std::string>(j, "quality");
  r.lease_token = req<std::string>(j, "lease_token");
  r.lease_expires_at = req<std::int64_t>(j, "lease_expires_at");
  r.attempt_id = req<std::int64_t>(j, "attempt_id");
  r.nonce = req<std::string>(j, "nonce");
  r.attempts = req<int>(j, "attempts");
  if (j.contains("channel_id") && !j.at("channel_id").is_null()) r.channel_id = j.at("channel_id").get<std::int64_t>();
  r.channel_last_message_id = opt<std::int64_t>(j, "channel_last_message_id", 0);
  r.previous_nonces = opt<std::vector<std::string>>(j, "previous_nonces", {});
  for (const auto& p : j.value("prior_uploads", json::array()))
    r.prior_uploads.push_back({req<std::int64_t>(p, "attempt_id"), req<std::string>(p, "nonce"),
                               req<std::int64_t>(p, "channel_id"), req<std::int64_t>(p, "after_message_id")});
  for (const auto& s : j.value("sources", json::array())) {
    JobSource src;
    src.source_id = req<std::int64_t>(s, "source_id");
    src.url = req<std::string>(s, "url");
    src.quality = opt<std::string>(s, "quality", "");
    src.container = opt<std::string>(s, "container", "");
    src.size_bytes = opt<std::int64_t>(s, "size_bytes", 0);
    src.failures = opt<int>(s, "failures", 0);
    r.sources.push_back(std::move(src));
  }
  for (const auto& p : j.value("stored_parts", json::array())) r.stored_parts.push_back(part_from_json(p));
  return r;
}

json progress_to_json(const Progress& p) {
  return {{"stage", p.stage},     {"bytes_done", p.bytes_done}, {"bytes_total", p.bytes_total},
          {"rate_bps", p.rate_bps}, {"eta_s", p.eta_s},         {"part_no", p.part_no},
          {"part_count", p.part_count}};
}

Progress progress_from_json(const json& j) {
  require_object(j);
  Progress p;
  p.stage = req<std::string>(j, "stage");
  p.bytes_done = opt<std::int64_t>(j, "bytes_done", 0);
  p.bytes_total = opt<std::int64_t>(j, "bytes_total", 0);
  p.rate_bps = opt<double>(j, "rate_bps", 0);
  p.eta_s = opt<double>(j, "eta_s", -1);
  p.part_no = opt<int>(j, "part_no", 0);
  p.part_count = opt<int>(j, "part_count", 0);
  return p;
}

json lease_to_json(const LeaseRef& l) {
  return {{"variant_id", l.variant_id}, {"token", l.token}, {"attempt_id", l.attempt_id}};
}

LeaseRef lease_from_json(const json& j) {
  require_object(j);
  return {req<std::int64_t>(j, "variant_id"), req<std::string>(j, "token"), req<std::int64_t>(j, "attempt_id")};
}

json worker_to_json(const WorkerInfo& w) {
  return {{"worker_id", w.worker_id}, {"account", w.account}, {"host", w.host},
          {"backend", w.backend},     {"kind", w.kind},       {"max_upload_bytes", w.max_upload_bytes}};
}

WorkerInfo worker_from_json(const json& j) {
  require_object(j);
  WorkerInfo w;
  w.worker_id = req<std::string>(j, "worker_id");
  w.account = req<std::string>(j, "account");
  w.host = opt<std::string>(j, "host", "");
  w.backend = opt<std::string>(j, "backend", "botapi");
  w.kind = opt<std::string>(j, "kind", "local_bot");
  w.max_upload_bytes = opt<std::int64_t>(j, "max_upload_bytes", 0);
  return w;
}

namespace {
json failures_to_json(const std::vector<SourceFailure>& v) {
  json failures = json::array();
  for (const auto& s : v) failures.push_back({{"source_id", s.source_id}, {"reason", s.reason}});
  return failures;
}
std::vector<SourceFailure> failures_from_json(const json& j) {
  std::vector<SourceFailure> out;
  auto it = j.find("source_failures");
  if (it == j.end() || it->is_null()) return out;
  for (const auto& s : *it) out.push_back({req<std::int64_t>(s, "source_id"), req<std::string>(s, "reason")});
  return out;
}
}  // namespace

json complete_to_json(const CompleteInfo& c) {
  return {{"path", c.path},
          {"source_failures", failures_to_json(c.source_failures)},
          {"source_id", c.source_id},
          {"probed_quality", c.probed_quality ? json(*c.probed_quality) : json(nullptr)},
          {"bytes_moved", c.bytes_moved}};
}

CompleteInfo complete_from_json(const json& j) {
  require_object(j);
  CompleteInfo c;
  c.path = req<std::string>(j, "path");
  c.source_id = opt<std::int64_t>(j, "source_id", 0);
  if (j.contains("probed_quality") && !j.at("probed_quality").is_null())
    c.probed_quality = j.at("probed_quality").get<std::string>();
  c.bytes_moved = opt<std::int64_t>(j, "bytes_moved", 0);
  c.source_failures = failures_from_json(j);
  return c;
}

json fail_to_json(const FailInfo& f) {
  return {{"error", f.error},         {"source_failures", failures_to_json(f.source_failures)}, {"retryable", f.retryable},
          {"path", f.path},           {"source_id", f.source_id},    {"channel_failure", f.channel_failure},
          {"bytes_moved", f.bytes_moved}};
}

FailInfo fail_from_json(const json& j) {
  require_object(j);
  FailInfo f;
  f.error = req<std::string>(j, "error");
  f.source_failures = failures_from_json(j);
  f.retryable = opt<bool>(j, "retryable", true);
  f.path = opt<std::string>(j, "path", "");
  f.source_id = opt<std::int64_t>(j, "source_id", 0);
  f.channel_failure = opt<std::int64_t>(j, "channel_failure", 0);
  f.bytes_moved = opt<std::int64_t>(j, "bytes_moved", 0);
  return f;
}

json fail_result_to_json(const FailResult& r) {
  return {{"state", state_name(r.state)}, {"next_attempt_at", r.next_attempt_at}, {"dead_reason", r.dead_reason}};
}

FailResult fail_result_from_json(const json& j) {
  require_object(j);
  FailResult r;
  auto st = parse_state(req<std::string>(j, "state"));
  r.state = st.value_or(JobState::Retrying);
  r.next_attempt_at = opt<std::int64_t>(j, "next_attempt_at", 0);
  r.dead_reason = opt<std::string>(j, "dead_reason", "");
  return r;
}

}  // namespace cmup
