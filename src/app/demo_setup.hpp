// The files and command lines of `cmup demo`: which simulated bots, channels and accounts
// exist, the cmup config that points at the simulators, and how each process is started.
// Kept apart from the orchestration in cmd_demo.cpp so the layout reads as one table.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace cmup {

struct DemoOptions {
  std::filesystem::path data_dir = "demo-data";
  int web_port = 8080;
  int movies = 16;
  int shows = 3;
};

struct DemoWorker {
  std::string account;      // ember, rora, lukas
  bool via_coordinator;     // as on a worker host
  std::string token;        // coordinator bearer token (remote workers)
  std::map<std::string, std::string> env;
};

struct DemoLayout {
  DemoOptions opt;
  int cm_port = 0, tg_port = 0, coordinator_port = 0;
  std::string cm_password, admin_token, bot_token;
  std::map<std::string, std::string> account_tokens;  // account -> simulated bot token
  std::filesystem::path config_path, sim_config_path, db_path;
  std::vector<DemoWorker> workers;
};

// Chooses free ports and fresh random secrets (never fixed ones: a demo left running must
// not be a known-password service).
DemoLayout make_demo_layout(const DemoOptions& opt);
// Writes the Telegram simulator's config and cmup's config (both mode 0600).
void write_demo_files(const DemoLayout& layout);

std::vector<std::string> sim_cm_argv(const DemoLayout& l, const std::filesystem::path& bin_dir);
std::vector<std::string> sim_telegram_argv(const DemoLayout& l, const std::filesystem::path& bin_dir);
std::vector<std::string> worker_argv(const DemoLayout& l, const DemoWorker& w, const std::string& cmup);

}  // namespace cmup
