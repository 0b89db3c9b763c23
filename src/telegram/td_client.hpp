// One TDLib client (one user account) over the JSON interface.
//
// Contract: request() sends a query tagged with a fresh "@extra", waits up to timeout_s for
// the answer carrying the same tag and returns it; an answer of type "error" throws TdError
// (code, message); no answer in time throws TdError with code 0. Updates for this client
// that arrive meanwhile are not lost: the ones cmup acts on (authorization state, file
// progress, message send results) are queued for next_update(); others (chat lists, users)
// are dropped, so the queue stays small. The client remembers the last authorization state
// and the library version (from updateOption "version"), and the connection state
// (updateConnectionState), so a caller can tell "Telegram is slow" from "cannot connect".
// close() sends `close` and waits (bounded) for authorizationStateClosed; the destructor
// does the same for a client that was used and not closed yet, so every path that leaves a
// client (errors included) lets TDLib stop its work on it before the process may exit: a
// process that exits while TDLib still tears a session down crashes inside TDLib.
// Several TdClients (accounts) may share one TdJson in one process, each used by its own
// thread: a process-wide router lets one thread at a time call td_receive and hands every
// object to the client it belongs to (by "@client_id").
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "telegram/td_json.hpp"

namespace cmup {

class TdError : public std::runtime_error {
 public:
  TdError(int code, const std::string& message)
      : std::runtime_error("TDLib error " + std::to_string(code) + ": " + message),
        code(code),
        message(message) {}
  int code;  // 0 = no answer in time
  std::string message;
};

// The string field `key` of a TDLib object, or `fallback` when `o` is not an object or the
// field is absent or not a string (TDLib's objects are read, never trusted to be well-typed).
std::string td_string(const nlohmann::json& o, const char* key, const std::string& fallback = "");

class TdClient {
 public:
  explicit TdClient(std::shared_ptr<TdJson> api);
  ~TdClient();
  TdClient(const TdClient&) = delete;
  TdClient& operator=(const TdClient&) = delete;

  nlohmann::json request(nlohmann::json query, double timeout_s = 30);
  // Like request(), and while no answer has come calls waiting(seconds since sent) about
  // every tick_s; waiting() may throw to give up (the answer, when it comes, is dropped).
  nlohmann::json request(nlohmann::json query, double timeout_s, const std::function<void(double)>& waiting,
                         double tick_s = 1.0);
  // Sends `close` and waits up to timeout_s for authorizationStateClosed. Returns true when
  // the client is closed (or was never started); never throws. Idempotent.
  bool close(double timeout_s = 10) noexcept;
  // Next queued update of interest, or nullopt after timeout_s.
  std::optional<nlohmann::json> next_update(double timeout_s);
  // Synchronous methods (td_execute), e.g. setLogVerbosityLevel.
  nlohmann::json execute(const nlohmann::json& query);

  const std::string& version() const { return version_; }
  // "@type" of the last authorization state seen, e.g. "authorizationStateReady"; empty before any.
  const std::string& auth_state() const { return auth_state_; }
  const nlohmann::json& auth_state_object() const { return auth_state_obj_; }
  // Bumped on every authorization state update: lets a caller wait for the *next* state.
  std::uint64_t auth_changes() const { return auth_changes_; }
  // "@type" of the last connection state, e.g. "connectionStateConnecting"; empty before any.
  const std::string& connection_state() const { return connection_state_; }
  // Waits until an authorization state update newer than `seen` arrives (false on timeout).
  bool wait_auth_change(std::uint64_t seen, double timeout_s);
  int id() const { return id_; }

 private:
  // Receives for up to timeout_s; returns true if something for this client arrived.
  bool pump(double timeout_s);
  void absorb(nlohmann::json obj);

  std::shared_ptr<TdJson> api_;
  int id_ = 0;
  std::uint64_t next_extra_ = 1;
  std::deque<nlohmann::json> answers_;
  std::deque<nlohmann::json> updates_;
  std::string version_;
  std::string auth_state_;
  nlohmann::json auth_state_obj_;
  std::uint64_t auth_changes_ = 0;
  std::string connection_state_;
  bool started_ = false;  // something was sent: TDLib runs a client from its first request
};

}  // namespace cmup
