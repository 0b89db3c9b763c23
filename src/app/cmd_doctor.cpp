// `cmup doctor`: checks that every upload account can post to every storage channel and the
// delivery bot can read them, and says exactly which rights are missing (channel_check.hpp).
// Exit 0 when all is well, 1 when something is missing.
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "app/commands.hpp"
#include "db/database.hpp"
#include "telegram/bot_api.hpp"
#include "telegram/bot_api_uploader.hpp"
#include "telegram/channel_check.hpp"
#include "telegram/storage_channels.hpp"
#include "telegram/td_auth.hpp"
#include "telegram/tdlib_uploader.hpp"

namespace cmup {

namespace {

// Prints the TDLib version and the account's authorization state, then checks the chats.
// The client is closed (bounded) on every way out: TdClient's destructor.
std::vector<RightsCheck> check_tdlib_account(const AccountConfig& a, const Config& cfg,
                                             const std::vector<std::int64_t>& chats) {
  const std::string label = "account " + a.name;
  auto fail_all = [&](const std::string& problem, const std::string& fix) {
    std::vector<RightsCheck> out;
    out.reserve(chats.size() + 1);
    for (auto c : chats) out.push_back({label, c, "storage", false, problem, fix});
    if (chats.empty()) out.push_back({label, 0, "account", false, problem, fix});
    return out;
  };
  const std::string path = cfg.str("telegram.tdjson_path");
  std::shared_ptr<TdJson> api;
  try {
    api = load_tdjson(path);
  } catch (const std::exception& e) {
    std::cout << "  TDLib: not loaded\n";
    return fail_all(e.what(), "see the message");
  }
  try {
    auto opts = tdlib_options_from_config(a, cfg);
    prepare_account_dir(opts.params.database_directory);
    TdClient client(api);
    AuthLimits limits;
    limits.step_timeout_s = 30;
    limits.connect_timeout_s = static_cast<double>(cfg.integer("telegram.tdlib_connect_timeout_s"));
    std::string version;
    try {
      version = check_client_version(client, limits.step_timeout_s);
    } catch (const std::exception& e) {
      std::cout << "  TDLib " << (client.version().empty() ? "?" : client.version()) << " (" << path << ")\n";
      return fail_all(e.what(), "see the message");
    }
    std::cout << "  TDLib " << version << " (" << path << ")\n";
    try {
      authorize(client, opts.params, nullptr, limits);
    } catch (const std::exception& e) {
      std::cout << "  authorization: " << describe_auth_state(client.auth_state()) << "\n";
      return fail_all(e.what(), "run `cmup account login " + a.name + "`");
    }
    std::cout << "  authorization: " << describe_auth_state(client.auth_state()) << "\n";
    return check_tdlib(client, label, chats, limits.connect_timeout_s);
  } catch (const std::exception& e) {
    return fail_all(e.what(), "see the message");
  }
}

std::vector<RightsCheck> check_account(const AccountConfig& a, const Config& cfg,
                                       const std::vector<std::int64_t>& chats) {
  const std::string label = "account " + a.name;
  if (a.backend == "botapi") {
    if (a.token.empty()) {
      std::vector<RightsCheck> out;
      out.reserve(chats.size());
      for (auto c : chats)
        out.push_back({label, c, "storage", false, "no bot token",
                       "set token in its [[accounts]] entry or CMUP_ACCOUNT_<NAME>_TOKEN"});
      return out;
    }
    BotApiClient client(a.api_url.empty() ? cfg.str("telegram.bot_api_url") : a.api_url, a.token, 20000);
    return check_bot(client, label, BotRole::Uploader, chats,
                     BotApiUploaderOptions::from_config(a, cfg).index_chat_id);
  }
  return check_tdlib_account(a, cfg, chats);
}

void print(const RightsCheck& c) {
  if (c.ok) {
    std::cout << "  ok       " << c.who << " -> " << c.role << " chat " << c.chat_id << "\n";
  } else if (c.chat_id == 0) {  // about the account itself (no channels configured)
    std::cout << "  MISSING  " << c.who << ": " << c.problem << "\n           fix: " << c.fix << "\n";
  } else {
    std::cout << "  MISSING  " << c.who << " -> " << c.role << " chat " << c.chat_id << ": " << c.problem
              << "\n           fix: " << c.fix << "\n";
  }
}

}  // namespace

void add_doctor_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("doctor", "Check that accounts and the bot can reach every storage channel");
  // One value, always: CLI11 would read a bare `--enable -100...` as an option when the
  // value were optional.
  auto enable = std::make_shared<std::string>();
  cmd->add_option("--enable", *enable,
                  "Re-enable storage channel CHAT_ID (or `all` disabled ones) after its rights were fixed: "
                  "only once every check on it passes");
  cmd->callback([&ctx, enable] {
    const Config& cfg = ctx.config();
    const bool enabling = !enable->empty();
    std::optional<std::int64_t> only;  // --enable CHAT_ID: check and enable that channel alone
    if (enabling && *enable != "all") {
      try {
        std::size_t used = 0;
        only = std::stoll(*enable, &used);
        if (used != enable->size()) throw std::invalid_argument(*enable);
      } catch (const std::exception&) {
        std::cout << "--enable takes a channel's chat id (e.g. -1001234567890) or `all`, not \"" << *enable
                  << "\"\n";
        ctx.exit_code = 2;
        return;
      }
    }
    std::vector<std::int64_t> chats;
    for (const auto& c : cfg.channels())
      if (!only || c.chat_id == *only) chats.push_back(c.chat_id);
    if (only && chats.empty()) {
      // Only a configured channel may take uploads again (sync_channels would disable it).
      std::cout << "channel " << *only
                << " is not a storage channel in the config: list it under [[channels]] (chat_id, kind) first\n";
      ctx.exit_code = 2;
      return;
    }
    std::vector<RightsCheck> all;
    for (const auto& a : cfg.accounts()) {
      std::cout << "account " << a.name << " (" << a.backend << ", " << a.kind << ")\n";
      // Without channels, a Bot API account has nothing to check; a TDLib account still
      // shows its library and login state.
      if (chats.empty() && a.backend != "tdlib") continue;
      for (const auto& c : check_account(a, cfg, chats)) {
        print(c);
        all.push_back(c);
      }
    }
    if (chats.empty()) {
      std::cout << "no storage channels configured: add [[channels]] entries (chat_id, kind) to the config\n";
      ctx.exit_code = 1;
      return;
    }
    if (cfg.accounts().empty()) std::cout << "no upload accounts configured ([[accounts]])\n";
    const std::string token = cfg.str("bot.token");
    if (token.empty()) {
      std::cout << "delivery bot: no token (bot.token / CMUP_BOT_TOKEN): not checked\n";
    } else {
      std::string url =
          cfg.str("bot.api_url").empty() ? cfg.str("telegram.bot_api_url") : cfg.str("bot.api_url");
      BotApiClient client(url, token, 20000);
      std::cout << "delivery bot\n";
      for (const auto& c :
           check_bot(client, "delivery bot", BotRole::Delivery, chats, cfg.integer("bot.index_chat_id"))) {
        print(c);
        all.push_back(c);
      }
    }
    std::map<std::int64_t, bool> channel_ok;
    int missing = 0;
    for (const auto& c : all) {
      if (!c.ok) ++missing;
      if (c.role == "storage")
        channel_ok[c.chat_id] = channel_ok.count(c.chat_id) ? channel_ok[c.chat_id] && c.ok : c.ok;
    }
    if (enabling) {
      auto db = db::open(cfg.database_path());
      db::write_tx(*db, [&] {
        sync_channels(*db, cfg.channels());
        for (auto [chat, ok] : channel_ok) {
          auto row = find_channel(*db, chat);
          if (!row || row->enabled) {
            if (only) std::cout << "channel " << chat << " is enabled: nothing to do\n";
          } else if (ok) {
            enable_channel(*db, chat);
            std::cout << "channel " << chat << " enabled again (was: " << row->disabled_reason << ")\n";
          } else {
            std::cout << "channel " << chat << " stays disabled: fix what is MISSING above, then run "
                      << "`cmup doctor --enable " << chat << "` again\n";
          }
        }
      });
    }
    std::cout << (missing == 0 ? "all checks passed\n" : std::to_string(missing) + " check(s) failed\n");
    ctx.exit_code = missing == 0 ? 0 : 1;
  });
}

}  // namespace cmup
