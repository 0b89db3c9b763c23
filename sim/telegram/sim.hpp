// The running simulator: options, the configured world, its state and fault model.
// Shared by every request thread; each member documents its own locking (Store::mu,
// and the internal mutexes of Faults, Throttle, RateLimits, Stats, CallLog).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "call_log.hpp"
#include "faults.hpp"
#include "group_limit.hpp"
#include "sim_config.hpp"
#include "store.hpp"

namespace cmup::simtg {

// Telegram's caps: cloud multipart uploads 50 MB; a self-hosted server in --local mode
// 2000 MB (4000 parts of 512 KiB, the number TDLib enforces); getFile downloads 20 MB.
inline constexpr std::uint64_t kCloudUploadCap = 50ull * 1024 * 1024;
inline constexpr std::uint64_t kLocalUploadCap = 2000ull * 1024 * 1024;
inline constexpr std::uint64_t kCloudDownloadCap = 20ull * 1024 * 1024;

struct SimOptions {
  std::string host = "127.0.0.1";
  int port = 8081;
  std::filesystem::path config;
  std::filesystem::path data_dir;
  bool control = false;
  std::uint64_t max_upload_bytes = kCloudUploadCap;
  std::uint64_t throttle_bps = 0;
  bool enforce_rate_limits = false;
  double rate_window_scale = 1;  // every rate-limit window times this (tests shrink them)
};

struct Sim {
  Sim(SimOptions o, SimWorld w)
      : opts(std::move(o)), world(std::move(w)), store(world, std::filesystem::absolute(opts.data_dir)) {
    global_throttle.set(opts.throttle_bps);
    rate_limits.set_window_scale(opts.rate_window_scale);
    group_limit.set_window_scale(opts.rate_window_scale);
  }
  SimOptions opts;
  SimWorld world;
  Store store;
  Faults faults;
  Throttle global_throttle;
  RateLimits rate_limits;
  GroupLimit group_limit;
  Stats stats;
  CallLog calls;

  Throttle& bot_throttle(const std::string& username) {
    std::lock_guard lk(throttles_mu_);
    auto& t = bot_throttles_[username];
    if (!t) t = std::make_unique<Throttle>();
    return *t;
  }
  // Largest file one multipart part or file:// input may have for this bot.
  std::uint64_t upload_cap(const BotInfo& bot) const {
    if (bot.max_upload_bytes) return *bot.max_upload_bytes;
    return bot.local_mode ? std::max(kLocalUploadCap, opts.max_upload_bytes) : opts.max_upload_bytes;
  }

 private:
  std::mutex throttles_mu_;
  std::map<std::string, std::unique_ptr<Throttle>> bot_throttles_;
};

}  // namespace cmup::simtg
