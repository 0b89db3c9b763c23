// TDLib authorization: drives a TdClient from its first state to authorizationStateReady.
//
//   WaitTdlibParameters -> setTdlibParameters (api_id/api_hash, database in the account's dir)
//   [WaitEncryptionKey (TDLib < 1.8.6) -> checkDatabaseEncryptionKey ""]
//   WaitPhoneNumber -> setAuthenticationPhoneNumber      (asks the prompt)
//   WaitCode        -> checkAuthenticationCode           (asks the prompt; wrong code: ask again)
//   WaitPassword    -> checkAuthenticationPassword       (asks the prompt; wrong password: ask again)
//   Ready           -> done
//   WaitRegistration, WaitEmail*, Closing/Closed/LoggingOut -> TdAuthError saying what to do
//
// Contract: authorize() returns once the client is Ready. With no prompt (a worker), any
// state that needs a person throws TdAuthError telling the operator to run
// `cmup account login NAME`. Answers typed into the prompt are sent to TDLib only, never
// logged. prepare_account_dir() creates the session directory with mode 0700.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "telegram/td_client.hpp"

namespace cmup {

class TdAuthError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TdlibParameters {
  std::string account;
  std::filesystem::path database_directory;  // <data_dir>/accounts/<name>
  std::int64_t api_id = 0;
  std::string api_hash;
  bool use_test_dc = false;
};

class TdAuthPrompt {
 public:
  virtual ~TdAuthPrompt() = default;
  virtual std::string phone_number() = 0;
  virtual std::string code(const std::string& how_sent) = 0;
  virtual std::string password(const std::string& hint) = 0;
  // Tells the person what happened (e.g. "wrong code, try again").
  virtual void say(const std::string& line) = 0;
};

void prepare_account_dir(const std::filesystem::path& dir);
void authorize(TdClient& client, const TdlibParameters& params, TdAuthPrompt* prompt, double timeout_s = 120);

}  // namespace cmup
