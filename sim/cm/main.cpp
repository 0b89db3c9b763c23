// cmup-sim-cm: a stand-in for the operator's CM service (docs/cm-api.md), for tests, the
// demo and benchmarks. Serves the auth and catalog contract with HS256 JWTs, a generated
// catalog, poster images and the media files its links point to; with --control, a
// /control API lets tests inject failures, expire tokens and change the catalog.
// Prints "listening on http://HOST:PORT" once it accepts requests.
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "cm/sim_routes.hpp"
#include "common/media_server.hpp"
#include "util/host_port.hpp"

int main(int argc, char** argv) {
  cmup::sim::SimCmOptions o;
  CLI::App app{"cmup-sim-cm: simulated CM service"};
  std::string listen = "127.0.0.1:8090";
  app.add_option("--listen", listen, "HOST:PORT to listen on")->default_val(listen);
  app.add_option("--public-url", o.public_url, "Base URL written into links (default http://<listen>)");
  app.add_option("--username", o.username, "Accepted user name")->default_val(o.username);
  app.add_option("--password", o.password, "Accepted password")->default_val(o.password);
  app.add_option("--token-lifetime", o.token_lifetime_s, "Access token lifetime, seconds")
      ->default_val(o.token_lifetime_s);
  app.add_option("--refresh-lifetime", o.refresh_lifetime_s, "Refresh token lifetime, seconds")
      ->default_val(o.refresh_lifetime_s);
  app.add_option("--movies", o.catalog.movies, "Movies in the catalog")->default_val(o.catalog.movies);
  app.add_option("--shows", o.catalog.shows, "Shows in the catalog")->default_val(o.catalog.shows);
  app.add_option("--episodes-per-show", o.catalog.episodes_per_show, "Episodes of each show")
      ->default_val(o.catalog.episodes_per_show);
  app.add_option("--seed", o.catalog.seed, "Catalog seed (same seed, same catalog)")
      ->default_val(o.catalog.seed);
  app.add_option("--sources", o.catalog.sources_per_item,
                 "Exactly N plain links per item (0: a mix of 1-3 qualities, dead links and duplicates)")
      ->default_val(0);
  app.add_option("--media-dir", o.media_dir, "Where the generated media files are kept")
      ->default_val(o.media_dir);
  app.add_option("--throttle-bps", o.throttle_bps, "Limit each media download to N bytes/s (0: unlimited)")
      ->default_val(0);
  app.add_option("--page-delay-ms", o.page_delay_ms, "Delay every catalog page by N ms")->default_val(0);
  app.add_flag("--control", o.control, "Enable the /control API for tests");
  CLI11_PARSE(app, argc, argv);

  std::string host;
  int port = 0;
  try {
    auto at = cmup::parse_host_port(listen);
    host = at.host;
    port = at.port;
  } catch (const std::invalid_argument& e) {
    std::cerr << "cmup-sim-cm: --listen " << e.what() << "\n";
    return 2;
  }
  if (o.public_url.empty()) o.public_url = "http://" + listen;
  while (!o.public_url.empty() && o.public_url.back() == '/') o.public_url.pop_back();
  o.catalog.public_url = o.public_url;

  httplib::Server srv;
  cmup::sim::use_large_thread_pool(srv, 64);
  srv.set_tcp_nodelay(true);  // small JSON answers would otherwise wait on delayed ACKs
  try {
    cmup::sim::mount_sim_cm(srv, o);
  } catch (const std::exception& e) {
    std::cerr << "cmup-sim-cm: " << e.what() << "\n";
    return 1;
  }
  if (!srv.bind_to_port(host, port)) {
    std::cerr << "cmup-sim-cm: cannot listen on " << listen << "\n";
    return 1;
  }
  std::signal(SIGPIPE, SIG_IGN);
  std::cout << "listening on http://" << listen << std::endl;
  srv.listen_after_bind();
  return 0;
}
