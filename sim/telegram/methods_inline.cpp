// answerInlineQuery and the checks of inline results (inline_results.hpp).
#include <chrono>
#include <set>

#include "api_error.hpp"
#include "file_ids.hpp"
#include "inline_results.hpp"
#include "methods.hpp"
#include "posting.hpp"

namespace cmup::simtg {

using nlohmann::json;

std::int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

const char* file_field(const std::string& type) {
  if (type == "video") return "video_file_id";
  if (type == "document") return "document_file_id";
  return nullptr;
}

}  // namespace

InlineResultFile inline_result_file(Store& store, const BotInfo& bot, const json& r) {
  const std::string type = r.value("type", "");
  const char* field = file_field(type);
  if (!field) throw bad_request("unsupported inline query result type \"" + type + "\"");
  if (!r.contains(field) || !r[field].is_string()) throw bad_request(std::string("can't parse ") + field);
  const auto id = parse_file_id(r[field].get<std::string>());
  // A cached result names a file this bot received: another bot's id is refused, as in sends.
  if (!id || id->bot_id != bot.id || !store.st.files.count(id->file_seq))
    throw bad_request(text::kWrongFileId);
  InlineResultFile f{id->file_seq, "document"};
  if (type == "video") f.kind = video_kind(store, id->file_seq);
  return f;
}

void check_inline_results(Store& store, const BotInfo& bot, const json& results,
                          const std::string& next_offset) {
  if (!results.is_array()) throw bad_request("can't parse inline query results JSON object");
  if (results.size() > kMaxInlineResults) throw bad_request("RESULTS_TOO_MUCH");
  if (next_offset.size() > kMaxInlineNextOffsetBytes) throw bad_request("NEXT_OFFSET_INVALID");
  std::set<std::string> ids;
  for (const auto& r : results) {
    if (!r.is_object()) throw bad_request("can't parse inline query result");
    const std::string id = r.contains("id") && r["id"].is_string() ? r["id"].get<std::string>() : "";
    if (id.empty() || id.size() > kMaxInlineResultIdBytes) throw bad_request("RESULT_ID_INVALID");
    if (!ids.insert(id).second) throw bad_request("RESULT_ID_DUPLICATE");
    if (!r.contains("title") || !r["title"].is_string() || r["title"].get<std::string>().empty())
      throw bad_request("field \"title\" must be of type String");
    if (r.contains("caption")) {
      if (!r["caption"].is_string()) throw bad_request("field \"caption\" must be of type String");
      check_caption(r["caption"].get<std::string>());
    }
    inline_result_file(store, bot, r);
  }
}

json answer_inline_query(Sim& sim, const BotInfo& bot, Params& p) {
  const std::string qid = p.str("inline_query_id");
  const json results = p.json_value("results");
  const std::string next_offset = p.str("next_offset");
  std::lock_guard lk(sim.store.mu);
  auto it = sim.store.st.inline_queries.find(qid);
  if (it == sim.store.st.inline_queries.end() || it->second.bot_id != bot.id || it->second.answered ||
      steady_now_ms() - it->second.created_ms > kInlineAnswerWindowMs)
    throw bad_request("query is too old and response timeout expired or query ID is invalid");
  check_inline_results(sim.store, bot, results, next_offset);
  InlineQuery& q = it->second;
  q.answered = true;
  q.answer = {{"results", results},
              {"next_offset", next_offset},
              {"cache_time", p.int64("cache_time").value_or(300)},
              {"is_personal", p.boolean("is_personal")}};
  return true;
}

}  // namespace cmup::simtg
