// Fixture of the layer check: the queue may include media (a step before it).
#pragma once
#include "media/upward.hpp"
