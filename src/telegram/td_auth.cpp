#include "telegram/td_auth.hpp"

#include <sys/stat.h>

#include <chrono>
#include <cmath>

#include "util/log.hpp"

namespace cmup {

namespace {

std::string code_delivery(const nlohmann::json& state) {
  if (state.contains("code_info") && state["code_info"].is_object()) {
    const auto& info = state["code_info"];
    std::string type =
        info.contains("type") ? td_string(info["type"], "@type") : "";
    std::string phone = td_string(info, "phone_number");
    if (type == "authenticationCodeTypeTelegramMessage") return "sent to your Telegram app on " + phone;
    if (type == "authenticationCodeTypeSms") return "sent by SMS to " + phone;
    if (!type.empty()) return "sent to " + phone + " (" + type + ")";
  }
  return "sent by Telegram";
}

std::string login_hint(const TdlibParameters& p) {
  return "account " + p.account + " is not logged in to Telegram: run `cmup account login " + p.account + "`";
}

std::string seconds(double s) { return std::to_string(static_cast<long>(std::lround(s))) + " s"; }

}  // namespace

nlohmann::json request_from_telegram(TdClient& client, const nlohmann::json& query, const std::string& what,
                                     const std::string& account, TdAuthPrompt* prompt,
                                     const AuthLimits& limits) {
  double last_said = 0;
  auto waiting = [&](double elapsed) {
    if (limits.cancelled && limits.cancelled())
      throw TdAuthError("account " + account + ": cancelled while " + what);
    const std::string& conn = client.connection_state();
    if (conn != "connectionStateReady" && elapsed >= limits.connect_timeout_s)
      throw TdAuthError("account " + account + ": cannot reach Telegram: TDLib is still " +
                        describe_connection_state(conn) + " after " + seconds(elapsed) + " while " + what +
                        "; check this host's network (DNS, firewall, outgoing TCP to Telegram's data "
                        "centers on ports 443/80/5222), then run the command again");
    if (prompt && elapsed - last_said >= limits.progress_every_s) {
      last_said = elapsed;
      prompt->say("... still " + what + " (" + describe_connection_state(conn) + ", " + seconds(elapsed) +
                  ")");
    }
  };
  return client.request(query, limits.step_timeout_s, waiting, 0.5);
}

std::string describe_auth_state(const std::string& state) {
  if (state == "authorizationStateReady") return "logged in";
  if (state == "authorizationStateWaitTdlibParameters") return "starting (waiting for parameters)";
  if (state == "authorizationStateWaitPhoneNumber") return "not logged in (waiting for a phone number)";
  if (state == "authorizationStateWaitCode") return "login unfinished (waiting for the login code)";
  if (state == "authorizationStateWaitPassword") return "login unfinished (waiting for the 2FA password)";
  if (state == "authorizationStateWaitRegistration") return "phone number has no Telegram account";
  if (state == "authorizationStateClosed") return "closed";
  if (state == "authorizationStateClosing") return "closing";
  if (state == "authorizationStateLoggingOut") return "logging out";
  if (state.empty()) return "unknown (TDLib reported no state)";
  return state;
}

std::string describe_connection_state(const std::string& state) {
  if (state == "connectionStateReady") return "connected";
  if (state == "connectionStateConnecting") return "connecting to Telegram";
  if (state == "connectionStateConnectingToProxy") return "connecting to the proxy";
  if (state == "connectionStateUpdating") return "updating";
  if (state == "connectionStateWaitingForNetwork") return "waiting for a network";
  if (state.empty()) return "not connected yet";
  return state;
}

void prepare_account_dir(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  // The session in here is as good as the account's password: owner only.
  if (::chmod(dir.c_str(), 0700) != 0)
    throw std::runtime_error("cannot set mode 0700 on " + dir.string() + ": check the directory's owner");
}

std::string check_client_version(TdClient& client, double timeout_s) {
  std::string version = client.version();
  if (version.empty()) {
    // A TDLib client starts working at its first query; updateOption "version" comes first.
    auto answer = client.request(td::get_option("version"), timeout_s);
    version = client.version().empty() ? td_string(answer, "value") : client.version();
  }
  check_tdlib_version(version);
  return version;
}

void authorize(TdClient& client, const TdlibParameters& params, TdAuthPrompt* prompt, double timeout_s) {
  AuthLimits limits;
  limits.step_timeout_s = timeout_s;
  limits.connect_timeout_s = std::min(limits.connect_timeout_s, timeout_s);
  authorize(client, params, prompt, limits);
}

void authorize(TdClient& client, const TdlibParameters& params, TdAuthPrompt* prompt,
               const AuthLimits& limits) {
  check_client_version(client, limits.step_timeout_s);
  std::uint64_t handled = 0;
  int tries = 0;
  for (;;) {
    if (client.auth_changes() <= handled && !client.wait_auth_change(handled, limits.step_timeout_s))
      throw TdAuthError("account " + params.account + ": TDLib did not reach the next login step in " +
                        seconds(limits.step_timeout_s) + " (last state: " + client.auth_state() + ", " +
                        describe_connection_state(client.connection_state()) + ")");
    handled = client.auth_changes();
    const std::string state = client.auth_state();
    const nlohmann::json obj = client.auth_state_object();
    if (state == "authorizationStateReady") return;
    try {
      if (state == "authorizationStateWaitTdlibParameters") {
        if (params.api_id == 0 || params.api_hash.empty())
          throw TdAuthError("account " + params.account +
                            ": set api_id and api_hash (from my.telegram.org) in its [[accounts]] entry");
        client.request(td::set_tdlib_parameters(params), limits.step_timeout_s);
      } else if (state == "authorizationStateWaitPhoneNumber") {
        if (!prompt) throw TdAuthError(login_hint(params));
        std::string phone = prompt->phone_number();
        prompt->say("Sending the phone number to Telegram...");
        request_from_telegram(client, td::set_authentication_phone_number(phone), "sending the phone number",
                              params.account, prompt, limits);
      } else if (state == "authorizationStateWaitCode") {
        if (!prompt) throw TdAuthError(login_hint(params));
        std::string code = prompt->code(code_delivery(obj));
        register_secret(code);
        prompt->say("Checking the code...");
        request_from_telegram(client, td::check_authentication_code(code), "checking the code",
                              params.account, prompt, limits);
      } else if (state == "authorizationStateWaitPassword") {
        if (!prompt) throw TdAuthError(login_hint(params));
        std::string password = prompt->password(td_string(obj, "password_hint"));
        register_secret(password);
        prompt->say("Checking the password...");
        request_from_telegram(client, td::check_authentication_password(password), "checking the password",
                              params.account, prompt, limits);
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
      if (e.code == 0)
        throw TdAuthError("account " + params.account + ": " + state + ": " + e.message + " (" +
                          describe_connection_state(client.connection_state()) + ")");
      if (!person || !prompt || ++tries >= 3)
        throw TdAuthError("account " + params.account + ": " + state + " failed: " + e.message);
      prompt->say("Telegram said: " + e.message + " - try again");
      handled = client.auth_changes() - 1;  // handle the same state once more
    }
  }
}

}  // namespace cmup
