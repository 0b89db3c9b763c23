#include "db/job_state.hpp"

#include <stdexcept>

namespace cmup {

const char* state_name(JobState s) {
  for (const auto& i : kJobStates)
    if (i.state == s) return i.name;
  return "unknown";
}

std::optional<JobState> parse_state(std::string_view s) {
  for (const auto& i : kJobStates)
    if (s == i.name) return i.state;
  return std::nullopt;
}

const char* event_name(JobEvent e) {
  switch (e) {
    case JobEvent::Claim:
      return "claim";
    case JobEvent::RetakeOwn:
      return "retake_own";
    case JobEvent::LeaseExpired:
      return "lease_expired";
    case JobEvent::Complete:
      return "complete";
    case JobEvent::FailRetry:
      return "fail_retry";
    case JobEvent::FailDead:
      return "fail_dead";
    case JobEvent::Release:
      return "release";
    case JobEvent::OperatorRequeue:
      return "operator_requeue";
  }
  return "unknown";
}

bool transition_allowed(JobState from, JobState to, JobEvent event) {
  for (const auto& t : kJobTransitions)
    if (t.from == from && t.to == to && t.event == event) return true;
  return false;
}

const char* source_state_name(SourceState s) {
  for (const auto& [st, name] : kSourceStates)
    if (st == s) return name;
  return "unknown";
}

std::optional<SourceState> parse_source_state(std::string_view s) {
  for (const auto& [st, name] : kSourceStates)
    if (s == name) return st;
  return std::nullopt;
}

std::string sql_literal(JobState s) { return std::string("'") + state_name(s) + "'"; }
std::string sql_literal(SourceState s) { return std::string("'") + source_state_name(s) + "'"; }

namespace {

std::optional<std::string> literal_of(std::string_view token) {
  if (auto st = parse_state(token)) return sql_literal(*st);
  constexpr std::string_view kSource = "source_";
  if (token.substr(0, kSource.size()) == kSource)
    if (auto st = parse_source_state(token.substr(kSource.size()))) return sql_literal(*st);
  return std::nullopt;
}

}  // namespace

std::string state_sql(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  std::size_t pos = 0;
  while (pos < sql.size()) {
    auto open = sql.find('{', pos);
    if (open == std::string_view::npos) break;
    auto close = sql.find('}', open);
    if (close == std::string_view::npos)
      throw std::logic_error("state_sql: '{' without '}' in: " + std::string(sql));
    out.append(sql, pos, open - pos);
    auto name = sql.substr(open + 1, close - open - 1);
    auto literal = literal_of(name);
    if (!literal)
      throw std::logic_error("state_sql: {" + std::string(name) +
                             "} is not a job or source state, in: " + std::string(sql));
    out += *literal;
    pos = close + 1;
  }
  out.append(sql, pos);
  return out;
}

}  // namespace cmup
