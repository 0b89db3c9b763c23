// The simulator's HTTP front: Bot API routes (/bot<token>/<method>, /file/bot<token>/...),
// the control API (only when enabled) and the chat viewer.
//
// Contract: every Bot API reply is {"ok":true,"result":...} or Telegram's error object with
// the HTTP status equal to error_code; unknown tokens get 401 "Unauthorized", unknown
// methods 404 "Not Found". A request body is always read to its end before the answer.
// bind() returns the bound port (useful with port 0); listen() blocks until stop().
// stop() is safe from a signal-watching thread.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "sim.hpp"

namespace cmup::simtg {

class WebhookPusher;

class SimServer {
 public:
  explicit SimServer(Sim& sim);
  ~SimServer();
  int bind(const std::string& host, int port);  // -1 on failure
  void listen();
  void stop();

 private:
  Sim& sim_;
  httplib::Server http_;
  std::unique_ptr<WebhookPusher> webhooks_;
};

// control.cpp / viewer.cpp
void install_control_routes(httplib::Server& http, Sim& sim);
void install_viewer_routes(httplib::Server& http, Sim& sim);

// Closes the client's connection of `req` without an answer (the "dropped connection" fault).
void drop_connection(const httplib::Request& req);

void reply_json(httplib::Response& res, int status, const nlohmann::json& body);

}  // namespace cmup::simtg
