// TDLib's JSON interface (td_json_client.h) behind a small interface, so that cmup runs
// without libtdjson.so when no account uses TDLib, and tests can replay scripted sequences.
//
// Contract: the four calls mirror td_create_client_id / td_send / td_receive / td_execute.
// receive() returns the next incoming object for any client of this library (each carries
// "@client_id"), or nullopt when `timeout_s` passes; the text is copied, so it outlives the
// next call. TDLib forbids concurrent td_receive calls; TdRouter (td_client.hpp) serializes
// them, so use the TdJson through it. load_tdjson() dlopens the library once per path for
// the whole process, sets TDLib's log to errors only, and throws std::runtime_error naming
// the path and the config key when it cannot be loaded or lacks a function.
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace cmup {

class TdJson {
 public:
  virtual ~TdJson() = default;
  virtual int create_client_id() = 0;
  virtual void send(int client_id, const std::string& request) = 0;
  virtual std::optional<std::string> receive(double timeout_s) = 0;
  virtual std::string execute(const std::string& request) = 0;
};

std::shared_ptr<TdJson> load_tdjson(const std::string& path);

}  // namespace cmup
