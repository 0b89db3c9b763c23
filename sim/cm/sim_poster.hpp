// Poster images of cmup-sim-cm, as a real CM's CDN serves them: PNG bytes (a 200x300
// picture whose colours follow the label), served as image/png.
// Pure and thread-safe.
#pragma once

#include <string>

namespace cmup::sim {

std::string poster_png(const std::string& label);

}  // namespace cmup::sim
