#!/usr/bin/env bash
# Browser tests (ctest "web_browser"): bash tests/web_browser/run.sh BUILD_DIR
# Drives Debian's /usr/bin/chromium through playwright-core (never a downloaded browser)
# against BUILD_DIR/cmup serve on a fixture database, then (cm_posters_test.js) on a catalog
# imported from cmup-sim-cm with the simulator stopped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)"
if [ ! -x /usr/bin/chromium ]; then
  echo "web_browser: /usr/bin/chromium is missing: run scripts/install-deps" >&2
  exit 1
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "web_browser: installing playwright-core (npm install in tests/web_browser)"
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent)
fi
status=0
node "$here/run_tests.js" "$build" || status=1
node "$here/cm_posters_test.js" "$build" || status=1
exit $status
