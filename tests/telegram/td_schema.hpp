// TDLib's td_api schema, read from the TypeScript definitions npm's @prebuilt-tdlib/types
// ships (tdlib-types.d.ts, installed by scripts/install-tdlib), and checks of JSON objects
// against it; plus a check of a request against the real library's own JSON parser.
//
// Contract: TdSchema::load throws std::runtime_error when the file cannot be read or holds
// no classes. check_request() / check_object() return one line per problem ("sendMessage.
// input_message_content.video.widht: inputVideo has no field 'widht'"), empty when the
// object matches: the class exists (a function for requests, an object TDLib sends for
// check_object), every field exists in it, and every value has the field's type (number,
// int64 as number or string, string, boolean, array, or an object whose @type is the
// field's class or a member of its union). Fields may be left out (TDLib uses defaults).
// probe_with_parser() asks libtdjson itself (td_execute, which parses before it refuses an
// asynchronous method): the request must parse, and giving each field a value of the wrong
// type must make the parser fail, which proves the field exists in that library's schema
// (TDLib ignores unknown fields silently). Not thread-safe; read-only after load.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "telegram/td_json.hpp"

namespace cmup::test {

class TdSchema {
 public:
  static TdSchema load(const std::filesystem::path& d_ts);
  const std::string& version() const { return version_; }  // "1.8.65", from the file's header
  std::vector<std::string> check_request(const nlohmann::json& request) const;
  std::vector<std::string> check_object(const nlohmann::json& object) const;
  bool has_function(const std::string& name) const { return functions_.count(name) > 0; }
  std::size_t class_count() const { return objects_.size() + inputs_.size() + functions_.size(); }

 private:
  using Fields = std::map<std::string, std::string>;  // field -> TypeScript type
  void check_fields(const nlohmann::json& obj, const std::string& cls, const Fields& fields, bool input,
                    const std::string& path, std::vector<std::string>& out) const;
  void check_value(const nlohmann::json& v, std::string type, bool input, const std::string& path,
                   std::vector<std::string>& out) const;

  std::string version_;
  std::map<std::string, Fields> objects_;                // what TDLib sends
  std::map<std::string, Fields> inputs_;                 // X$Input: what it accepts inside requests
  std::map<std::string, Fields> functions_;              // requests
  std::map<std::string, std::set<std::string>> unions_;  // "InputFile$Input" -> {"inputFileLocal", ...}
};

std::vector<std::string> probe_with_parser(TdJson& lib, const nlohmann::json& request);

}  // namespace cmup::test
