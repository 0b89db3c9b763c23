#include "telegram/td_auth.hpp"

#include <sys/stat.h>

#include <chrono>

#include "util/log.hpp"

namespace cmup {

namespace {

using Clock = std::chrono::steady_clock;

nlohmann::json tdlib_parameters(const TdlibParameters& p) {
  nlohmann::json fields = {
      {"use_test_dc", p.use_test_dc},
      {"database_directory", p.database_directory.string()},
      {"files_directory", (p.database_directory / "files").string()},
      {"database_encryption_key", ""},
      {"use_file_database", true},
      {"use_chat_info_database", true},
      {"use_message_database", true},
      {"use_secret_chats", false},
      {"api_id", p.api_id},
      {"api_hash", p.api_hash},
      {"system_language_code", "en"},
      {"device_model", "cmup"},
      {"system_version", ""},
      {"application_version", CMUP_VERSION},
      {"enable_storage_optimizer", true},
  };
  // TDLib >= 1.8.6 takes the fields directly; older versions wanted them nested under
  // "parameters". TDLib ignores fields it does not know, so one query serves both.
  nlohmann::json q = fields;
  q["@type"] = "setTdlibParameters";
  q["parameters"] = fields;
  q["parameters"]["@type"] = "tdlibParameters";
  return q;
}

std::string code_delivery(const nlohmann::json& state) {
  if (state.contains("code_info") && state["code_info"].is_object()) {
    const auto& info = state["code_info"];
    std::string type =
        info.contains("type") && info["type"].is_object() ? info["type"].value("@type", "") : "";
    std::string phone = info.value("phone_number", "");
    if (type == "authenticationCodeTypeTelegramMessage") return "sent to your Telegram app on " + phone;
    if (type == "authenticationCodeTypeSms") return "sent by SMS to " + phone;
    if (!type.empty()) return "sent to " + phone + " (" + type + ")";
  }
  return "sent by Telegram";
}

std::string login_hint(const TdlibParameters& p) {
  return "account " + p.account + " is not logged in to Telegram: run `cmup account login " + p.account + "`";
}

}  // namespace

void prepare_account_dir(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  // The session in here is as good as the account's password: owner only.
  if (::chmod(dir.c_str(), 0700) != 0)
    throw std::runtime_error("cannot set mode 0700 on " + dir.string() + ": check the directory's owner");
}

void authorize(TdClient& client, const TdlibParameters& params, TdAuthPrompt* prompt, double timeout_s) {
  auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  auto left = [&] { return std::max(0.0, std::chrono::duration<double>(deadline - Clock::now()).count()); };
  if (client.auth_state().empty()) {
    // A TDLib client starts working at its first query; the answer to this one also tells
    // us the version before any state needs it.
    try {
      client.request({{"@type", "getOption"}, {"name", "version"}}, left());
    } catch (const TdError&) {
      // Older TDLib answers getOption only after parameters are set; the states still come.
    }
  }
  std::uint64_t handled = 0;
  int tries = 0;
  for (;;) {
    if (client.auth_changes() <= handled && !client.wait_auth_change(handled, left()))
      throw TdAuthError("account " + params.account + ": TDLib did not reach the next login step in " +
                        std::to_string(static_cast<int>(timeout_s)) +
                        " s (last state: " + client.auth_state() + ")");
    handled = client.auth_changes();
    const std::string state = client.auth_state();
    const nlohmann::json obj = client.auth_state_object();
    if (state == "authorizationStateReady") return;
    try {
      if (state == "authorizationStateWaitTdlibParameters") {
        if (params.api_id == 0 || params.api_hash.empty())
          throw TdAuthError("account " + params.account +
                            ": set api_id and api_hash (from my.telegram.org) in its [[accounts]] entry");
        client.request(tdlib_parameters(params), left());
      } else if (state == "authorizationStateWaitEncryptionKey") {
        client.request({{"@type", "checkDatabaseEncryptionKey"}, {"encryption_key", ""}}, left());
      } else if (state == "authorizationStateWaitPhoneNumber") {
        if (!prompt) throw TdAuthError(login_hint(params));
        client.request({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", prompt->phone_number()}},
                       left());
      } else if (state == "authorizationStateWaitCode") {
        if (!prompt) throw TdAuthError(login_hint(params));
        std::string code = prompt->code(code_delivery(obj));
        register_secret(code);
        client.request({{"@type", "checkAuthenticationCode"}, {"code", code}}, left());
      } else if (state == "authorizationStateWaitPassword") {
        if (!prompt) throw TdAuthError(login_hint(params));
        std::string password = prompt->password(obj.value("password_hint", ""));
        register_secret(password);
        client.request({{"@type", "checkAuthenticationPassword"}, {"password", password}}, left());
      } else if (state == "authorizationStateWaitRegistration") {
        throw TdAuthError(
            "account " + params.account +
            ": this phone number has no Telegram account; sign up in an official Telegram app first");
      } else if (state == "authorizationStateWaitEmailAddress" ||
                 state == "authorizationStateWaitEmailCode") {
        throw TdAuthError(
            "account " + params.account +
            ": Telegram asks for a login e-mail; finish that in an official app, then log in again");
      } else if (state == "authorizationStateClosed" || state == "authorizationStateClosing" ||
                 state == "authorizationStateLoggingOut") {
        throw TdAuthError("account " + params.account + ": the TDLib session is closed (" + state + "); " +
                          "run `cmup account login " + params.account + "`");
      }
      // Other states (WaitOtherDeviceConfirmation, ...) change by themselves or time out.
    } catch (const TdError& e) {
      // A wrong code or password leaves the state as it is: ask again, a few times.
      bool person = state == "authorizationStateWaitCode" || state == "authorizationStateWaitPassword" ||
                    state == "authorizationStateWaitPhoneNumber";
      if (!person || !prompt || ++tries >= 3)
        throw TdAuthError("account " + params.account + ": " + state + " failed: " + e.message);
      prompt->say("Telegram said: " + e.message + " - try again");
      handled = client.auth_changes() - 1;  // handle the same state once more
    }
  }
}

}  // namespace cmup
