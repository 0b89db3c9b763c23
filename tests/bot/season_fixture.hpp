// A show with one season stored in the simulated storage channel (one uploaded file per
// episode, by another bot as the workers do), for the whole-season tests of the bot and the
// web API.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <vector>

#include "bot/bot_options.hpp"
#include "bot/fixtures.hpp"
#include "bot/sim_harness.hpp"

namespace cmup::bot::e2e {

// The delivery bot against the simulator, quick to stop, pacing a chat at `chat_per_s`.
inline BotOptions test_bot_options(const SimTelegram& sim, double chat_per_s = 20) {
  BotOptions o;
  o.token = kBotToken;
  o.username = kBotName;
  o.api_url = sim.url();
  o.poll_timeout_s = 1;
  o.workers = 4;
  o.harvest_interval_s = 3600;
  o.limits.chat_per_s = chat_per_s;
  return o;
}

struct StoredSeason {
  std::int64_t title_id = 0;
  std::vector<std::string> sha256;  // episode 1..N, in order
  std::vector<std::int64_t> object_ids;
};

// `episodes` episodes of season 1, stored in a shuffled insertion order (the plan must sort
// them). With learn_ids, the delivery bot's own file ids are known (so albums are possible).
inline StoredSeason store_season(SQLite::Database& db, SimTelegram& sim, const std::string& name, int episodes,
                                 bool learn_ids) {
  namespace fx = fixtures;
  StoredSeason s;
  s.title_id = fx::title(db, "show", name, 2020);
  s.sha256.resize(static_cast<size_t>(episodes));
  s.object_ids.resize(static_cast<size_t>(episodes));
  BotApiClient bot(sim.url(), kBotToken);
  for (int k = 0; k < episodes; ++k) {
    int ep = (k * 7) % episodes + 1;  // 1, 8, 3, ... : not in episode order
    auto e = fx::episode(db, s.title_id, 1, ep, "Episode " + std::to_string(ep));
    auto v = fx::variant(db, s.title_id, e, "1080P", 1);
    auto up = sim.upload(name + "_e" + std::to_string(ep) + ".mp4", 1500 + ep, "CM_T_1080P #s");
    std::string bot_id;
    if (learn_ids) {
      auto fwd = bot.call("forwardMessage", {{"chat_id", kIndex}, {"from_chat_id", kStorage}, {"message_id", up.message_id}});
      bot_id = fwd.at("video").at("file_id").get<std::string>();
    }
    s.object_ids[static_cast<size_t>(ep - 1)] =
        fx::object(db, v, 1, 1, kStorage, up.message_id, up.file_id, up.file_unique_id, bot_id);
    s.sha256[static_cast<size_t>(ep - 1)] = up.sha256;
  }
  return s;
}

// The sha256 of each file the bot sent to `user`, in chat order.
inline std::vector<std::string> received_sha256(SimTelegram& sim, std::int64_t user) {
  std::vector<std::string> out;
  for (auto& m : sim.files_to(user)) out.push_back(m["file"]["sha256"].get<std::string>());
  return out;
}

}  // namespace cmup::bot::e2e
