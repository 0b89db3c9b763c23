// The HTTP routes of cmup-sim-cm: the CM contract (docs/cm-api.md), posters, media, and the
// optional /control API:
//   POST /control/fail {"status": 503, "count": N[, "retry_after": S]}  the next N API
//        requests (auth and catalog) answer `status` (429 carries Retry-After: S)
//   POST /control/expire-refresh-tokens    every refresh token stops working
//   POST /control/revoke-access-tokens     every access token issued so far gets 401
//   POST /control/token-lifetime {"access_s": A, "refresh_s": R}
//   GET  /control/items/{movies|shows|episodes}/{id}   the item (episodes: a show's list)
//   PUT  /control/items/{movies|shows|episodes}/{id}   replace or add it; body null deletes
//   GET  /control/stats   {logins, refreshes, unauthorized, api_requests, injected_failures,
//                         poster_requests}
#pragma once

#include <httplib.h>

#include <cstdint>
#include <string>

#include "cm/sim_catalog.hpp"

namespace cmup::sim {

struct SimCmOptions {
  std::string public_url;
  std::string username = "cmup", password = "cmup";
  std::int64_t token_lifetime_s = 900, refresh_lifetime_s = 86400;
  CatalogOptions catalog;
  std::string media_dir = "./sim-cm-media";
  std::int64_t throttle_bps = 0;
  int page_delay_ms = 0;
  bool control = false;
};

// Generates the media (ffmpeg) if needed and mounts every route. Throws when the media
// cannot be made.
void mount_sim_cm(httplib::Server& srv, const SimCmOptions& opts);

}  // namespace cmup::sim
