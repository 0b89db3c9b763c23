#include "td_schema.hpp"

#include <fstream>
#include <regex>
#include <stdexcept>

namespace cmup::test {

using nlohmann::json;

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string strip_input(const std::string& s) {
  return ends_with(s, "$Input") ? s.substr(0, s.size() - 6) : s;
}

bool skipped_key(const std::string& k) { return k == "@type" || k == "@extra" || k == "@client_id"; }

}  // namespace

TdSchema TdSchema::load(const std::filesystem::path& d_ts) {
  std::ifstream in(d_ts);
  if (!in)
    throw std::runtime_error("cannot read the TDLib schema " + d_ts.string() +
                             ": run scripts/install-tdlib (it installs @prebuilt-tdlib/types)");
  TdSchema s;
  static const std::regex header(R"(^// Types for TDLib v([0-9.]+))");
  static const std::regex open_class(R"(^  export type ([A-Za-z0-9_$]+) = \{$)");
  static const std::regex open_union(R"(^  export type ([A-Za-z0-9_$]+) =$)");
  static const std::regex kind(R"(^    (readonly )?_: '([A-Za-z0-9_]+)',$)");
  static const std::regex field(R"(^    (readonly )?([a-z_0-9]+)\??: (.+),$)");
  static const std::regex member(R"(^    \| ([A-Za-z0-9_$]+)$)");
  std::string line, cls, uni;
  Fields fields;
  bool readonly_kind = false;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, header)) {
      s.version_ = m[1];
    } else if (std::regex_match(line, m, open_class)) {
      cls = m[1];
      fields.clear();
      readonly_kind = false;
      uni.clear();
    } else if (!cls.empty() && line == "  }") {
      if (ends_with(cls, "$Input"))
        s.inputs_[strip_input(cls)] = fields;
      else if (readonly_kind)
        s.functions_[cls] = fields;
      else
        s.objects_[cls] = fields;
      cls.clear();
    } else if (!cls.empty() && std::regex_match(line, m, kind)) {
      readonly_kind = m[1].matched;
    } else if (!cls.empty() && std::regex_match(line, m, field)) {
      fields[m[2]] = m[3];
    } else if (std::regex_match(line, m, open_union)) {
      uni = m[1];
    } else if (!uni.empty() && std::regex_match(line, m, member)) {
      s.unions_[uni].insert(strip_input(m[1]));
    } else if (line.empty() || line.rfind("  export", 0) == 0) {
      uni.clear();
    }
  }
  if (s.functions_.empty() || s.objects_.empty())
    throw std::runtime_error(d_ts.string() + " holds no TDLib classes: not the tdlib-types.d.ts expected");
  return s;
}

void TdSchema::check_value(const json& v, std::string type, bool input, const std::string& path,
                           std::vector<std::string>& out) const {
  auto bad = [&](const std::string& want) {
    out.push_back(path + ": expected " + want + " (" + type + "), got " + v.dump());
  };
  for (const char* arr : {"ReadonlyArray<", "Array<"}) {
    if (type.rfind(arr, 0) == 0 && ends_with(type, ">")) {
      if (!v.is_array()) return bad("an array");
      std::string inner = type.substr(std::string(arr).size(), type.size() - std::string(arr).size() - 1);
      for (std::size_t i = 0; i < v.size(); ++i)
        check_value(v[i], inner, input, path + "[" + std::to_string(i) + "]", out);
      return;
    }
  }
  if (type == "number") {
    if (!v.is_number()) bad("a number");
    return;
  }
  if (type == "number | string") {  // int64
    if (!v.is_number_integer() && !v.is_string()) bad("an int64");
    return;
  }
  if (type.rfind("string", 0) == 0) {  // string, string /* base64 */, string /* int64 */
    if (!v.is_string()) bad("a string");
    return;
  }
  if (type == "boolean") {
    if (!v.is_boolean()) bad("a boolean");
    return;
  }
  if (v.is_null()) return;  // an absent object
  if (!v.is_object() || !v.contains("@type") || !v["@type"].is_string()) return bad("an object with @type");
  const std::string got = v["@type"];
  const std::string cls = strip_input(type);
  const auto& classes = input ? inputs_ : objects_;
  if (auto u = unions_.find(type); u != unions_.end()) {
    if (!u->second.count(got)) return out.push_back(path + ": " + got + " is not one of " + cls);
  } else if (got != cls) {
    return out.push_back(path + ": expected a " + cls + ", got a " + got);
  }
  auto c = classes.find(got);
  if (c == classes.end()) return out.push_back(path + ": no class " + got + " in the schema");
  check_fields(v, got, c->second, input, path, out);
}

void TdSchema::check_fields(const json& obj, const std::string& cls, const Fields& fields, bool input,
                            const std::string& path, std::vector<std::string>& out) const {
  for (const auto& [k, v] : obj.items()) {
    if (skipped_key(k)) continue;
    auto f = fields.find(k);
    if (f == fields.end()) {
      out.push_back(path + "." + k + ": " + cls + " has no field '" + k + "' (TDLib " + version_ +
                    " schema)");
      continue;
    }
    check_value(v, f->second, input, path + "." + k, out);
  }
}

std::vector<std::string> TdSchema::check_request(const json& request) const {
  std::vector<std::string> out;
  const std::string type = request.value("@type", "");
  auto f = functions_.find(type);
  if (f == functions_.end())
    return {"request " + type + ": no such function in the TDLib " + version_ + " schema"};
  check_fields(request, type, f->second, true, type, out);
  return out;
}

std::vector<std::string> TdSchema::check_object(const json& object) const {
  std::vector<std::string> out;
  const std::string type = object.value("@type", "");
  auto c = objects_.find(type);
  if (c == objects_.end()) return {"object " + type + ": no such class in the TDLib " + version_ + " schema"};
  check_fields(object, type, c->second, false, type, out);
  return out;
}

namespace {

bool parse_failed(const std::string& answer) {
  return answer.find("Failed to parse JSON object") != std::string::npos;
}

// Every key path of the object's fields (not "@type"), objects first-to-last, depth-first.
void field_paths(const json& v, const json::json_pointer& at, std::vector<json::json_pointer>& out) {
  if (!v.is_object()) return;
  for (const auto& [k, child] : v.items()) {
    if (skipped_key(k)) continue;
    out.push_back(at / k);
    field_paths(child, at / k, out);
  }
}

}  // namespace

std::vector<std::string> probe_with_parser(TdJson& lib, const json& request) {
  std::vector<std::string> out;
  const std::string type = request.value("@type", "?");
  std::string answer = lib.execute(request.dump());
  if (parse_failed(answer)) return {type + ": the real parser refused it: " + answer};
  std::vector<json::json_pointer> paths;
  field_paths(request, json::json_pointer(), paths);
  for (const auto& p : paths) {
    json probe = request;
    // A value of the wrong type: an object where a scalar or array goes, a boolean where an
    // object goes. A field the parser knows fails; one it does not know is ignored.
    const json& current = request.at(p);
    probe[p] = current.is_object() || current.is_null() ? json(true) : json{{"@type", "cmupProbe"}};
    answer = lib.execute(probe.dump());
    if (!parse_failed(answer))
      out.push_back(type + p.to_string() +
                    ": the real library ignores this field (not in its schema); it answered " + answer);
  }
  return out;
}

}  // namespace cmup::test
