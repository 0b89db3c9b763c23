// Webhook delivery: for each bot with a webhook set, POSTs its queued updates in order to
// the URL, with the header X-Telegram-Bot-Api-Secret-Token when a secret was set.
//
// Contract: an update leaves the queue only after the receiver answered 2xx; on any other
// answer or a network error the bot's delivery pauses (backoff, growing to 30 s) and the
// error shows in getWebhookInfo. One background thread; start()/stop() from the owner.
#pragma once

#include <thread>

#include "sim.hpp"

namespace cmup::simtg {

class WebhookPusher {
 public:
  explicit WebhookPusher(Sim& sim) : sim_(sim) {}
  ~WebhookPusher() { stop(); }
  void start();
  void stop();

 private:
  void run();
  Sim& sim_;
  std::thread thread_;
};

}  // namespace cmup::simtg
