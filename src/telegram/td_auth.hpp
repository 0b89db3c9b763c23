// TDLib authorization: drives a TdClient from its first state to authorizationStateReady.
//
//   (getOption version: refused below kTdlibMinVersion with a hint, td_requests.hpp)
//   WaitTdlibParameters -> setTdlibParameters (api_id/api_hash, database in the account's dir)
//   WaitPhoneNumber -> setAuthenticationPhoneNumber      (asks the prompt)
//   WaitCode        -> checkAuthenticationCode           (asks the prompt; wrong code: ask again)
//   WaitPassword    -> checkAuthenticationPassword       (asks the prompt; wrong password: ask again)
//   Ready           -> done
//   WaitRegistration, WaitEmail*, Closing/Closed/LoggingOut -> TdAuthError saying what to do
// TDLib asks for the parameters at every start (the session itself is kept in the database
// directory, so a logged-in account goes straight on to Ready, offline too).
//
// Contract: authorize() returns once the client is Ready. With no prompt (a worker), any
// state that needs a person throws TdAuthError telling the operator to run
// `cmup account login NAME`. Every wait is bounded: TDLib's answers and state changes by
// AuthLimits::step_timeout_s; a request that needs Telegram's servers fails with "cannot
// reach Telegram" when TDLib has not connected within connect_timeout_s. While waiting, the
// prompt hears what is going on (every progress_every_s). The time a person takes to type
// is not bounded. A prompt may throw (e.g. cancelled) to stop; the exception passes through.
// Answers typed into the prompt are sent to TDLib only, never logged.
// prepare_account_dir() creates the session directory with mode 0700.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

#include "telegram/td_client.hpp"
#include "telegram/td_requests.hpp"

namespace cmup {

class TdAuthError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TdAuthPrompt {
 public:
  virtual ~TdAuthPrompt() = default;
  virtual std::string phone_number() = 0;
  virtual std::string code(const std::string& how_sent) = 0;
  virtual std::string password(const std::string& hint) = 0;
  // Tells the person what happened (e.g. "wrong code, try again", "connecting to Telegram").
  virtual void say(const std::string& line) = 0;
};

struct AuthLimits {
  double step_timeout_s = 60;     // one answer or state change from TDLib
  double connect_timeout_s = 30;  // TDLib connecting to Telegram's servers
  double progress_every_s = 5;
  // Polled while waiting for Telegram (about every 0.5 s): true gives up with TdAuthError.
  std::function<bool()> cancelled;
};

void prepare_account_dir(const std::filesystem::path& dir);
void authorize(TdClient& client, const TdlibParameters& params, TdAuthPrompt* prompt,
               const AuthLimits& limits);
// Same, with every wait bounded by timeout_s.
void authorize(TdClient& client, const TdlibParameters& params, TdAuthPrompt* prompt, double timeout_s = 120);

// A request only Telegram's servers can answer (e.g. getChatMember, a login step): tells
// `prompt` (may be null) what it waits for every limits.progress_every_s, and throws
// TdAuthError "account A: cannot reach Telegram: ..." when TDLib has not connected within
// limits.connect_timeout_s; TdError as TdClient::request otherwise.
nlohmann::json request_from_telegram(TdClient& client, const nlohmann::json& query, const std::string& what,
                                     const std::string& account, TdAuthPrompt* prompt,
                                     const AuthLimits& limits);

// Asks the library its version (getOption "version") and refuses one older than
// kTdlibMinVersion (TdVersionError). Returns the version.
std::string check_client_version(TdClient& client, double timeout_s);

// "authorizationStateWaitPhoneNumber" -> "waiting for a phone number (not logged in)", etc.
std::string describe_auth_state(const std::string& state);
// "connectionStateConnecting" -> "connecting", etc.
std::string describe_connection_state(const std::string& state);

}  // namespace cmup
